import Foundation
import FuzzHarness
import TestSupport
import Testing

/// Every fuzz harness over its seeds and over every input fuzzing ever found
/// (`Fuzz/Regressions/NAME/`): each must pass the harness's invariants (a broken one traps).
/// The libFuzzer runs themselves are `Scripts/fuzz.sh`.
@Suite("fuzz harnesses: seeds and regressions")
struct FuzzReplayTests {
    static let root = CorpusPaths.root

    static func inputs(_ harness: String) -> [String] {
        func under(_ p: String) -> [String] { FuzzDriver.replayFiles([root.appendingPathComponent(p).path]) }
        let regressions = under("Fuzz/Regressions/\(harness)")
        switch harness {
        case "probe": return under("Fuzz/Seeds/probe") + under("Tests/Golden/inputs/denials") + regressions
        case "credentials": return under("Fuzz/Seeds/credentials") + regressions
        default:
            return under("policies").filter { $0.hasSuffix(".json") } + under("Tests/Golden/inputs").filter { $0.hasSuffix(".json") } + regressions
        }
    }

    @Test("each harness passes over its seeds and regressions", arguments: Harness.all.keys.sorted())
    func replay(_ name: String) throws {
        let harness = try #require(Harness.all[name])
        let files = Self.inputs(name)
        #expect(!files.isEmpty)
        for f in files { FuzzDriver.replay(f, harness) }
    }

    @Test("every regression input is named for what it found, in a harness's folder")
    func regressions() throws {
        let dir = Self.root.appendingPathComponent("Fuzz/Regressions")
        for h in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            #expect(Harness.all[h] != nil, "Fuzz/Regressions/\(h) is not a harness")
            for f in try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent(h).path) {
                #expect(!f.hasPrefix("crash-") && !f.hasPrefix("leak-") && !f.hasPrefix("timeout-"), "name \(h)/\(f) for what it found")
            }
        }
    }
}
