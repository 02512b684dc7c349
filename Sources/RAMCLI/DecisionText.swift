import RAMCatalog
import RAMPolicy
import StrictJSON

/// `can`'s text answer: the verdict first, then why, then what would change it.
enum DecisionText {
    static func render(_ d: Decision, request: Request, catalog: Catalog, open: OpenDecision? = nil) -> String {
        var lines: [String] = []
        let who = request.principal == .adHoc ? "the principal" : "`\(request.principal)`"
        let verdict: String
        switch d.kind {
        case _ where open?.kind == .conditional:
            verdict = "CONDITIONAL: \(who) may call `\(request.action)` on `\(d.resource)` \(open?.residual?.onlyIf ?? "")"
        case .allow:
            verdict = "ALLOWED: \(who) may call `\(request.action)` on `\(d.resource)`"
        case .explicitDeny, .implicitDeny:
            let how = d.kind == .explicitDeny ? "explicit deny" : "implicit deny"
            let type = d.policyType.map { " by \($0.rawValue)" } ?? ""
            verdict = "DENIED (\(how)\(type)): \(who) may not call `\(request.action)` on `\(d.resource)`"
        }
        lines.append(verdict + (d.inconclusive ? " — INCONCLUSIVE: a statement that names the action was skipped (--lenient)" : ""))
        if let denied = d.deniedAction, denied != request.action {
            lines.append("  the denied action is the dependent action `\(denied)`")
        }
        for n in d.notes { lines.append("  note: \(n)") }
        if let open {
            switch open.kind {
            case .conditional:
                let keys = open.residual?.keys.map { "`\($0)`" }.joined(separator: ", ") ?? ""
                lines.append("  the answer depends on \(keys), which the request does not give (--open-context)")
                let how = d.kind == .explicitDeny ? "explicit deny" : "implicit deny"
                lines.append(
                    "  without those keys: \(d.kind == .allow ? "allowed" : "\(how) by \(d.policyType?.rawValue ?? "?")") — the explanation below")
            case .allow, .explicitDeny, .implicitDeny:
                lines.append("  no value of a key the request does not give can change this answer (--open-context)")
            }
            if open.residualTooLarge {
                lines.append("  INCONCLUSIVE: the residual condition has too many alternatives to write; the answer is the closed one")
            }
        }

        let deciding = d.statements.filter { $0.role != .ineffective }
        let ineffective = d.statements.filter { $0.role == .ineffective }
        if !deciding.isEmpty {
            lines.append("")
            lines.append(d.kind == .allow ? "allowed by:" : "denied by:")
            for s in deciding { lines += statementLines(s) }
        } else if d.kind == .implicitDeny {
            lines.append("")
            let layer = d.policyType?.phrase ?? "policies"
            lines.append("no statement in the \(layer) layer allows `\(d.deniedAction ?? request.action)`")
        }
        if !ineffective.isEmpty {
            lines.append("")
            lines.append("named the action but did not apply:")
            for s in ineffective { lines += statementLines(s) }
        }
        if !d.missingContextKeys.isEmpty {
            lines.append("")
            lines.append("missing context keys: " + d.missingContextKeys.map { "`\($0)`" }.joined(separator: ", "))
            lines.append("  the answer depends on them; give them with `--context KEY=VALUE`")
        }
        let fixes = Advice.fixes(d, request: request, catalog: catalog)
        if !fixes.isEmpty {
            lines.append("")
            lines.append("to allow it:")
            for f in fixes { lines.append("  - \(f)") }
        }
        lines.append("")
        lines += catalogLines(request.action, catalog: catalog)
        lines.append("")
        if d.assumptions.isEmpty {
            lines.append("assumptions used: none")
        } else {
            lines.append("assumptions used (undocumented rules this answer rests on):")
            for a in d.assumptions { lines.append("  \(a.rawValue): \(a.rule)") }
        }
        return lines.joined(separator: "\n")
    }

    static func statementLines(_ s: StatementResult) -> [String] {
        let sid = s.sid.map { " `\($0)`" } ?? ""
        var out = ["  \(s.location): statement \(s.statement)\(sid) (\(s.effect.rawValue)) of `\(s.policy)`, \(s.layer.phrase)"]
        let gutter = String(s.focus.line)
        out.append("    \(gutter) | \(s.focusLine.trimmingTrailingSpace())")
        if let r = s.reason { out.append("    why: \(r.text)") }
        return out
    }

    static func catalogLines(_ action: String, catalog: Catalog) -> [String] {
        guard let info = catalog.lookup(action) else {
            let allOnly = catalog.isAllResources(action.lowercased())
            var l = ["action `\(action)`: not in the catalog (\(Catalog.version)); evaluated by pattern"]
            if allOnly { l.append("  resource type: All Resources (`*`): the service has operation-level authorization only") }
            return l
        }
        func list(_ x: [String]?) -> String {
            guard let x else { return "unknown (not published)" }
            return x.isEmpty ? "none" : x.map { "`\($0)`" }.joined(separator: ", ")
        }
        var l = ["action `\(info.action)` (catalog \(Catalog.version)):"]
        l.append("  access level: \(info.accessLevel.rawValue)")
        l.append("  resource type: \(catalog.resourceDescription(info))")
        l.append("  condition keys: \(list(info.conditionKeys))")
        l.append("  dependent actions: \(list(info.dependentActions))")
        if let m = info.method, let p = info.path, info.origin == .sdkOperation, m != "POST" || p != "/" {
            l.append("  API: \(m) \(p)" + (info.apiVersion.map { " (\($0))" } ?? ""))
        }
        return l
    }
}

extension String {
    func trimmingTrailingSpace() -> String {
        var s = Substring(self)
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
