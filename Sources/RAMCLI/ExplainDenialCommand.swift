import ArgumentKit
import RAMCatalog
import RAMPolicy
import RAMProbe
import StrictJSON

/// `ramcheck explain-denial FILE|-`: who was denied what, by which layer, and what to do —
/// and, with `--account`, the exact statements, by re-simulating the call offline.
enum ExplainDenialCommand {
    static let spec = CommandSpec(
        name: "explain-denial", summary: "Explain a real access-denied response: the layer, the statement, and the smallest fix.",
        usage: "FILE|- [--account SNAPSHOT [--principal PRINCIPAL]] [--session-policy FILE] [--context KEY=VALUE...] [--format text|json]",
        options: [
            OptionSpec("account", value: "SNAPSHOT", help: "re-simulate the call against this account snapshot"),
            OptionSpec("principal", value: "PRINCIPAL", help: "who was denied, when the body does not say (`user/NAME`, `role/NAME`)"),
            OptionSpec("session-policy", value: "FILE", help: "the session policy of the denied role session, for the re-simulation"),
            OptionSpec("resource", value: "ARN", help: "the resource of the denied call (when the body does not give it)"),
            OptionSpec("context", value: "KEY=VALUE", repeatable: true, help: "a request context value of the denied call"),
            OptionSpec("no-default-context", help: "do not fill `acs:CurrentTime` with the current time"),

            PrincipalOptions.formatSpec,
        ] + PrincipalOptions.limitSpecs, maxPositionals: 1,
        discussion: """
            FILE is the body as pasted: JSON or XML, with AccessDeniedDetail as an object or a JSON string, upper- or
            lower-case keys, or the AccessDeniedDetail alone, or the JSON of a RAM DecodeDiagnosticMessage answer.
            exit: 0 explained, 2 unusable input (not a denial, unreadable, or a principal the snapshot does not hold)
            """)

    static func run(_ args: [String], _ output: Output) -> Int32 {
        let p: ParsedArguments
        let format: PrincipalOptions.Format
        var context: RequestContext
        var limits = JSONLimits.default
        do throws(ArgumentError) {
            p = try spec.parse(args)
            format = try PrincipalOptions.format(p)
            context = try PrincipalOptions.context(p)
            limits = try PrincipalOptions.limits(p)
            guard p.positionals.count == 1 else {
                throw ArgumentError("`explain-denial` needs the denied response: a FILE, or `-` for stdin", help: "paste the body into a file")
            }
            if p.value("principal") != nil && p.value("account") == nil {
                throw ArgumentError("`--principal` needs `--account`", help: "the principal is looked up in the snapshot for the re-simulation")
            }
        } catch {
            return RAMCLI.usageError(error, output)
        }
        let path = p.positionals[0]
        let denial: Denial
        do {
            denial = try Denial.read(try SourceLoader.read(path, maxBytes: limits.maxBytes), limits: limits)
        } catch {
            return RAMCLI.inputError([error], output)
        }
        guard denial.isDenial else {
            let code = denial.code ?? "no error code"
            let outcome = ProbeOutcome.classify(status: 400, code: denial.code)
            let meaning: String
            switch outcome {
            case .credentials: meaning = "the AccessKey or security token is not accepted"
            case .signature: meaning = "the request's signature is wrong"
            case .clock: meaning = "the request time is off by more than 15 minutes"
            case .throttled: meaning = "the call was throttled; retry later"
            case .authorized: meaning = "a parameter error: RAM allowed the call, the service rejected its parameters"
            default: meaning = "not a RAM authorization failure"
            }
            return RAMCLI.inputError(
                [
                    Diagnostic(
                        .error, code: "denial-not-a-denial", "`\(path)` is not an access-denied response (\(code): \(meaning))", file: path,
                        help: "a RAM denial has Code Forbidden.RAM, NoPermission or NotAuthorized, or an AccessDeniedDetail")
                ], output)
        }
        // The re-simulation, when a snapshot is given.
        var simulation: Simulation? = nil
        if let account = p.value("account") {
            do {
                simulation = try simulate(denial, account: account, p: p, context: &context, limits: limits)
            } catch {
                switch error {
                case .usage(let e): return RAMCLI.usageError(e, output)
                case .input(let d): return RAMCLI.inputError(d, output)
                }
            }
            output.diagnostics(simulation?.warnings ?? [])
        }
        let advice = layerAdvice(denial, catalog: Catalog.shared)
        switch format {
        case .text: output.out(text(denial, advice: advice, simulation: simulation))
        case .json: output.outBytes(json(denial, advice: advice, simulation: simulation))
        }
        return RAMCLI.Exit.success
    }

