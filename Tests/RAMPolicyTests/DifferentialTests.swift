import Foundation
import RAMCatalog
import RAMPolicy
import StrictJSON
import TestSupport
import Testing

/// The real evaluator against the reference one, on generated worlds and requests.
@Suite("Differential: evaluator vs reference")
struct DifferentialTests {
    /// Fixed seeds, plus one that changes with each run (printed, to replay a failure).
    static let seeds: [UInt64] = [1, 2, 3, 42, 2026, 0xC0FFEE, UInt64(Date().timeIntervalSince1970)]

    @Test("decisions agree", arguments: seeds)
    func agree(seed: UInt64) throws {
        print("differential seed \(seed)")
        var g = WorldGenerator(seed: seed)
        let catalog = Catalog.shared
        var compared = 0
        var kinds: [String: Int] = [:]
        for _ in 0..<60 {
            let world = Render.normalized(g.world())
            let src = SourceFile(name: "world.json", text: Render.world(world))
            let snapshot = try SnapshotLoader.load(src)
            let evaluator = Evaluator(snapshot: snapshot, facts: catalog)
            for _ in 0..<40 {
                var r = g.request()
                r.session = r.session.map(Render.normalized)
                let expected = Reference.evaluate(world, r, allResources: { catalog.isAllResources($0) })
                var ctx = RequestContext()
                for (k, v) in r.context { ctx.add(k, values: v) }
                let session = try r.session.map {
                    try PolicyParser.parse(SourceFile(name: "session.json", text: Render.policy($0)), name: "session", kind: .session)
                }
                let request = Request(
                    principal: Principal(parsing: r.principal) ?? .adHoc, action: r.action, resource: r.resource, context: ctx,
                    sessionPolicy: session, resourceGroup: r.resourceGroup)
                let d = try evaluator.evaluate(request)
                let fast = try evaluator.decide(request)
                #expect(
                    d.kind.rawValue == expected.0 && d.policyType?.rawValue == expected.1,
                    "seed \(seed): \(r.principal) \(r.action) on \(r.resource ?? "nil") ctx \(r.context) rg \(r.resourceGroup ?? "-")\nworld: \(src.bytes.count) bytes"
                )
                #expect(fast.0 == d.kind && fast.1 == d.policyType, "fast path differs, seed \(seed)")
                compared += 1
                kinds["\(d.kind.rawValue)/\(d.policyType?.rawValue ?? "-")", default: 0] += 1
            }
        }
        #expect(compared == 2400)
        // The generator must reach every outcome, or the comparison proves little.
        #expect(kinds.keys.count >= 8, "outcomes reached: \(kinds)")
        #expect((kinds["allow/-"] ?? 0) > 200)
        print("seed \(seed) outcomes: \(kinds.sorted { $0.key < $1.key })")
    }
}
