import StrictJSON

/// Decides requests by RAM's rules (SEMANTICS §4): root, control policies, session
/// policy, account-level then resource-group-level identity policies, role trust
/// for `sts:AssumeRole`, and dependent actions.
///
/// Everything that does not depend on the request — compiled patterns, the
/// per-principal statement indexes — is built once here; evaluating a request
/// reads only.
public final class Evaluator: Sendable {
    struct CompiledPrincipal: Sendable {
        let accountLevel: LayerIndex
        /// Resource group id → the attachments scoped to it.
        let resourceGroups: [String: LayerIndex]
    }

    let facts: any ActionFacts
    let accountId: String?
    /// The control-policy layer, when one applies to the account's principals.
    let control: LayerIndex?
    let principals: [Principal: CompiledPrincipal]
    /// Role name → its trust policy.
    let trust: [String: LayerIndex]

    /// An ad-hoc principal whose account-level identity policies are `policies`.
    public init(policies: [Policy], controlPolicies: [Policy] = [], facts: any ActionFacts = NoActionFacts()) {
        self.facts = facts
        self.accountId = nil
        self.control = controlPolicies.isEmpty ? nil : LayerIndex(policies: controlPolicies)
        self.principals = [.adHoc: CompiledPrincipal(accountLevel: LayerIndex(policies: policies), resourceGroups: [:])]
        self.trust = [:]
    }

    /// Every principal of an account snapshot.
    public init(snapshot: AccountSnapshot, facts: any ActionFacts = NoActionFacts()) {
        self.facts = facts
        self.accountId = snapshot.accountId
        // Control policies bind the member account's RAM principals, never the owner,
        // and not at all in the management account (SEMANTICS §4.2).
        self.control =
            snapshot.controlPolicies.isEmpty || snapshot.isManagementAccount ? nil : LayerIndex(policies: snapshot.controlPolicies)
        var compiled: [Principal: CompiledPrincipal] = [:]
        for p in snapshot.principals {
            guard let a = snapshot.attachments(of: p) else { continue }
            var groups: [String: [Attachment]] = [:]
            for r in a.resourceGroupLevel { groups[r.resourceGroup ?? "", default: []].append(r) }
            compiled[p] = CompiledPrincipal(accountLevel: LayerIndex(a.accountLevel), resourceGroups: groups.mapValues { LayerIndex($0) })
        }
        self.principals = compiled
        var trust: [String: LayerIndex] = [:]
        for (name, role) in snapshot.roles {
            if let t = role.trustPolicy { trust[name] = LayerIndex(policies: [t]) }
        }
        self.trust = trust
    }

    /// Whether the evaluator knows the principal.
    public func knows(_ p: Principal) -> Bool { p == .root ? accountId != nil : principals[p] != nil }

    // MARK: - Public entry points

    /// Evaluates a request and explains the answer.
    /// - Throws: ``RequestError`` when the request cannot be evaluated.
    public func evaluate(_ request: Request) throws(RequestError) -> Decision {
        var trace = Trace(enabled: true)
        let outcome = try run(request, &trace)
        return trace.decision(outcome)
    }

    /// Only the decision and the denying layer: the fast path (no explanation).
    public func decide(_ request: Request) throws(RequestError) -> (DecisionKind, PolicyType?) {
        var trace = Trace(enabled: false)
        let o = try run(request, &trace)
        return (o.kind, o.policyType)
    }

    // MARK: - The order of evaluation

    struct Outcome {
        var kind: DecisionKind
        var policyType: PolicyType?
        var deniedAction: String?
        var resource: String
    }

    func run(_ request: Request, _ trace: inout Trace) throws(RequestError) -> Outcome {
        try Evaluator.validateAction(request.action)
        let principal = request.principal
        if request.sessionPolicy != nil && !principal.isRole && principal != .adHoc {
            throw RequestError(
                code: "session-policy-not-role", "a session policy applies to role sessions only, not to `\(principal)`",
                help: "give a role principal (`role/NAME`) or drop the session policy")
        }
        let compiled: CompiledPrincipal?
        if principal == .root {
            guard accountId != nil else {
                throw RequestError(code: "unknown-principal", "`root` needs an account snapshot", help: "give `--account SNAPSHOT`")
            }
            compiled = nil
        } else {
            guard let c = principals[principal] else {
                throw RequestError(
                    code: "unknown-principal", "the snapshot has no principal `\(principal)`",
                    help: "name a user or role of the snapshot as `user/NAME` or `role/NAME`, or `root`")
            }
            compiled = c
        }
        let actionLower = request.action.lowercased()
        let (primaryAllResources, dependents) = facts.facts(actionLower)
        var actions: [String] = []
        if !dependents.isEmpty {
            actions = [request.action]
            for d in dependents where !actions.contains(where: { $0.lowercased() == d.lowercased() }) { actions.append(d) }
        }
        var first: Outcome? = nil
        for n in 0..<max(1, actions.count) {
            let action = n == 0 ? request.action : actions[n]
            let lower = n == 0 ? actionLower : action.lowercased()
            let rq = Prepared(
                request: request, action: action, actionLower: lower,
                allResourcesOnly: n == 0 ? primaryAllResources : facts.isAllResources(lower), trace: &trace, primary: n == 0)
            let o: Outcome
            if let compiled {
                o = decideOne(rq, compiled, request, &trace)
            } else {
                trace.note("`root` is the account itself: it is allowed every action and no policy applies")
                o = Outcome(kind: .allow, policyType: nil, deniedAction: nil, resource: rq.resource)
            }
            if first == nil { first = o }
            if !o.kind.isAllowed {
                if n > 0 { trace.note("`\(request.action)` depends on `\(action)`, which is denied") }
                return Outcome(kind: o.kind, policyType: o.policyType, deniedAction: action, resource: first?.resource ?? o.resource)
            }
        }
        return first ?? Outcome(kind: .allow, policyType: nil, deniedAction: nil, resource: "*")
    }

