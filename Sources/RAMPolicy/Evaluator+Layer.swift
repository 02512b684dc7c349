import StrictJSON

/// What an explained evaluation records. When `enabled` is false nothing is
/// recorded and evaluation stops at the first fact that decides.
struct Trace {
    let enabled: Bool
    var deciding: [(StatementResult, AssumptionSet)] = []
    var ineffective: [(StatementResult, AssumptionSet)] = []
    var missing: [String] = []
    var missingLower: Set<String> = []
    var policyFlags = AssumptionSet()
    var notes: [String] = []
    var inconclusive = false

    init(enabled: Bool) { self.enabled = enabled }

    mutating func note(_ s: String) {
        if enabled && !notes.contains(s) { notes.append(s) }
    }

    mutating func addMissing(_ key: String) {
        let lower = key.lowercased()
        if missingLower.insert(lower).inserted { missing.append(key) }
    }

    func decision(_ o: Evaluator.Outcome) -> Decision {
        var assumptions = AssumptionSet()
        var statements: [StatementResult] = []
        for (r, flags) in deciding {
            // Allows of earlier layers did not decide a denial; a denial is decided by
            // the Deny statements of the denying layer (an implicit deny by none).
            switch o.kind {
            case .allow: break
            case .explicitDeny: if r.role != .denied || r.layer != o.policyType { continue }
            case .implicitDeny: continue
            }
            statements.append(r)
            assumptions.formUnion(flags)
        }
        for (r, flags) in ineffective {
            statements.append(r)
            // An ineffective statement's assumption matters when the statement would
            // have changed the answer: a Deny under an allow, an Allow under a denial.
            if (o.kind == .allow) == (r.effect == .deny) { assumptions.formUnion(flags) }
        }
        return Decision(
            kind: o.kind, policyType: o.policyType, deniedAction: o.kind == .allow ? nil : o.deniedAction, resource: o.resource,
            statements: statements, missingContextKeys: missing, assumptions: assumptions.sorted, notes: notes, inconclusive: inconclusive)
    }
}

extension Evaluator {
    enum StatementOutcome {
        case notNamed
        case matched(AssumptionSet)
        case ineffective(IneffectiveReason?, AssumptionSet)
    }

    /// The running state of one layer's evaluation (a struct, so that the scan
    /// allocates nothing when there is no trace).
    struct LayerScan {
        var sawAllow = false
        var sawDeny = false
        var allowHits: [(StatementResult, AssumptionSet)] = []
        var denyHits: [(StatementResult, AssumptionSet)] = []
    }

    /// One layer: a matching Deny is an explicit deny, else a matching Allow allows,
    /// else an implicit deny. With a trace, the whole layer is evaluated; without
    /// one it stops at the first Deny and skips Allows once one matched.
    func evalLayer(_ idx: LayerIndex, _ layer: PolicyType, _ rq: Prepared, caller: [String]?, _ trace: inout Trace) -> DecisionKind {
        var scan = LayerScan()
        if let list = idx.byAction[rq.actionKey], !scanList(list, idx, layer, rq, caller, &scan, &trace) {
            return .explicitDeny
        }
        if let list = idx.byService[rq.serviceKey], !scanList(list, idx, layer, rq, caller, &scan, &trace) {
            return .explicitDeny
        }
        if !idx.wild.isEmpty, !scanList(idx.wild, idx, layer, rq, caller, &scan, &trace) {
            return .explicitDeny
        }
        if trace.enabled {
            if scan.sawDeny {
                trace.deciding += scan.denyHits.sorted { order($0.0, $1.0) }
            } else if scan.sawAllow {
                trace.deciding += scan.allowHits.sorted { order($0.0, $1.0) }
            }
            trace.ineffective.sort { order($0.0, $1.0) }
        }
        return scan.sawDeny ? .explicitDeny : (scan.sawAllow ? .allow : .implicitDeny)
    }