    // MARK: - Reading the denial

    static func principalPhrase(_ d: Denial) -> String {
        if d.principalType == nil && d.principalName == nil && d.accountId == nil { return "(the body does not say)" }
        let kind: String
        switch d.principalType {
        case "SubUser"?: kind = "RAM user"
        case "AssumedRoleUser"?: kind = "RAM role session"
        case "Federated"?: kind = "SSO federated identity"
        case let t?: kind = t
        case nil: kind = "principal"
        }
        let name = d.principalName.map { " `\($0)`" } ?? ""
        let looksLikeId = d.principalName.map { $0.allSatisfy { $0.isNumber || $0 == "*" } } ?? false
        let id = d.principalType == "SubUser" && looksLikeId ? " (a user ID: RAM names users here by their ID)" : ""
        let acct = d.accountId.map { " of account \($0)" } ?? ""
        return "\(kind)\(name)\(acct)\(d.principalName == nil ? "" : id)"
    }

    static func layer(_ d: Denial) -> PolicyType? { d.policyType.flatMap(PolicyType.init(rawValue:)) }

    /// What to do, from the denial alone, for its layer.
    static func layerAdvice(_ d: Denial, catalog: Catalog) -> [String] {
        let action = d.action ?? "<the action>"
        let explicit = d.explicit == true
        var out: [String] = []
        let matched = d.matchedPolicies.filter { ($0.effect ?? "").lowercased() == (explicit ? "deny" : "allow") || !explicit }
        switch layer(d) {
        case .controlPolicy?:
            out.append(
                explicit
                    ? "a Deny statement of a control policy over this account (or one of its folders) matches `\(action)`"
                    : "no control policy over this account allows `\(action)` (the default FullAliyunAccess was detached, or an allow-list omits it)")
            out.append(
                "control policies are changed in the Resource Directory by its management account or a delegated administrator — no RAM policy of this account can override them; ask them to \(explicit ? "narrow the Deny" : "allow the action")"
            )
        case .sessionPolicy?:
            out.append(
                explicit
                    ? "the session policy passed when the role was assumed denies `\(action)`"
                    : "the session policy passed when the role was assumed does not allow `\(action)`")
            out.append(
                "assume the role again with a session policy that allows it (or none): the session policy can only narrow the role's own permissions")
        case .assumeRolePolicy?:
            out.append("the role's trust policy does not let this principal assume it")
            out.append(
                "add the caller to the trust policy: {\"Effect\": \"Allow\", \"Action\": \"sts:AssumeRole\", \"Principal\": {\"RAM\": [\"acs:ram::<account-id>:root\"]}} (or name the user or role instead of root)"
            )
        case .accountLevelIdentityBasedPolicy?, .resourceGroupLevelIdentityBasedPolicy?, nil:
            if layer(d) == nil {
                out.append(
                    "the body names no layer (no AccessDeniedDetail): the most common cause is that no identity policy allows the call; a control policy, a session policy or a trust policy can also deny it (`--account SNAPSHOT` re-simulates)"
                )
            }
            let scope = layer(d) == .resourceGroupLevelIdentityBasedPolicy ? "in the resource group" : "at account level"
            if explicit {
                out.append("a Deny statement in a policy attached to the principal \(scope) (directly, or through a group) matches `\(action)`")
                out.append(
                    "change that statement: remove `\(action)` from its Action, or narrow its Resource or Condition (give `--account SNAPSHOT` to have it pointed at)"
                )
            } else {
                out.append(
                    (layer(d) == nil ? "if so: " : "")
                        + "no policy attached to the principal \(scope) (directly, or through a group) allows `\(action)`")
                out.append("attach a policy with the smallest statement that allows it:")
                out.append("  " + smallestStatement(d, catalog: catalog))
                let facts = catalog.facts(action.lowercased())
                if facts.allResources {
                    out.append("  `\(action)` supports All Resources only: its Resource must be \"*\" (an ARN can never match)")
                } else if d.resource == nil {
                    out.append("  narrow \"Resource\" to the ARN of the resource the call was on")
                }
                if !facts.dependents.isEmpty {
                    out.append(
                        "  it includes the dependent actions \(facts.dependents.map { "`\($0)`" }.joined(separator: ", ")), which RAM also checks")
                }
                let who: String
                switch d.principalType {
                case "AssumedRoleUser"?:
                    who = "aliyun ram AttachPolicyToRole --PolicyType Custom --PolicyName <name> --RoleName \(roleName(d) ?? "<role>")"
                default: who = "aliyun ram AttachPolicyToUser --PolicyType Custom --PolicyName <name> --UserName <user>"
                }
                out.append("  e.g. aliyun ram CreatePolicy --PolicyName <name> --PolicyDocument '<the document>', then \(who)")
            }
        }
        for m in matched {
            out.append(
                "matched: \(m.effect ?? "?") of \(m.policyType ?? "?") policy `\(m.identifier ?? "?")`\(m.version.map { " \($0)" } ?? "")"
                    + " attached to \(m.attachedEntityType ?? "?") at \(m.attachedScope ?? "?") scope")
        }
        return out
    }