    public static func validateAction(_ a: String) throws(RequestError) {
        var colons = 0
        var colonAt = -1
        var wildcard = false
        var text = a
        let count = text.withUTF8 { u in
            for (n, b) in u.enumerated() {
                if b == UInt8(ascii: ":") {
                    colons += 1
                    colonAt = n
                } else if b == UInt8(ascii: "*") || b == UInt8(ascii: "?") {
                    wildcard = true
                }
            }
            return u.count
        }
        guard colons == 1, colonAt > 0, colonAt < count - 1 else {
            throw RequestError(
                code: "invalid-action", "`\(a)` is not an action: expected `<ram-code>:<ActionName>`",
                help: "for example `emr-serverless-spark:CreateWorkspace`")
        }
        if wildcard {
            throw RequestError(
                code: "invalid-action", "`\(a)` has a wildcard: a request names one action",
                help: "use `ramcheck actions '\(a)'` to list the actions a pattern covers")
        }
    }

    func decideOne(_ rq: Prepared, _ c: CompiledPrincipal, _ request: Request, _ trace: inout Trace) -> Outcome {
        func deny(_ k: DecisionKind, _ t: PolicyType) -> Outcome {
            Outcome(kind: k, policyType: t, deniedAction: rq.action, resource: rq.resource)
        }
        // 2. Control policies.
        if let control {
            let r = evalLayer(control, .controlPolicy, rq, caller: nil, &trace)
            if r != .allow { return deny(r, .controlPolicy) }
        }
        // 3. Session policy.
        if let sp = request.sessionPolicy {
            let r = evalLayer(LayerIndex(policies: [sp]), .sessionPolicy, rq, caller: nil, &trace)
            if r != .allow { return deny(r, .sessionPolicy) }
        }
        // 4. Identity policies: account level, then the request's resource group.
        var identity = evalLayer(c.accountLevel, .accountLevelIdentityBasedPolicy, rq, caller: nil, &trace)
        var identityType = PolicyType.accountLevelIdentityBasedPolicy
        if identity == .implicitDeny, let rg = request.resourceGroup, let idx = c.resourceGroups[rg], !idx.isEmpty {
            identity = evalLayer(idx, .resourceGroupLevelIdentityBasedPolicy, rq, caller: nil, &trace)
            identityType = .resourceGroupLevelIdentityBasedPolicy
        }
        // 5. Role trust, for sts:AssumeRole on a role of the snapshot.
        if rq.actionLower.elementsEqual("sts:assumerole".utf8), let role = roleName(rq.resource), let t = trust[role] {
            let callerARNs = callerARNs(request.principal)
            let tr = evalLayer(t, .assumeRolePolicy, rq, caller: callerARNs, &trace)
            if identity == .explicitDeny { return deny(.explicitDeny, identityType) }
            if tr == .explicitDeny { return deny(.explicitDeny, .assumeRolePolicy) }
            if identity == .allow && tr == .allow { return Outcome(kind: .allow, policyType: nil, deniedAction: nil, resource: rq.resource) }
            return deny(.implicitDeny, identity != .allow ? identityType : .assumeRolePolicy)
        }
        if identity != .allow { return deny(identity, identityType) }
        return Outcome(kind: .allow, policyType: nil, deniedAction: nil, resource: rq.resource)
    }

    /// The role a resource names: `acs:ram:<any region>:<accountId>:role/<name>`.
    func roleName(_ resource: String) -> String? {
        guard let accountId else { return nil }
        let parts = resource.split(separator: ":", maxSplits: 4, omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "acs", parts[1] == "ram", parts[3] == accountId, parts[4].hasPrefix("role/") else { return nil }
        return String(parts[4].dropFirst(5))
    }

    /// The `Principal.RAM` entries that name a caller (SEMANTICS §4.5).
    func callerARNs(_ p: Principal) -> [String] {
        guard let accountId else { return [] }
        switch p {
        case .user(let n): return ["acs:ram::\(accountId):root", "acs:ram::\(accountId):user/\(n)"]
        case .role(let n): return ["acs:ram::\(accountId):role/\(n)"]
        case .root, .adHoc: return []
        }
    }
}

/// A request prepared for one action: folded action, effective resource.
struct Prepared {
    let action: String
    let actionLower: [UInt8]
    let serviceKey: UInt64
    let actionKey: UInt64
    let resource: String
    let resourceBytes: [UInt8]
    let allResourcesOnly: Bool
    let context: RequestContext

    init(request: Request, action: String, actionLower: String, allResourcesOnly: Bool, trace: inout Trace, primary: Bool) {
        self.action = action
        self.actionLower = Array(actionLower.utf8)
        serviceKey = LayerIndex.serviceKey(self.actionLower)
        actionKey = LayerIndex.actionKey(self.actionLower)
        self.allResourcesOnly = allResourcesOnly
        if allResourcesOnly {
            resource = "*"
            if primary, let given = request.resource, given != "*" {
                trace.note("`\(action)` supports All Resources only: it is evaluated on `*`, not on `\(given)`")
            }
        } else {
            resource = request.resource ?? "*"
        }
        resourceBytes = Array(resource.utf8)
        context = request.context
    }
}
