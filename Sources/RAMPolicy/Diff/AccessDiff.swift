/// What one side of a diff knows of actions besides the policies: the catalog's action
/// names (each evaluated as itself, with its facts) and the services whose every action is
/// All Resources.
public struct DiffVocabulary: Sendable {
    public let knownActions: [String]
    public let operationLevelPrefixes: [String]

    public init(knownActions: [String], operationLevelPrefixes: [String]) {
        self.knownActions = knownActions
        self.operationLevelPrefixes = operationLevelPrefixes
    }
}

/// One class of requests whose answer changed: the principal, the actions, the resource,
/// and the condition on the request context under which it changed — with one concrete
/// example request that evaluates to deny on one side and allow on the other.
public struct AccessChange: Sendable {
    public let principal: Principal
    public var actions: [String]
    /// The example's resource (`*` for All Resources actions).
    public let resource: String
    public let allResources: Bool
    public let resourceGroup: String?
    /// Nil: whatever the context. Else the change holds exactly when this holds.
    public let condition: Residual?
    /// The example's context: keys with values (a key not listed is absent).
    public let exampleContext: [(key: String, values: [String])]

    /// The example request for the first action.
    public var example: Request {
        var ctx = RequestContext()
        for (k, v) in exampleContext { ctx.add(k, values: v) }
        return Request(principal: principal, action: actions.first ?? "", resource: resource, context: ctx, resourceGroup: resourceGroup)
    }

    /// "on `*`", "on `acs:oss:*:1:bucket/x`" plus the condition, for grouping and text.
    public var description: String {
        var s = allResources ? "on `*` (All Resources)" : "on `\(resource)`"
        if let rg = resourceGroup { s += " in resource group `\(rg)`" }
        if let c = condition {
            s += " " + c.introduced(by: "when")
        } else {
            s += ", whatever the request context"
        }
        return s
    }
}

/// The exact "no new access" comparison of two sets of policies.
///
/// For each principal whose policies differ, every action that could decide differently is
/// tried: the catalog's actions that some statement names, and one witness of every part of
/// the partition of all action names by the patterns of both sides (``StringPartition``).
/// For each action the resources are partitioned the same way by the resource patterns (and
/// the snapshot's role ARNs for `sts:AssumeRole`), and for each resource group the principal
/// is attached in. For each such request the two sides' open-context formulas over every
/// condition give `new ∧ ¬old` (new access) and `old ∧ ¬new` (removed access) exactly; each
/// satisfiable alternative is realized by concrete context values (``ContextRealizer``) and
/// the example is checked by evaluating both sides concretely.
public enum AccessDiff {
    public struct Result: Sendable {
        public var added: [AccessChange] = []
        public var removed: [AccessChange] = []
        /// Requests tried (for the benchmark and for `--verbose`).
        public var requests = 0
        /// Examples that concrete evaluation did not confirm (a bug if ever non-zero).
        public var unconfirmed = 0
        /// Partitions that were too large to walk (the result is then incomplete).
        public var incomplete: [String] = []
    }

    /// Compares every principal of either side (`nil` evaluator: the side has no such principal).
    public static func compare(
        old: Evaluator?, new: Evaluator?, principals: [Principal], vocabulary: DiffVocabulary, facts: any ActionFacts
    ) -> Result {
        var result = Result()
        for p in principals {
            let o = old.flatMap { $0.knows(p) ? $0 : nil }
            let n = new.flatMap { $0.knows(p) ? $0 : nil }
            if let o, let n, o.fingerprint(p) == n.fingerprint(p) { continue }
            if o == nil && n == nil { continue }
            comparePrincipal(p, old: o, new: n, vocabulary: vocabulary, facts: facts, into: &result)
        }
        result.added = group(result.added)
        result.removed = group(result.removed)
        return result
    }

    /// Changes with the same principal and description become one, with all their actions.
    static func group(_ changes: [AccessChange]) -> [AccessChange] {
        var out: [AccessChange] = []
        var index: [String: Int] = [:]
        for c in changes {
            let k = "\(c.principal)\u{0}\(c.description)"
            if let i = index[k] {
                out[i].actions += c.actions
            } else {
                index[k] = out.count
                out.append(c)
            }
        }
        return out
    }

