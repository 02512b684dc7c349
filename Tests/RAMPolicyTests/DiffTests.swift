import Foundation
import RAMCatalog
import StrictJSON
import TestSupport
import Testing

@testable import RAMPolicy

/// The exact diff: every request that one side denies and the other allows is in a
/// reported class, and every reported example is confirmed by concrete evaluation.
@Suite("Access diff")
struct DiffTests {
    static let seeds: [UInt64] = [5, 17, 99, 4242, UInt64(Date().timeIntervalSince1970)]
    static let vocabulary = DiffVocabulary(
        knownActions: Catalog.shared.actions.map(\.action), operationLevelPrefixes: Catalog.shared.operationLevelPrefixes)

    /// Whether `change` is the class of `request` (same principal, resource group, action
    /// part, resource part, and the condition holds in the request's context).
    static func covers(_ c: AccessChange, _ r: Request, old: Evaluator, new: Evaluator) -> Bool {
        guard c.principal == r.principal else { return false }
        let groups = Set(old.resourceGroups(of: r.principal) + new.resourceGroups(of: r.principal))
        let rg = r.resourceGroup.flatMap { groups.contains($0) ? $0 : nil }
        guard rg == c.resourceGroup else { return false }
        let statements = old.statements(of: r.principal) + new.statements(of: r.principal)
        let catalog = Catalog.shared
        func actionSignature(_ a: String) -> [Bool] {
            let b = Array(a.lowercased().utf8)
            return statements.map { s in b.withUnsafeBufferPointer { s.actions.matches($0) } }
                + catalog.operationLevelPrefixes.map { a.lowercased().hasPrefix($0) }
        }
        func sameAction(_ a: String, _ b: String) -> Bool {
            if catalog.lookup(a) != nil || catalog.lookup(b) != nil { return a.lowercased() == b.lowercased() }
            return actionSignature(a) == actionSignature(b)
        }
        guard let action = c.actions.first(where: { sameAction($0, r.action) }) else { return false }
        if !catalog.isAllResources(action.lowercased()) {
            let res = r.resource ?? "*"
            let naming = statements.filter { s in Array(action.lowercased().utf8).withUnsafeBufferPointer { s.actions.matches($0) } }
            func resourceSignature(_ x: String) -> [Bool] {
                naming.map { s in s.resources.map { l in Array(x.utf8).withUnsafeBufferPointer { l.matches($0) } } ?? true }
            }
            // For sts:AssumeRole the role a resource names decides which trust policy applies.
            func role(_ e: Evaluator, _ x: String) -> String? {
                guard action.lowercased() == "sts:assumerole", let n = e.roleName(x), e.trust[n] != nil else { return nil }
                return n
            }
            guard resourceSignature(res) == resourceSignature(c.resource), role(old, res) == role(old, c.resource),
                role(new, res) == role(new, c.resource)
            else { return false }
        }
        return c.condition?.holds(in: r.context) ?? true
    }

