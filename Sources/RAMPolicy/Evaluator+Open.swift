/// The answer under an open context: keys the request does not give are unknown.
public struct OpenDecision: Sendable {
    public enum Kind: String, Sendable {
        case allow, explicitDeny, implicitDeny, conditional
    }

    public let kind: Kind
    /// Present exactly when `kind` is `conditional`: allowed when it holds.
    public let residual: Residual?
    /// The closed-world decision (every unknown key missing), for statements, layer and
    /// assumptions; its kind equals `kind` unless `kind` is `conditional`.
    public let closed: Decision
    /// The residual would have more than the limit's alternatives: `kind` is the closed answer.
    public let residualTooLarge: Bool
}

extension Evaluator {
    /// Partial evaluation (Cedar-style residuals): every condition over a key that
    /// `request.context` does not hold becomes a term; the answer is `allow` or a denial
    /// when it is the same for every value of the unknown keys (their absence included),
    /// else `conditional` with the residual over only those keys, simplified exactly.
    /// - Throws: ``RequestError`` as ``evaluate(_:)`` does.
    public func evaluateOpen(_ request: Request, residualLimit: Int = 4096) throws(RequestError) -> OpenDecision {
        let closed = try evaluate(request)
        var atoms = AtomTable()
        let formula = openFormula(request, &atoms)
        func fixed(_ allowed: Bool) -> OpenDecision {
            // Allowed in every world, or denied in every world: the closed answer says how.
            OpenDecision(
                kind: allowed ? .allow : (closed.kind == .explicitDeny ? .explicitDeny : .implicitDeny), residual: nil, closed: closed,
                residualTooLarge: false)
        }
        if let c = formula.constantValue ?? DNFSimplifier.constant(formula, atoms: atoms.terms.count) { return fixed(c) }
        guard let dnf = formula.dnf(limit: residualLimit) else {
            return OpenDecision(
                kind: OpenDecision.Kind(rawValue: closed.kind.rawValue) ?? .implicitDeny, residual: nil, closed: closed, residualTooLarge: true)
        }
        let simple = DNFSimplifier.simplify(dnf)
        if simple.isEmpty { return fixed(false) }
        if simple.contains(where: \.isEmpty) { return fixed(true) }
        let residual = Residual(
            anyOf: ResidualTerm.mergeAlternatives(
                simple.map { conj in
                    conj.map { l in
                        let t = atoms.terms[l.atom]
                        return ResidualTerm(key: t.key, op: t.op, values: t.texts, negated: !l.positive, entry: t)
                    }
                }))
        return OpenDecision(kind: .conditional, residual: residual, closed: closed, residualTooLarge: false)
    }

    /// Condition entries over unknown keys, numbered densely; identical entries share a
    /// number, and a string entry whose exact complement is known is that atom negated.
    struct AtomTable {
        var terms: [ConditionEntry] = []
        var index: [String: Int] = [:]

        /// String operators and their negations: over the same key and values, one holds
        /// exactly when the other does not (strings are never malformed; a missing key
        /// fails the positive and holds the negated, SEMANTICS §3.4–§3.5).
        static let complements: [ConditionOperator: ConditionOperator] = [
            .stringEquals: .stringNotEquals, .stringNotEquals: .stringEquals, .stringEqualsIgnoreCase: .stringNotEqualsIgnoreCase,
            .stringNotEqualsIgnoreCase: .stringEqualsIgnoreCase, .stringLike: .stringNotLike, .stringNotLike: .stringLike,
        ]

        static func key(_ keyLower: String, _ op: ConditionOperator, _ texts: [String]) -> String {
            keyLower + "\u{0}" + op.rawValue + "\u{0}" + texts.joined(separator: "\u{0}")
        }

        mutating func atom(_ e: ConditionEntry) -> Formula {
            let k = Self.key(e.keyLower, e.op, e.texts)
            if let n = index[k] { return .atom(n) }
            if let c = Self.complements[e.op], let n = index[Self.key(e.keyLower, c, e.texts)] { return .not(.atom(n)) }
            terms.append(e)
            index[k] = terms.count - 1
            return .atom(terms.count - 1)
        }
    }