    static func comparePrincipal(
        _ p: Principal, old: Evaluator?, new: Evaluator?, vocabulary: DiffVocabulary, facts: any ActionFacts, into result: inout Result
    ) {
        let sides = [old, new].compactMap { $0 }
        let statements = sides.flatMap { $0.statements(of: p) }
        // Actions: catalog names some statement names, and a witness of every part of the
        // partition of action names by the statements' patterns.
        var patterns: [[StringPartition.Element]] = []
        var seenPatterns = Set<String>()
        for s in statements {
            for a in s.actions.patterns where seenPatterns.insert(a.text.lowercased()).inserted {
                patterns.append(StringPartition.glob(a.text.lowercased()))
            }
        }
        var known: [String] = []
        for a in vocabulary.knownActions {
            let lower = Array(a.lowercased().utf8)
            if statements.contains(where: { s in lower.withUnsafeBufferPointer { s.actions.matches($0) } }) { known.append(a) }
        }
        let policyPatternCount = patterns.count
        for a in known { patterns.append(StringPartition.literal(a.lowercased())) }
        for prefix in vocabulary.operationLevelPrefixes { patterns.append(StringPartition.glob(prefix.lowercased() + "*")) }
        let hasNotAction = statements.contains { $0.actions.negated }
        var actions: [String] = known
        // A witness that is one of the policies' literal patterns is shown as written.
        var written: [String: String] = [:]
        for s in statements { for a in s.actions.patterns where written[a.text.lowercased()] == nil { written[a.text.lowercased()] = a.text } }
        do throws(StringPartition.TooLarge) {
            for part in try StringPartition.parts(patterns, shape: .action) {
                let namesPolicy = part.matching.contains { $0 < policyPatternCount }
                let isKnown = part.matching.contains { $0 >= policyPatternCount && $0 < policyPatternCount + known.count }
                if isKnown || (!namesPolicy && !hasNotAction) { continue }
                actions.append(written[part.witness] ?? part.witness)
            }
        } catch {
            result.incomplete.append("the action names of `\(p)`: too many patterns to partition")
        }
        let groups: [String?] = [nil] + Array(Set(sides.flatMap { $0.resourceGroups(of: p) })).sorted()
        var resourceCache: [[String]: [String]] = [:]
        for action in actions {
            let lower = action.lowercased()
            let resources: [String]
            let allResources = facts.isAllResources(lower)
            if allResources {
                resources = ["*"]
            } else {
                // The resource patterns of every statement that names the action, and the roles.
                let bytes = Array(lower.utf8)
                var texts: [String] = []
                for s in statements where bytes.withUnsafeBufferPointer({ s.actions.matches($0) }) {
                    for r in s.resources?.patterns ?? [] where !texts.contains(r.text) { texts.append(r.text) }
                }
                var roleARNs: [[StringPartition.Element]] = []
                if lower == "sts:assumerole" {
                    for side in sides {
                        for (acct, role) in side.trustedRoles() {
                            roleARNs.append(
                                StringPartition.literal("acs:ram:") + [.runWithoutColon] + StringPartition.literal(":\(acct):role/\(role)"))
                        }
                    }
                }
                let key = texts + ["\u{0}roles"] + roleARNs.map { "\($0)" }
                if let cached = resourceCache[key] {
                    resources = cached
                } else {
                    do throws(StringPartition.TooLarge) {
                        let all = texts.map { StringPartition.glob($0) } + roleARNs
                        let parts = try StringPartition.parts(all, shape: .nonEmpty)
                        let account = sides.compactMap(\.snapshotAccountId).first
                        resources = parts.map { readable($0.witness, same: $0.matching, patterns: all, account: account) }
                    } catch {
                        result.incomplete.append("the resources of `\(action)` for `\(p)`: too many patterns to partition")
                        resources = texts
                    }
                    resourceCache[key] = resources
                }
            }
            for resource in resources {
                for rg in groups {
                    result.requests += 1
                    let request = Request(principal: p, action: action, resource: resource, resourceGroup: rg)
                    var atoms = Evaluator.AtomTable()
                    let fOld = old?.openFormula(request, &atoms) ?? .no
                    let fNew = new?.openFormula(request, &atoms) ?? .no
                    if let a = fOld.constantValue, let b = fNew.constantValue, a == b { continue }
                    for (gain, formula) in [(true, Formula.all([fNew, .negate(fOld)])), (false, Formula.all([fOld, .negate(fNew)]))] {
                        guard
                            let change = realize(
                                formula, atoms: atoms, principal: p, action: action, resource: resource, allResources: allResources, group: rg)
                        else { continue }
                        // The example must evaluate to deny on the losing side and allow on the winning one.
                        let ex = change.example
                        let before = (try? (gain ? old : new)?.decide(ex).0.isAllowed) ?? false
                        let after = (try? (gain ? new : old)?.decide(ex).0.isAllowed) ?? false
                        if before || !after {
                            result.unconfirmed += 1
                            continue
                        }
                        if gain { result.added.append(change) } else { result.removed.append(change) }
                    }
                }
            }
        }
    }