    /// Visits candidate statements; false when evaluation can stop (a Deny matched, no trace).
    @inline(__always)
    func scanList(
        _ list: [Int32], _ idx: LayerIndex, _ layer: PolicyType, _ rq: Prepared, _ caller: [String]?, _ scan: inout LayerScan,
        _ trace: inout Trace
    ) -> Bool {
        let explain = trace.enabled
        for n in list {
            let s = idx.statements[Int(n)]
            if !explain && s.effect == .allow && scan.sawAllow { continue }
            switch evalStatement(s, rq, caller: caller, explain: explain, &trace) {
            case .notNamed:
                continue
            case .matched(var flags):
                if s.effect == .deny { scan.sawDeny = true } else { scan.sawAllow = true }
                guard explain else {
                    if s.effect == .deny { return false }
                    continue
                }
                let policy = idx.policies[Int(n)]
                if policy.singleStatementObject { flags.insert(.singleStatementObject) }
                if s.sid != nil { flags.insert(.sidAccepted) }
                let r = result(policy, s, layer, rq, s.effect == .deny ? .denied : .allowed, nil)
                if s.effect == .deny { scan.denyHits.append((r, flags)) } else { scan.allowHits.append((r, flags)) }
            case .ineffective(let reason, let flags):
                if explain { trace.ineffective.append((result(idx.policies[Int(n)], s, layer, rq, .ineffective, reason), flags)) }
            }
        }
        return true
    }

    private func order(_ a: StatementResult, _ b: StatementResult) -> Bool {
        let fa = a.document.source.name
        let fb = b.document.source.name
        if fa != fb { return fa < fb }
        return a.document.source.rootOffset(of: a.statementRef.span.start) < b.document.source.rootOffset(of: b.statementRef.span.start)
    }

    func result(_ policy: Policy, _ s: Statement, _ layer: PolicyType, _ rq: Prepared, _ role: StatementResult.Role, _ reason: IneffectiveReason?)
        -> StatementResult
    {
        var focusSpan = s.actions.keySpan
        switch reason {
        case .resource?: focusSpan = s.resources?.keySpan ?? s.span
        case .condition(let f)?:
            focusSpan = s.conditions.first { $0.key == f.key && $0.op == f.op }?.keySpan ?? s.span
        case .principal?: focusSpan = s.principal?.span ?? s.span
        case .skipped?: focusSpan = s.span
        case nil: break
        }
        return StatementResult(document: policy, statement: s, layer: layer, role: role, reason: reason, action: rq.action, focusSpan: focusSpan)
    }

    // MARK: - One statement

    func evalStatement(_ s: Statement, _ rq: Prepared, caller: [String]?, explain: Bool, _ trace: inout Trace) -> StatementOutcome {
        let named = rq.actionLower.withUnsafeBufferPointer { s.actions.matches($0) }
        guard named else { return .notNamed }
        var flags = AssumptionSet()
        var failure: IneffectiveReason? = nil
        var resourceMatched = true
        if let r = s.resources {
            let ok = rq.resourceBytes.withUnsafeBufferPointer { r.matches($0) }
            if !ok {
                if !explain { return .ineffective(nil, flags) }
                resourceMatched = false
                failure = .resource(
                    patterns: r.patterns.map(\.text), resource: rq.resource, negated: r.negated, allResourcesOnly: rq.allResourcesOnly)
                let folded = Array(rq.resource.lowercased().utf8)
                let foldedMatch = r.patterns.contains { Glob($0.text.lowercased()).matches(folded) } != r.negated
                if foldedMatch && !rq.allResourcesOnly { flags.insert(.resourceCaseSensitive) }
            }
        }
        var rootOnlyMiss = false
        if let caller {
            let named = s.principal?.ram ?? []
            let hit = named.contains { caller.contains($0) }
            if !hit {
                if !explain { return .ineffective(nil, flags) }
                if failure == nil { failure = .principal(caller: caller) }
                if let acct = accountId, named.contains("acs:ram::\(acct):root"), caller.first?.hasPrefix("acs:ram::\(acct):role/") == true {
                    rootOnlyMiss = true
                }
            }
        }
        // A statement that cannot be evaluated (--lenient) is skipped, and says so.
        if let why = s.unevaluable, failure == nil {
            if explain { trace.inconclusive = true }
            var skipFlags = AssumptionSet()
            if s.unevaluableBySetOperator { skipFlags.insert(.noSetOperators) }
            return .ineffective(.skipped(why), skipFlags)
        }
        // Conditions: every operator, every key under it, must hold.
        var conditionFailure: ConditionFailure? = nil
        var failFlags = AssumptionSet()
        for k in s.conditions.indices {
            let e = s.conditions[k]
            var entryFlags = AssumptionSet()
            let f = Self.evalEntry(e, rq.context, &entryFlags)
            if let f {
                if conditionFailure == nil {
                    conditionFailure = f
                    failFlags = entryFlags
                }
                if explain && resourceMatched && f.kind == .missing { trace.addMissing(e.key) }
                if !explain { return .ineffective(nil, flags) }
            } else {
                flags.formUnion(entryFlags)
                if explain && resourceMatched && rq.context.lookup(e.keyLower).map({ $0.values.isEmpty }) ?? true {
                    trace.addMissing(e.key)
                }
            }
        }
        if let failure {
            // Did the statement fail only because of a chosen rule?
            var ruleFlags = AssumptionSet()
            if conditionFailure == nil {
                if case .resource(_, _, _, true) = failure { ruleFlags.insert(.allResourcesLiteralStar) }
                if rootOnlyMiss { ruleFlags.insert(.trustRootUsersOnly) }
                ruleFlags.formUnion(flags)
            }
            if flags.contains(.resourceCaseSensitive) { ruleFlags.insert(.resourceCaseSensitive) }
            return .ineffective(failure, ruleFlags)
        }
        if let conditionFailure { return .ineffective(.condition(conditionFailure), failFlags) }
        return .matched(flags)
    }

