import RAMCatalog
import RAMPolicy

/// The smallest changes that would turn a denial into an allow, per layer.
enum Advice {
    static func fixes(_ d: Decision, request: Request, catalog: Catalog) -> [String] {
        guard d.kind != .allow, let type = d.policyType else { return [] }
        let action = d.deniedAction ?? request.action
        var out: [String] = []
        switch d.kind {
        case .explicitDeny:
            for s in d.statements where s.role == .denied {
                out.append(
                    "statement \(s.statement) of `\(s.policy)` (\(s.location)) denies it: remove `\(action)` from its Action, or narrow its Resource or Condition so it does not match"
                )
            }
            if type == .controlPolicy {
                out.append(
                    "a control policy is changed in the Resource Directory by the management account (or a delegated administrator), not in this account"
                )
            }
        case .implicitDeny:
            let allOnly = catalog.isAllResources(action.lowercased())
            let resource = allOnly ? "*" : d.resource
            // The near misses of the denying layer, and of the role's trust policy when
            // the identity side denied an AssumeRole that the trust policy also refuses.
            for s in d.statements where s.role == .ineffective && s.effect == .allow && (s.layer == type || s.layer == .assumeRolePolicy) {
                switch s.reason {
                case .resource(_, _, let negated, true)?:
                    out.append(
                        "statement \(s.statement) of `\(s.policy)` (\(s.location)): set its \(negated ? "NotResource" : "Resource") to `\"Resource\": \"*\"`; `\(action)` supports All Resources only"
                    )
                case .resource?:
                    out.append("statement \(s.statement) of `\(s.policy)` (\(s.location)): widen its Resource to match `\(d.resource)`")
                case .condition(let f)?:
                    switch f.kind {
                    case .missing:
                        out.append(
                            "statement \(s.statement) of `\(s.policy)` applies only when the request has `\(f.key)` \(f.op.phrase) \(f.expected.map { "`\($0)`" }.joined(separator: ", ")); if the real request does, give it with `--context \(f.key)=…`"
                        )
                    case .mismatch, .malformed:
                        out.append(
                            "statement \(s.statement) of `\(s.policy)` applies only when `\(f.key)` is \(f.op.phrase) \(f.expected.map { "`\($0)`" }.joined(separator: ", ")) (the request has \(f.actual.map { "`\($0)`" }.joined(separator: ", "))); make the request meet it, or change the condition"
                        )
                    }
                case .principal?:
                    out.append("the trust policy of the role (\(s.location)) must name the caller in `Principal.RAM`")
                case .skipped(let why)?:
                    out.append("statement \(s.statement) of `\(s.policy)` (\(s.location)) was skipped: \(why); fix it so it can be evaluated")
                case nil:
                    break
                }
            }
            switch type {
            case .controlPolicy:
                out.append(
                    "the control policies do not allow `\(action)`: the Resource Directory's management account must allow it in a control policy over this account"
                )
            case .sessionPolicy:
                out.append(
                    "the session policy does not allow `\(action)`: request the role session with a policy that includes it, or without a session policy"
                )
            case .assumeRolePolicy:
                out.append(
                    "add the caller to the role's trust policy: `\"Principal\": {\"RAM\": [\"acs:ram::<account-id>:\(principalFragment(request.principal))\"]}`"
                )
            case .accountLevelIdentityBasedPolicy, .resourceGroupLevelIdentityBasedPolicy:
                let who = request.principal == .adHoc ? "the principal" : "`\(request.principal)`"
                let scope = type == .resourceGroupLevelIdentityBasedPolicy ? " (at account level, or in this resource group)" : ""
                out.append(
                    "\(out.isEmpty ? "" : "or ")attach to \(who)\(scope) a policy with {\"Effect\": \"Allow\", \"Action\": \"\(action)\", \"Resource\": \"\(resource)\"}"
                )
            }
        case .allow:
            break
        }
        return out
    }

    static func principalFragment(_ p: Principal) -> String {
        switch p {
        case .user(let n): return "user/\(n)"
        case .role(let n): return "role/\(n)"
        default: return "root"
        }
    }
}