    /// The smallest policy document that allows the denied action and its dependents.
    static func smallestStatement(_ d: Denial, catalog: Catalog) -> String {
        let action = d.action ?? "<the action>"
        let facts = catalog.facts(action.lowercased())
        let actions = [action] + facts.dependents
        var w = JSONWriter()
        w.raw("{\"Version\": \"1\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": ")
        if actions.count == 1 { w.string(action) } else { w.stringArray(actions) }
        w.raw(", \"Resource\": ")
        w.string(facts.allResources ? "*" : (d.resource ?? "*"))
        w.raw("}]}")
        return String(decoding: w.bytes, as: UTF8.self)
    }

    static func roleName(_ d: Denial) -> String? {
        guard d.principalType == "AssumedRoleUser", let n = d.principalName, !n.isEmpty else { return nil }
        return String(n.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)[0])
    }

    // MARK: - Re-simulation

    struct Simulation {
        let request: Request
        let decision: Decision
        let agrees: Bool
        let causes: [String]
        let warnings: [Diagnostic]
    }

    static func simulate(
        _ denial: Denial, account: String, p: ParsedArguments, context: inout RequestContext, limits: JSONLimits
    ) throws(PrincipalOptions.SetupError) -> Simulation {
        guard let action = denial.action else {
            throw .input([
                Diagnostic(
                    .error, code: "denial-no-action", "the denial does not name the action (no AuthAction), so it cannot be re-simulated",
                    file: account)
            ])
        }
        let snapshot: AccountSnapshot
        var warnings: [Diagnostic] = []
        do {
            snapshot = try SnapshotLoader.load(try SourceLoader.read(account, maxBytes: limits.maxBytes), limits: limits)
        } catch {
            throw .input(RAMCLI.diagnostics(of: error))
        }
        let evaluator = Evaluator(snapshot: snapshot, facts: Catalog.shared)
        let principal: Principal
        if let text = p.value("principal") {
            guard let pr = Principal(parsing: text) else {
                throw .usage(ArgumentError("`\(text)` is not a principal", help: "write `user/NAME`, `role/NAME` or `root`"))
            }
            principal = pr
        } else if let role = roleName(denial) {
            principal = .role(role)
        } else if denial.principalType == "SubUser", let n = denial.principalName {
            principal = .user(n)
        } else {
            throw .usage(ArgumentError("the denial does not say who was denied", help: "give `--principal user/NAME` or `role/NAME`"))
        }
        guard evaluator.knows(principal) else {
            let hint =
                denial.principalType == "SubUser" && p.value("principal") == nil
                ? "AccessDeniedDetail names a RAM user by its user ID (`\(denial.principalName ?? "")`); give `--principal user/NAME`"
                : "principals in the snapshot: \(snapshot.principals.map(\.description).prefix(8).joined(separator: ", "))"
            throw .input([Diagnostic(.error, code: "unknown-principal", "the snapshot has no principal `\(principal)`", file: account, help: hint)])
        }
        var session: Policy? = nil
        if let sp = p.value("session-policy") {
            do {
                let pol = try PolicyParser.parse(try SourceLoader.read(sp, maxBytes: limits.maxBytes), name: sp, kind: .session, limits: limits)
                warnings += pol.warnings
                session = pol
            } catch {
                throw .input(RAMCLI.diagnostics(of: error))
            }
        }
        // The real request's condition values, as a decoded message gives them.
        for c in denial.conditions where context.lookup(c.key.lowercased()) == nil { context.add(c.key, values: c.values) }
        if !p.flag("no-default-context") { context.setDefault("acs:CurrentTime", value: PrincipalOptions.now()) }
        let request = Request(
            principal: principal, action: action, resource: p.value("resource") ?? denial.resource, context: context, sessionPolicy: session)
        let decision: Decision
        do {
            decision = try evaluator.evaluate(request)
        } catch {
            throw .input([Diagnostic(.error, code: error.code, error.message, file: account, help: error.help)])
        }
        let realType = layer(denial)
        let kindAgrees: Bool
        switch decision.kind {
        case .allow: kindAgrees = false
        case .explicitDeny: kindAgrees = denial.explicit != false
        case .implicitDeny: kindAgrees = denial.explicit != true
        }
        let agrees = kindAgrees && (realType == nil || realType == decision.policyType)
        var causes: [String] = []
        if !agrees {
            let allowing = decision.statements.filter { $0.role == .allowed && $0.layer != .controlPolicy }.map { "`\($0.policy)`" }
            let unique = Array(Set(allowing)).sorted()
            if decision.kind == .allow {
                causes.append(
                    "not attached: the snapshot attaches \(unique.isEmpty ? "a policy that allows it" : unique.joined(separator: ", ")) to `\(principal)`; the account may not (any more) — re-run `ramcheck fetch`"
                )
            }
            if realType == .controlPolicy || decision.kind == .allow {
                causes.append(
                    snapshot.controlPolicies.isEmpty
                        ? "control policy: the snapshot holds no control policies (fetch cannot read them); a Resource Directory control policy may deny it"
                        : "control policy: the control policies in the snapshot may differ from those attached in the Resource Directory")
            }
            if principal.isRole && session == nil {
                causes.append("session policy: the role session may have been created with a session policy; give it with `--session-policy FILE`")
            }
            causes.append("stale snapshot: policies or group memberships changed after the snapshot was taken (its description says when)")
            if denial.conditions.isEmpty {
                causes.append(
                    "request context: the real call's source IP, MFA, time or tags may differ from the simulated ones (give them with `--context`)")
            }
            if realType == .resourceGroupLevelIdentityBasedPolicy || decision.policyType == .resourceGroupLevelIdentityBasedPolicy {
                causes.append("resource group: the resource's group decides which resource-group-level policies apply (fetch does not read them)")
            }
        }
        return Simulation(request: request, decision: decision, agrees: agrees, causes: causes, warnings: warnings)
    }