    // MARK: - One condition key

    /// Nil when the key holds, else why it does not.
    static func evalEntry(_ e: ConditionEntry, _ ctx: RequestContext, _ flags: inout AssumptionSet) -> ConditionFailure? {
        guard let entry = ctx.lookup(e.keyLower), !entry.values.isEmpty else {
            if e.op.isNegated {
                flags.insert(.missingKeyNegatedHolds)
                return nil
            }
            return ConditionFailure(kind: .missing, key: e.key, op: e.op, expected: e.texts, actual: [])
        }
        if entry.key != e.key { flags.insert(.conditionKeysCaseInsensitive) }
        if e.singleCIDR { flags.insert(.singleCidrString) }
        if entry.values.count > 1 { flags.insert(.multiValuedAny) }
        var matched = false
        for v in entry.values {
            switch matches(v, e) {
            case .none:
                return ConditionFailure(kind: .malformed, key: e.key, op: e.op, expected: e.texts, actual: [v])
            case .some(true):
                matched = true
            case .some(false):
                break
            }
        }
        let holds = e.op.isNegated ? !matched : matched
        if holds { return nil }
        return ConditionFailure(kind: .mismatch, key: e.key, op: e.op, expected: e.texts, actual: entry.values)
    }

    /// Whether one request value matches any listed value under the positive form of
    /// the operator; nil when the request value is not of the operator's type.
    static func matches(_ v: String, _ e: ConditionEntry) -> Bool? {
        let cmp = e.op.comparison
        switch e.values {
        case .strings(let list):
            return list.contains(v)
        case .folded(let list):
            let f = v.lowercased()
            return list.contains(f)
        case .globs(let list):
            return list.contains { $0.matches(v) }
        case .numbers(let list):
            guard let x = DecimalNumber(v) else { return nil }
            return list.contains { Evaluator.compare(DecimalNumber.compare(x, $0), cmp) }
        case .dates(let list):
            guard let x = DateInstant(v) else { return nil }
            return list.contains { Evaluator.compare(x < $0 ? -1 : ($0 < x ? 1 : 0), cmp) }
        case .bools(let list):
            guard let x = ConditionParsing.parseBool(v) else { return nil }
            return list.contains(x)
        case .networks(let list):
            guard let a = IPAddress(v) else { return nil }
            return list.contains { $0.contains(a) }
        }
    }

    @inline(__always) static func compare(_ c: Int, _ cmp: ConditionOperator.Comparison) -> Bool {
        switch cmp {
        case .equal, .like: return c == 0
        case .less: return c < 0
        case .lessOrEqual: return c <= 0
        case .greater: return c > 0
        case .greaterOrEqual: return c >= 0
        }
    }
}