    @Test("every changed request is in a reported class; every example is confirmed", arguments: seeds)
    func exact(seed: UInt64) throws {
        print("diff seed \(seed)")
        var g = WorldGenerator(seed: seed)
        let catalog = Catalog.shared
        var changed = 0
        var classes = 0
        for _ in 0..<12 {
            let w1 = Render.normalized(g.world())
            let w2 = Render.normalized(g.world())
            let old = Evaluator(snapshot: try SnapshotLoader.load(SourceFile(name: "old.json", text: Render.world(w1))), facts: catalog)
            let new = Evaluator(snapshot: try SnapshotLoader.load(SourceFile(name: "new.json", text: Render.world(w2))), facts: catalog)
            let principals: [Principal] = [.user("u1"), .role("r1"), .role("r2")]
            let result = AccessDiff.compare(old: old, new: new, principals: principals, vocabulary: Self.vocabulary, facts: catalog)
            #expect(result.unconfirmed == 0)
            #expect(result.incomplete.isEmpty)
            classes += result.added.count + result.removed.count
            for _ in 0..<150 {
                let q = g.request()
                guard let p = Principal(parsing: q.principal), p != .root else { continue }
                var ctx = RequestContext()
                for (k, v) in q.context { ctx.add(k, values: v) }
                // Actions no pattern names literally too: a part only NotAction reaches, an unknown service.
                let action =
                    g.chance(30) ? g.pick(["xyz:Anything", "ecs:RebootInstance", "oss:PutObject", "ram:GetUser", "sts:GetCallerIdentity"]) : q.action
                let r = Request(principal: p, action: action, resource: q.resource, context: ctx, resourceGroup: q.resourceGroup)
                let before = try old.decide(r).0.isAllowed
                let after = try new.decide(r).0.isAllowed
                guard before != after else { continue }
                changed += 1
                let list = after ? result.added : result.removed
                if !list.contains(where: { Self.covers($0, r, old: old, new: new) }), ProcessInfo.processInfo.environment["DIFF_DEBUG"] != nil {
                    for c in list where c.principal == p {
                        print("  class: \(c.actions) \(c.resource) rg \(c.resourceGroup ?? "-") \(c.condition?.description ?? "always")")
                    }
                    print("  old: \(Render.world(w1))\n  new: \(Render.world(w2))")
                }
                #expect(
                    list.contains { Self.covers($0, r, old: old, new: new) },
                    "\(after ? "new" : "removed") access not reported: \(q.principal) \(action) \(q.resource ?? "*") \(q.context) rg \(q.resourceGroup ?? "-")"
                )
            }
        }
        print("diff: \(changed) changed requests, \(classes) classes")
        #expect(changed > 0)
    }

    @Test("identical sides have no difference; a principal only on one side has all its access added or removed")
    func sides() throws {
        let text = try String(contentsOf: CorpusPaths.root.appendingPathComponent("policies/account.json"), encoding: .utf8)
        let a = Evaluator(
            snapshot: try SnapshotLoader.load(SourceFile(name: CorpusPaths.root.appendingPathComponent("policies/account.json").path, text: text)),
            facts: Catalog.shared)
        let same = AccessDiff.compare(old: a, new: a, principals: [.user("alice"), .user("bob")], vocabulary: Self.vocabulary, facts: Catalog.shared)
        #expect(same.added.isEmpty && same.removed.isEmpty && same.requests == 0)
        let gone = AccessDiff.compare(old: a, new: nil, principals: [.user("alice")], vocabulary: Self.vocabulary, facts: Catalog.shared)
        #expect(gone.added.isEmpty && !gone.removed.isEmpty)
        #expect(gone.removed.contains { $0.actions.contains("emr-serverless-spark:CreateWorkspace") })
    }

    func policy(_ statements: String) throws -> Evaluator {
        let doc = #"{"Version":"1","Statement":[\#(statements)]}"#
        return Evaluator(policies: [try PolicyParser.parse(SourceFile(name: "p.json", text: doc), name: "p", kind: .identity)], facts: Catalog.shared)
    }

    @Test("NotAction reaches actions no pattern names; a Deny narrowed by a condition is new access under its negation")
    func targeted() throws {
        let old = try policy(#"{"Effect":"Allow","Action":"ecs:*","Resource":"*"}"#)
        let new = try policy(#"{"Effect":"Allow","NotAction":"oss:*","Resource":"*"}"#)
        let r = AccessDiff.compare(old: old, new: new, principals: [.adHoc], vocabulary: Self.vocabulary, facts: Catalog.shared)
        #expect(r.unconfirmed == 0)
        // Some action of a service no pattern names (not ecs, not oss) is new access.
        let unnamed = r.added.flatMap(\.actions).filter { a in
            let l = a.lowercased()
            return !l.hasPrefix("ecs:") && !l.hasPrefix("oss:") && Catalog.shared.lookup(a) == nil
        }
        #expect(!unnamed.isEmpty, "\(r.added.map(\.actions))")
        #expect(r.added.contains { $0.actions.contains("emr-serverless-spark:CreateWorkspace") })
        #expect(!r.added.contains { $0.actions.contains { $0.lowercased().hasPrefix("oss:") } })

        let before = try policy(#"{"Effect":"Allow","Action":"ecs:StartInstance","Resource":"*"},{"Effect":"Deny","Action":"ecs:*","Resource":"*"}"#)
        let after = try policy(
            #"{"Effect":"Allow","Action":"ecs:StartInstance","Resource":"*"},{"Effect":"Deny","Action":"ecs:*","Resource":"*","Condition":{"Bool":{"acs:MFAPresent":"false"}}}"#
        )
        let d = AccessDiff.compare(old: before, new: after, principals: [.adHoc], vocabulary: Self.vocabulary, facts: Catalog.shared)
        let c = try #require(d.added.first { $0.actions.contains("ecs:StartInstance") })
        #expect(c.condition?.description == "unless `acs:MFAPresent` is `false`")
        #expect(d.removed.isEmpty)
    }

    @Test("string partitions: every part's witness has its signature, and every string falls in a found part")
    func partitions() throws {
        let texts = ["ecs:describe*", "ecs:*", "*:get*", "ecs:describeinstances", "oss:?etobject", "*"]
        let patterns = texts.map { StringPartition.glob($0) }
        let parts = try StringPartition.parts(patterns, shape: .action)
        for p in parts { #expect(StringPartition.matching(p.witness, patterns) == p.matching, "\(p.witness)") }
        let signatures = Set(parts.map(\.matching))
        var rng = SplitMix64(seed: 3)
        let alphabet = Array("ecs:describeinstancegtobjx")
        for _ in 0..<3000 {
            let n = 1 + Int(rng.next() % 16)
            let s = String((0..<n).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
            let colons = s.filter { $0 == ":" }.count
            guard colons == 1, !s.hasPrefix(":"), !s.hasSuffix(":") else { continue }
            #expect(signatures.contains(StringPartition.matching(s, patterns)), "\(s) is in no part")
        }
        // Role ARNs: a region without `:`.
        let role = StringPartition.literal("acs:ram:") + [.runWithoutColon] + StringPartition.literal(":1:role/r")
        #expect(StringPartition.matching("acs:ram:cn-x:1:role/r", [role]) == [0])
        #expect(StringPartition.matching("acs:ram:a:b:1:role/r", [role]) == [])
    }

    func entries(_ condition: String) throws -> [ConditionEntry] {
        let doc = #"{"Version":"1","Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*","Condition":\#(condition)}]}"#
        return try PolicyParser.parse(SourceFile(name: "c.json", text: doc), name: "c", kind: .identity).statements[0].conditions
    }

    @Test("values are found for every combination a key can take, and impossible ones are refused")
    func realizer() throws {
        let n = try entries(#"{"NumericLessThan": {"k:n": "2.5"}, "NumericGreaterThan": {"k:n": "-1"}, "NumericEquals": {"k:n": "0"}}"#)
        // Between -1 and 2.5 but not 0.
        let v = try #require(ContextRealizer.realize([(n[0], true), (n[1], true), (n[2], false)]))
        guard case .values(let vs) = v else { Issue.record("expected values"); return }
        let x = try #require(DecimalNumber(vs[0]))
        #expect(x < DecimalNumber("2.5")! && DecimalNumber("-1")! < x && DecimalNumber.compare(x, DecimalNumber("0")!) != 0)
        // Both StringEquals a and StringEquals b: a multi-valued key.
        let s = try entries(#"{"StringEquals": {"k:s": "a"}, "StringLike": {"k:s": "b*"}}"#)
        #expect(ContextRealizer.realize([(s[0], true), (s[1], true)]) == .values(["a", "b"]))
        // An address in 10.0.0.0/8 but not in 10.1.0.0/16.
        let ip = try entries(#"{"IpAddress": {"acs:SourceIp": "10.0.0.0/8"}, "NotIpAddress": {"acs:SourceIp": "10.1.0.0/16"}}"#)
        if case .values(let a)? = ContextRealizer.realize([(ip[0], true), (ip[1], true)]), let addr = a.first, let parsed = IPAddress(addr) {
            #expect(IPNetwork("10.0.0.0/8")!.contains(parsed) && !IPNetwork("10.1.0.0/16")!.contains(parsed))
        } else {
            Issue.record("no address found")
        }
        // A date strictly between two instants.
        let d = try entries(
            #"{"DateGreaterThan": {"acs:CurrentTime": "2026-01-01T00:00:00Z"}, "DateLessThan": {"acs:CurrentTime": "2026-01-01T00:00:01Z"}}"#)
        #expect(ContextRealizer.realize([(d[0], true), (d[1], true)]) != nil)
        // Impossible: less than 1 and greater than 2 with one value… unless multi-valued (any value): possible.
        let m = try entries(#"{"NumericLessThan": {"k:m": "1"}, "NumericGreaterThan": {"k:m": "2"}}"#)
        #expect(ContextRealizer.realize([(m[0], true), (m[1], true)]) != nil)
        // Truly impossible: equal to `a` and not equal to `a`.
        let e = try entries(#"{"StringEquals": {"k:e": "a"}, "StringNotEquals": {"k:e": "a"}}"#)
        #expect(ContextRealizer.realize([(e[0], true), (e[1], true)]) == nil)
        // Absent satisfies a negated entry.
        #expect(ContextRealizer.realize([(e[1], true)]) == .absent)
    }
}