    /// The formula under which the request is allowed (SEMANTICS §4, symbolically).
    func openFormula(_ request: Request, _ atoms: inout AtomTable) -> Formula {
        guard request.principal != .root, let c = principals[request.principal] else { return .yes }
        let actionLower = request.action.lowercased()
        let (primaryAllResources, dependents) = facts.facts(actionLower)
        var actions = [request.action]
        for d in dependents where !actions.contains(where: { $0.lowercased() == d.lowercased() }) { actions.append(d) }
        var trace = Trace(enabled: false)
        var parts: [Formula] = []
        for (n, action) in actions.enumerated() {
            let lower = n == 0 ? actionLower : action.lowercased()
            let rq = Prepared(
                request: request, action: action, actionLower: lower, allResourcesOnly: n == 0 ? primaryAllResources : facts.isAllResources(lower),
                trace: &trace, primary: n == 0)
            parts.append(openOne(rq, c, request, &atoms))
            if parts.last?.constantValue == false { return .no }
        }
        return .all(parts)
    }

    func openOne(_ rq: Prepared, _ c: CompiledPrincipal, _ request: Request, _ atoms: inout AtomTable) -> Formula {
        func allows(_ l: (deny: Formula, allow: Formula)) -> Formula { .all([.negate(l.deny), l.allow]) }
        var parts: [Formula] = []
        if let control { parts.append(allows(openLayer(control, rq, caller: nil, &atoms))) }
        if let sp = request.sessionPolicy { parts.append(allows(openLayer(LayerIndex(policies: [sp]), rq, caller: nil, &atoms))) }
        let account = openLayer(c.accountLevel, rq, caller: nil, &atoms)
        var identity = allows(account)
        if let rg = request.resourceGroup, let idx = c.resourceGroups[rg], !idx.isEmpty {
            // Resource-group-level attachments decide only when account level is an implicit deny.
            let group = openLayer(idx, rq, caller: nil, &atoms)
            identity = .all([.negate(account.deny), .any([account.allow, allows(group)])])
        }
        parts.append(identity)
        if rq.actionLower.elementsEqual("sts:assumerole".utf8), let role = roleName(rq.resource), let t = trust[role] {
            parts.append(allows(openLayer(t, rq, caller: callerARNs(request.principal), &atoms)))
        }
        return .all(parts)
    }

    /// A layer's Deny and Allow formulas: the disjunctions of its statements' conditions.
    func openLayer(_ idx: LayerIndex, _ rq: Prepared, caller: [String]?, _ atoms: inout AtomTable) -> (deny: Formula, allow: Formula) {
        var deny: [Formula] = []
        var allow: [Formula] = []
        var seen = Set<Int32>()
        for list in [idx.byAction[rq.actionKey] ?? [], idx.byService[rq.serviceKey] ?? [], idx.wild] {
            for n in list where seen.insert(n).inserted {
                let s = idx.statements[Int(n)]
                guard let f = openStatement(s, rq, caller: caller, &atoms) else { continue }
                if s.effect == .deny { deny.append(f) } else { allow.append(f) }
            }
        }
        return (.any(deny), .any(allow))
    }

    /// When a statement applies: nil when it does not name the action; otherwise the
    /// conjunction of its conditions over unknown keys (those over given keys decided now).
    func openStatement(_ s: Statement, _ rq: Prepared, caller: [String]?, _ atoms: inout AtomTable) -> Formula? {
        guard rq.actionLower.withUnsafeBufferPointer({ s.actions.matches($0) }) else { return nil }
        if let r = s.resources, !rq.resourceBytes.withUnsafeBufferPointer({ r.matches($0) }) { return .no }
        if let caller, !(s.principal?.ram ?? []).contains(where: { caller.contains($0) }) { return .no }
        // A statement that cannot be evaluated (--lenient) never applies; the closed
        // decision is marked inconclusive.
        if s.unevaluable != nil { return .no }
        var terms: [Formula] = []
        for e in s.conditions {
            if rq.context.lookup(e.keyLower) != nil {
                var flags = AssumptionSet()
                if Self.evalEntry(e, rq.context, &flags) != nil { return .no }
            } else {
                terms.append(atoms.atom(e))
            }
        }
        return .all(terms)
    }
}