    /// A shortest witness made easier to read — an ARN's empty region, account and name
    /// filled in — when the patterns match the readable form exactly as they match the
    /// witness (so it stands for the same part); else the witness itself.
    static func readable(_ witness: String, same matching: [Int], patterns: [[StringPartition.Element]], account: String?) -> String {
        let parts = witness.split(separator: ":", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, parts[0] == "acs" else { return witness }
        var p = parts
        if p[2].isEmpty && p[1] != "ram" { p[2] = "cn-hangzhou" }
        if p[3].isEmpty { p[3] = account ?? "1234567890123456" }
        if p[4].isEmpty { p[4] = "example" } else if p[4].hasSuffix("/") { p[4] += "example" }
        let candidate = p.joined(separator: ":")
        let signature = StringPartition.matching(candidate, patterns)
        return signature == matching ? candidate : witness
    }

    /// The formula's satisfiable alternatives as a condition, with a context that meets the
    /// first of them; nil when no context satisfies it.
    static func realize(
        _ formula: Formula, atoms: Evaluator.AtomTable, principal: Principal, action: String, resource: String, allResources: Bool,
        group: String?
    ) -> AccessChange? {
        if formula.constantValue == false { return nil }
        guard let dnf = formula.dnf(limit: 4096) else { return nil }
        var terms: [[Literal]] = []
        var example: [(key: String, values: [String])]? = nil
        for term in DNFSimplifier.simplify(dnf) {
            var byKey: [String: [(entry: ConditionEntry, holds: Bool)]] = [:]
            var order: [String] = []
            for l in term {
                let e = atoms.terms[l.atom]
                if byKey[e.keyLower] == nil { order.append(e.keyLower) }
                byKey[e.keyLower, default: []].append((e, l.positive))
            }
            var context: [(key: String, values: [String])] = []
            var ok = true
            for k in order {
                guard let reqs = byKey[k], let choice = ContextRealizer.realize(reqs) else {
                    ok = false
                    break
                }
                if case .values(let v) = choice, let key = reqs.first?.entry.key { context.append((key, v)) }
            }
            guard ok else { continue }
            terms.append(term)
            if example == nil { example = context }
        }
        guard let example else { return nil }
        let condition: Residual? =
            terms.contains(where: \.isEmpty)
            ? nil
            : Residual(
                anyOf: ResidualTerm.mergeAlternatives(
                    terms.map { t in
                        t.map { l in
                            let e = atoms.terms[l.atom]
                            return ResidualTerm(key: e.key, op: e.op, values: e.texts, negated: !l.positive, entry: e)
                        }
                    }))
        return AccessChange(
            principal: principal, actions: [action], resource: resource, allResources: allResources, resourceGroup: group, condition: condition,
            exampleContext: example)
    }
}

extension Evaluator {
    /// Every statement that can decide a request of `p`: control, account level, every
    /// resource group, and every role's trust policy.
    func statements(of p: Principal) -> [Statement] {
        var out: [Statement] = Array(control?.statements ?? [])
        if let c = principals[p] {
            out += c.accountLevel.statements
            for (_, idx) in c.resourceGroups.sorted(by: { $0.key < $1.key }) { out += idx.statements }
        }
        for (_, t) in trust.sorted(by: { $0.key < $1.key }) { out += t.statements }
        return out
    }

    func resourceGroups(of p: Principal) -> [String] { principals[p].map { Array($0.resourceGroups.keys) } ?? [] }

    /// (account id, role name) of every role with a trust policy.
    public var snapshotAccountId: String? { accountId }

    func trustedRoles() -> [(String, String)] {
        guard let accountId else { return [] }
        return trust.keys.sorted().map { (accountId, $0) }
    }

    /// The documents that decide `p`'s requests, as text, in a stable order: two sides with
    /// the same fingerprint decide every request of `p` alike.
    func fingerprint(_ p: Principal) -> [String] {
        func texts(_ idx: LayerIndex?) -> [String] {
            guard let idx else { return [] }
            var seen = Set<ObjectIdentifier>()
            var out: [String] = []
            for pol in idx.policies where seen.insert(ObjectIdentifier(pol)).inserted {
                out.append(String(decoding: pol.source.bytes[pol.span.start..<pol.span.end], as: UTF8.self))
            }
            return out.sorted()
        }
        var out = ["account \(accountId ?? "")"]
        out += texts(control).map { "control " + $0 }
        if let c = principals[p] {
            out += texts(c.accountLevel).map { "account " + $0 }
            for (g, idx) in c.resourceGroups.sorted(by: { $0.key < $1.key }) { out += texts(idx).map { "rg \(g) " + $0 } }
        }
        for (r, t) in trust.sorted(by: { $0.key < $1.key }) { out += texts(t).map { "trust \(r) " + $0 } }
        return out
    }
}
