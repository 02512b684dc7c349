import Foundation
import RAMCatalog
import RAMPolicy
import StrictJSON
import TestSupport
import Testing

/// Hostile input: mutated copies of every policy and snapshot in the repository
/// must load or fail with diagnostics that have positions — never crash or hang —
/// and whatever loads must evaluate.
@Suite("Mutated documents")
struct MutationTests {
    static func inputs() throws -> [URL] {
        let root = CorpusPaths.root
        var urls: [URL] = []
        for dir in ["policies", "policies/system", "policies/bad", "Tests/Corpus/ram-examples"] {
            urls += CorpusPaths.files(root.appendingPathComponent(dir))
        }
        return urls
    }

    static let pieces: [[UInt8]] = [
        Array("{".utf8), Array("}".utf8), Array("[".utf8), Array("]".utf8), Array(",".utf8), Array(":".utf8), Array("\"".utf8),
        Array("\\".utf8), Array("\\u".utf8), Array("\\ud800".utf8), Array("*".utf8), Array("?".utf8), [0xFF], [0xC3], [0x00], [0x0D],
        Array("/".utf8), Array("1e999".utf8), Array("-0".utf8), Array("\"IpAddress\"".utf8), Array("\"::/999\"".utf8),
        Array("\"2027-02-30T00:00:00Z\"".utf8), Array("99999999999999999999999999".utf8),
    ]

    static func mutate(_ b: [UInt8], _ g: inout SplitMix64) -> [UInt8] {
        var b = b
        for _ in 0...(g.next() % 3) {
            guard !b.isEmpty else { break }
            let at = Int(g.next() % UInt64(b.count))
            switch g.next() % 4 {
            case 0: b.remove(at: at)
            case 1: b.insert(contentsOf: pieces[Int(g.next() % UInt64(pieces.count))], at: at)
            case 2: b[at] = UInt8(truncatingIfNeeded: g.next())
            default:
                let len = min(b.count - at, Int(g.next() % 40))
                b.insert(contentsOf: b[at..<(at + len)], at: at)
            }
        }
        return b
    }

    @Test("policies survive mutation", arguments: try inputs())
    func policies(_ url: URL) throws {
        let original = [UInt8](try Data(contentsOf: url))
        var g = SplitMix64(seed: UInt64(original.count) &* 2_654_435_761)
        let isSnapshot = url.lastPathComponent.contains("account")
        for _ in 0..<150 {
            let bytes = Self.mutate(original, &g)
            let src = SourceFile(name: url.path, bytes: bytes)
            do {
                if isSnapshot {
                    let snap = try SnapshotLoader.load(src)
                    let ev = Evaluator(snapshot: snap, facts: Catalog.shared)
                    for p in snap.principals { _ = try? ev.evaluate(Request(principal: p, action: "emr-serverless-spark:CreateWorkspace")) }
                } else {
                    for kind in [PolicyKind.identity, .trust] {
                        guard let p = try? PolicyParser.parse(src, name: "m", kind: kind) else { continue }
                        let ev = Evaluator(policies: [p], facts: Catalog.shared)
                        var ctx = RequestContext()
                        ctx.add("acs:SourceIp", values: ["10.1.2.3"])
                        _ = try ev.evaluate(Request(action: "emr-serverless-spark:CreateWorkspace", context: ctx))
                        _ = try ev.evaluate(Request(action: "ecs:DescribeInstances", resource: "acs:ecs:cn-qingdao:1:instance/i"))
                    }
                    _ = try PolicyParser.parse(src, name: "m", kind: .identity)
                }
            } catch let list as DiagnosticList {
                #expect(!list.diagnostics.isEmpty)
                for d in list.diagnostics where d.range == nil && d.fileName == nil {
                    Issue.record("a diagnostic without a position: \(d)")
                }
                // Rendering a diagnostic (quoting the line) must work on any bytes.
                for d in list.diagnostics { _ = d.range?.file.lineText(d.range?.start.line ?? 1) }
            }
        }
    }
}
