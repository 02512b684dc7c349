import Foundation
import RAMCatalog
import RAMPolicy
import StrictJSON
import TestSupport
import Testing

/// `--open-context`: residuals, checked against concrete evaluation.
@Suite("Partial evaluation")
struct PartialEvaluationTests {
    static let seeds: [UInt64] = [7, 11, 2027, 0xBEEF, UInt64(Date().timeIntervalSince1970)]

    @Test("substituting any context into the residual gives the concrete decision", arguments: seeds)
    func property(seed: UInt64) throws {
        print("partial-evaluation seed \(seed)")
        var g = WorldGenerator(seed: seed)
        let catalog = Catalog.shared
        var kinds: [String: Int] = [:]
        for _ in 0..<40 {
            let world = Render.normalized(g.world())
            let snapshot = try SnapshotLoader.load(SourceFile(name: "world.json", text: Render.world(world)))
            let evaluator = Evaluator(snapshot: snapshot, facts: catalog)
            for _ in 0..<25 {
                var r = g.request()
                r.session = r.session.map(Render.normalized)
                let session = try r.session.map {
                    try PolicyParser.parse(SourceFile(name: "session.json", text: Render.policy($0)), name: "session", kind: .session)
                }
                var given = RequestContext()
                // Half the keys the generator gives are left unknown.
                for (k, v) in r.context where g.chance(50) { given.add(k, values: v) }
                let base = Request(
                    principal: Principal(parsing: r.principal) ?? .adHoc, action: r.action, resource: r.resource, context: given,
                    sessionPolicy: session, resourceGroup: r.resourceGroup)
                let open = try evaluator.evaluateOpen(base)
                kinds[open.kind.rawValue, default: 0] += 1
                #expect(!open.residualTooLarge)
                // Only unknown keys appear in the residual.
                for k in open.residual?.keys ?? [] { #expect(given.lookup(k.lowercased()) == nil) }
                for _ in 0..<12 {
                    var full = given
                    for c in WorldGenerator.conditions where given.lookup(c.key.lowercased()) == nil && g.chance(70) {
                        var values = [g.pick(c.given)]
                        if g.chance(15) { values.append(g.pick(c.given)) }
                        full.add(c.key, values: values)
                    }
                    var concrete = base
                    concrete.context = full
                    let d = try evaluator.evaluate(concrete)
                    let expected: Bool
                    switch open.kind {
                    case .allow: expected = true
                    case .explicitDeny, .implicitDeny: expected = false
                    case .conditional: expected = open.residual?.holds(in: full) ?? false
                    }
                    #expect(d.kind.isAllowed == expected, "open \(open.kind) \(open.residual?.description ?? "") vs concrete \(d.kind)")
                }
            }
        }
        print("partial-evaluation kinds: \(kinds.sorted { $0.key < $1.key })")
        #expect((kinds["conditional"] ?? 0) > 0 && (kinds["allow"] ?? 0) > 0)
    }

    func evaluator(_ doc: String) throws -> Evaluator {
        let p = try PolicyParser.parse(SourceFile(name: "p.json", text: doc), name: "p", kind: .identity)
        return Evaluator(policies: [p], facts: Catalog.shared)
    }

    @Test("a residual keeps only what can change the answer, and reads as a sentence")
    func simplification() throws {
        // (ip ∧ mfa) ∨ (ip ∧ ¬mfa) = ip; a Deny over a time key becomes `unless`.
        let e = try evaluator(
            """
            {"Version": "1", "Statement": [
              {"Effect": "Allow", "Action": "emr-serverless-spark:CreateWorkspace", "Resource": "*",
               "Condition": {"IpAddress": {"acs:SourceIp": "10.0.0.0/8"}, "Bool": {"acs:MFAPresent": "true"}}},
              {"Effect": "Allow", "Action": "emr-serverless-spark:CreateWorkspace", "Resource": "*",
               "Condition": {"IpAddress": {"acs:SourceIp": "10.0.0.0/8"}, "Bool": {"acs:MFAPresent": "false"}}},
              {"Effect": "Allow", "Action": "emr-serverless-spark:CreateWorkspace", "Resource": "*",
               "Condition": {"IpAddress": {"acs:SourceIp": "10.0.0.0/8"}}},
              {"Effect": "Deny", "Action": "emr-serverless-spark:*", "Resource": "*",
               "Condition": {"DateGreaterThanEquals": {"acs:CurrentTime": "2027-01-01T00:00:00Z"}}}
            ]}
            """)
        let d = try e.evaluateOpen(Request(action: "emr-serverless-spark:CreateWorkspace"))
        #expect(d.kind == .conditional)
        let r = try #require(d.residual)
        #expect(r.anyOf.count == 1 && r.anyOf[0].count == 2)
        #expect(r.description == "`acs:SourceIp` in `10.0.0.0/8`, unless `acs:CurrentTime` at least `2027-01-01T00:00:00Z`")
        // Given keys are decided, not kept.
        var ctx = RequestContext()
        ctx.add("acs:CurrentTime", values: ["2026-12-04T00:00:00Z"])
        let now = try e.evaluateOpen(Request(action: "emr-serverless-spark:CreateWorkspace", context: ctx))
        #expect(now.residual?.description == "`acs:SourceIp` in `10.0.0.0/8`")
        ctx.add("acs:SourceIp", values: ["10.1.1.1"])
        #expect(try e.evaluateOpen(Request(action: "emr-serverless-spark:CreateWorkspace", context: ctx)).kind == .allow)
    }

    @Test("answers that no unknown key can change are plain: allow, explicit and implicit deny")
    func plain() throws {
        let e = try evaluator(
            """
            {"Version": "1", "Statement": [
              {"Effect": "Allow", "Action": "emr-serverless-spark:*", "Resource": "*"},
              {"Effect": "Allow", "Action": "emr-serverless-spark:ListWorkspaces", "Resource": "*", "Condition": {"Bool": {"acs:MFAPresent": "true"}}},
              {"Effect": "Deny", "Action": "emr-serverless-spark:DeleteWorkspace", "Resource": "*"},
              {"Effect": "Allow", "Action": "oss:GetObject", "Resource": "*", "Condition": {"StringLike": {"acs:SourceVpc": "vpc-*"}}},
              {"Effect": "Allow", "Action": "oss:GetObject", "Resource": "*", "Condition": {"StringNotLike": {"acs:SourceVpc": "vpc-*"}}}
            ]}
            """)
        #expect(try e.evaluateOpen(Request(action: "emr-serverless-spark:ListWorkspaces")).kind == .allow)
        #expect(try e.evaluateOpen(Request(action: "emr-serverless-spark:DeleteWorkspace")).kind == .explicitDeny)
        #expect(try e.evaluateOpen(Request(action: "ecs:StartInstance")).kind == .implicitDeny)
        // StringLike ∨ StringNotLike over one key: a tautology, found without a residual.
        #expect(try e.evaluateOpen(Request(action: "oss:GetObject", resource: "acs:oss:*:1:bucket/x")).kind == .allow)
    }
}