    // MARK: - Output

    static func text(_ d: Denial, advice: [String], simulation: Simulation?) -> String {
        var lines: [String] = []
        let how = d.explicit.map { $0 ? " (explicit deny)" : " (implicit deny)" } ?? ""
        let layerText =
            layer(d).map { "the \($0.phrase) (\($0.rawValue))" }
            ?? (d.policyType.map { "policy type `\($0)`" } ?? "RAM (the body does not name the layer)")
        lines.append("DENIED\(how) by \(layerText)")
        lines.append("  who:  \(principalPhrase(d))")
        lines.append("  what: " + (d.action.map { "`\($0)`" } ?? "(the body does not name the action)") + (d.resource.map { " on `\($0)`" } ?? ""))
        var from = "  from: \(d.shape)"
        if let c = d.code { from += ", code \(c)" }
        if let r = d.requestId { from += ", request \(r)" }
        lines.append(from)
        if !d.conditions.isEmpty {
            lines.append("  request context: " + d.conditions.map { "\($0.key)=\($0.values.joined(separator: ","))" }.joined(separator: "; "))
        }
        if d.encodedMessage != nil && d.matchedPolicies.isEmpty {
            lines.append(
                "  note: the EncodedDiagnosticMessage is opaque offline; RAM's DecodeDiagnosticMessage (needs ram:DecodeDiagnosticMessage) turns it into the matched policies, which this command also reads"
            )
        }
        lines.append("")
        lines.append("what to do:")
        for a in advice { lines.append(a.hasPrefix("  ") ? "  \(a)" : "  - \(a)") }
        if let s = simulation {
            lines.append("")
            let sim = s.decision.kind == .allow ? "allowed" : "\(s.decision.kind.rawValue) by \(s.decision.policyType?.rawValue ?? "?")"
            lines.append("re-simulated against the snapshot as `\(s.request.principal)`: \(sim)")
            let deciding = s.decision.statements.filter { $0.role != .ineffective }
            let nearMisses = s.decision.statements.filter { $0.role == .ineffective }
            if s.agrees {
                lines.append("  the simulation agrees with the real denial")
            } else {
                lines.append("  DISAGREES with the real denial; likely causes:")
                for c in s.causes { lines.append("    - \(c)") }
            }
            if !deciding.isEmpty {
                lines.append(s.decision.kind == .allow ? "  allowed in the snapshot by:" : "  denied by:")
                for st in deciding { lines += DecisionText.statementLines(st).map { "  " + $0 } }
            }
            if !nearMisses.isEmpty {
                lines.append("  named the action but did not apply:")
                for st in nearMisses { lines += DecisionText.statementLines(st).map { "  " + $0 } }
            }
            let fixes = Advice.fixes(s.decision, request: s.request, catalog: Catalog.shared)
            if !fixes.isEmpty {
                lines.append("  to allow it, in the snapshot's terms:")
                for f in fixes { lines.append("    - \(f)") }
            }
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ d: Denial, advice: [String], simulation: Simulation?) -> [UInt8] {
        var w = JSONWriter()
        func opt(_ s: String?) { if let s { w.string(s) } else { w.null() } }
        w.raw("{\"denial\":{\"shape\":")
        w.string(d.shape)
        w.raw(",\"code\":")
        opt(d.code)
        w.raw(",\"requestId\":")
        opt(d.requestId)
        w.raw(",\"policyType\":")
        opt(d.policyType)
        w.raw(",\"noPermissionType\":")
        opt(d.explicit.map { $0 ? "ExplicitDeny" : "ImplicitDeny" })
        w.raw(",\"action\":")
        opt(d.action)
        w.raw(",\"resource\":")
        opt(d.resource)
        w.raw(",\"principalType\":")
        opt(d.principalType)
        w.raw(",\"principalDisplayName\":")
        opt(d.principalName)
        w.raw(",\"accountId\":")
        opt(d.accountId)
        w.raw("},\"advice\":")
        w.stringArray(advice.map { $0.hasPrefix("  ") ? String($0.dropFirst(2)) : $0 })
        if d.explicit != true, layer(d) == .accountLevelIdentityBasedPolicy || layer(d) == .resourceGroupLevelIdentityBasedPolicy || layer(d) == nil {
            w.raw(",\"smallestPolicy\":")
            w.append(contentsOf: Array(smallestStatement(d, catalog: Catalog.shared).utf8))
        }
        if let s = simulation {
            w.raw(",\"simulation\":{\"agrees\":")
            w.bool(s.agrees)
            w.raw(",\"likelyCauses\":")
            w.stringArray(s.causes)
            w.raw(",\"decision\":")
            DecisionJSON.write(s.decision, request: s.request, id: nil, into: &w)
            w.raw("}")
        }
        w.raw("}\n")
        return w.bytes
    }
}
