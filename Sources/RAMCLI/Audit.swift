import Dispatch
import RAMCatalog
import RAMPolicy
import StrictJSON
import Synchronization

/// Who can do what over an account snapshot: principals × actions, each cell the
/// (open-context) decision and the policy that decided it.
struct AuditReport: Sendable {
    struct Cell: Sendable {
        var kind: OpenDecision.Kind
        var policyType: PolicyType?
        /// The deciding policies: the allowing ones, the denying ones, or (conditional) those
        /// whose conditions the residual is over.
        var policies: [String]
        var residual: Residual?
        /// One sentence: what decided, where.
        var why: String
    }

    let accountId: String
    let principals: [Principal]
    let actions: [(action: String, level: AccessLevel)]
    /// Principal-major: `cells[p * actions.count + a]`.
    let cells: [Cell]
    let openContext: Bool

    func cell(_ p: Int, _ a: Int) -> Cell { cells[p * actions.count + a] }

    /// The access levels in report order, with the actions of each.
    static let levelOrder: [AccessLevel] = [.create, .list, .get, .update, .delete, .none, .unknown]

    /// Actions in report order: by access level, CreateWorkspace first within create, then by name.
    static func order(_ actions: [(action: String, level: AccessLevel)]) -> [(action: String, level: AccessLevel)] {
        actions.sorted { a, b in
            let la = levelOrder.firstIndex(of: a.level) ?? 99
            let lb = levelOrder.firstIndex(of: b.level) ?? 99
            if la != lb { return la < lb }
            let fa = a.action.lowercased() == CanCommand.defaultAction.lowercased()
            let fb = b.action.lowercased() == CanCommand.defaultAction.lowercased()
            if fa != fb { return fa }
            return a.action.lowercased() < b.action.lowercased()
        }
    }

    /// Evaluates every cell on `jobs` threads (principal rows are independent).
    static func compute(
        evaluator: Evaluator, accountId: String, principals: [Principal], actions: [(action: String, level: AccessLevel)],
        context: RequestContext, resource: String?, openContext: Bool, jobs: Int
    ) throws(RequestError) -> AuditReport {
        let rows = Mutex<[[Cell]?]>(Array(repeating: nil, count: principals.count))
        let failure = Mutex<RequestError?>(nil)
        let next = Mutex(0)
        let group = DispatchGroup()
        for _ in 0..<max(1, min(jobs, principals.count)) {
            group.enter()
            DispatchQueue.global().async {
                defer { group.leave() }
                while true {
                    let p = next.withLock { n -> Int in
                        defer { n += 1 }
                        return n
                    }
                    if p >= principals.count || failure.withLock({ $0 != nil }) { return }
                    var row: [Cell] = []
                    row.reserveCapacity(actions.count)
                    do throws(RequestError) {
                        for a in actions {
                            let request = Request(principal: principals[p], action: a.action, resource: resource, context: context)
                            row.append(try cell(evaluator, request, openContext: openContext))
                        }
                    } catch {
                        failure.withLock { $0 = $0 ?? error }
                        return
                    }
                    rows.withLock { $0[p] = row }
                }
            }
        }
        group.wait()
        if let e = failure.withLock({ $0 }) { throw e }
        let cells = rows.withLock { $0.flatMap { $0 ?? [] } }
        return AuditReport(accountId: accountId, principals: principals, actions: actions, cells: cells, openContext: openContext)
    }

    static func cell(_ evaluator: Evaluator, _ request: Request, openContext: Bool) throws(RequestError) -> Cell {
        let open: OpenDecision? = openContext ? try evaluator.evaluateOpen(request) : nil
        let d: Decision
        if let open { d = open.closed } else { d = try evaluator.evaluate(request) }
        let kind = open?.kind ?? OpenDecision.Kind(rawValue: d.kind.rawValue) ?? .implicitDeny
        func unique(_ xs: [String]) -> [String] {
            var seen = Set<String>()
            return xs.filter { seen.insert($0).inserted }
        }
        func at(_ s: StatementResult) -> String { "`\(s.policy)` statement \(s.statement) (\(s.location))" }
        switch kind {
        case .allow:
            let allowing = d.statements.filter { $0.role == .allowed && $0.layer != .controlPolicy && $0.layer != .sessionPolicy }
            let why =
                request.principal == .root
                ? "the account itself: every action is allowed"
                : "allowed by " + (allowing.map(at).first ?? "the policies") + (allowing.count > 1 ? " and \(allowing.count - 1) more" : "")
            return Cell(kind: .allow, policyType: nil, policies: unique(allowing.map(\.policy)), residual: nil, why: why)
        case .explicitDeny:
            let denying = d.statements.filter { $0.role == .denied }
            let why = "explicit deny by \(d.policyType?.phrase ?? "a policy")" + (denying.first.map { ": " + at($0) } ?? "")
            return Cell(kind: .explicitDeny, policyType: d.policyType, policies: unique(denying.map(\.policy)), residual: nil, why: why)
        case .implicitDeny:
            var why = "implicit deny: no \(d.policyType?.phrase ?? "policy") allows it"
            if let denied = d.deniedAction, denied.lowercased() != request.action.lowercased() { why += " (dependent action `\(denied)`)" }
            if open?.residualTooLarge == true { why += "; the condition is too large to write (inconclusive)" }
            return Cell(kind: .implicitDeny, policyType: d.policyType, policies: [], residual: nil, why: why)
        case .conditional:
            // The identity statements that allow, now or under the residual's conditions.
            let keys = Set((open?.residual?.keys ?? []).map { $0.lowercased() })
            let involved = d.statements.filter { s in
                s.effect == .allow && s.layer != .controlPolicy && s.layer != .sessionPolicy
                    && (s.role == .allowed || s.statementRef.conditions.contains { keys.contains($0.keyLower) })
            }
            let by = involved.first.map { " by " + at($0) } ?? ""
            let why = "allowed\(by) \(open?.residual?.onlyIf ?? "")"
            return Cell(kind: .conditional, policyType: d.policyType, policies: unique(involved.map(\.policy)), residual: open?.residual, why: why)
        }
    }

    // MARK: - Summary

    /// "3 of 12 users and 1 of 4 roles can call X; 2 only if …" for the first action and
    /// for each access level.
    var summary: [String] {
        var lines: [String] = []
        let users = principals.indices.filter { if case .user = principals[$0] { return true } else { return false } }
        let roles = principals.indices.filter { principals[$0].isRole }
        func canText(_ rows: [Int], _ can: (Int) -> Bool, _ noun: String) -> String {
            "\(rows.filter(can).count) of \(rows.count) \(noun)\(rows.count == 1 ? "" : "s")"
        }
        func conditions(_ rows: [Int], _ a: Int) -> String {
            var byText: [(String, Int)] = []
            for p in rows where cell(p, a).kind == .conditional {
                let t = cell(p, a).residual?.onlyIf ?? ""
                if let i = byText.firstIndex(where: { $0.0 == t }) { byText[i].1 += 1 } else { byText.append((t, 1)) }
            }
            return byText.map { "; \($0.1) \($0.0)" }.joined()
        }
        if let first = actions.indices.first {
            let can: (Int) -> Bool = { self.cell($0, first).kind == .allow || self.cell($0, first).kind == .conditional }
            lines.append(
                "\(canText(users, can, "user")) and \(canText(roles, can, "role")) can call `\(actions[first].action)`"
                    + conditions(users + roles, first))
        }
        for level in Self.levelOrder {
            let cols = actions.indices.filter { actions[$0].level == level }
            guard !cols.isEmpty else { continue }
            let can: (Int) -> Bool = { p in cols.contains { self.cell(p, $0).kind == .allow || self.cell(p, $0).kind == .conditional } }
            let onlyIf = (users + roles).filter { p in
                cols.contains { cell(p, $0).kind == .conditional } && !cols.contains { cell(p, $0).kind == .allow }
            }
            lines.append(
                "\(level.rawValue) level (\(cols.count) action\(cols.count == 1 ? "" : "s")): \(canText(users, can, "user")) and \(canText(roles, can, "role")) can call at least one"
                    + (onlyIf.isEmpty ? "" : "; \(onlyIf.count) only under conditions"))
        }
        if actions.contains(where: { $0.level == .unknown }) {
            lines.append("the access level of `unknown` actions is not published; they are not guessed")
        }
        return lines
    }

    // MARK: - Text, JSON, CSV

    func text() -> String {
        var lines = [
            "audit of account \(accountId): \(principals.count) principal\(principals.count == 1 ? "" : "s") × \(actions.count) action\(actions.count == 1 ? "" : "s")"
                + (openContext ? " (open context)" : "")
        ]
        lines += summary.map { "  " + $0 }
        for (a, act) in actions.enumerated() {
            let who = principals.indices.filter { cell($0, a).kind == .allow || cell($0, a).kind == .conditional }
            guard !who.isEmpty else { continue }
            lines.append("")
            lines.append("`\(act.action)` (\(act.level.rawValue)):")
            for p in who {
                let c = cell(p, a)
                let by = c.policies.isEmpty ? "" : " by " + c.policies.map { "`\($0)`" }.joined(separator: ", ")
                let cond = c.kind == .conditional ? " \(c.residual?.onlyIf ?? "")" : ""
                lines.append("  \(principals[p])\(by)\(cond)")
            }
        }
        let nobody = actions.indices.filter { a in !principals.indices.contains { cell($0, a).kind == .allow || cell($0, a).kind == .conditional } }
        if !nobody.isEmpty {
            lines.append("")
            lines.append("no principal can call \(nobody.count) of the \(actions.count) actions")
        }
        return lines.joined(separator: "\n")
    }

    func json() -> [UInt8] {
        var w = JSONWriter(capacity: 1 << 16)
        w.raw("{\"accountId\":")
        w.string(accountId)
        w.raw(",\"openContext\":")
        w.bool(openContext)
        w.raw(",\"summary\":")
        w.stringArray(summary)
        w.raw(",\"actions\":[")
        for (n, a) in actions.enumerated() {
            if n > 0 { w.comma() }
            w.raw("{\"action\":")
            w.string(a.action)
            w.raw(",\"accessLevel\":")
            w.string(a.level.rawValue)
            w.raw("}")
        }
        w.raw("],\"principals\":[")
        for (p, principal) in principals.enumerated() {
            if p > 0 { w.comma() }
            w.raw("\n{\"principal\":")
            w.string(principal.description)
            w.raw(",\"cells\":[")
            for a in actions.indices {
                if a > 0 { w.comma() }
                let c = cell(p, a)
                w.raw("{\"decision\":")
                w.string(c.kind.rawValue)
                w.raw(",\"policyType\":")
                if let t = c.policyType, c.kind != .allow { w.string(t.rawValue) } else { w.null() }
                w.raw(",\"policies\":")
                w.stringArray(c.policies)
                if let r = c.residual {
                    w.raw(",\"residual\":")
                    DecisionJSON.residual(r, into: &w)
                }
                w.raw("}")
            }
            w.raw("]}")
        }
        w.raw("\n]}\n")
        return w.bytes
    }

    /// RFC 4180: a header, then one row per cell; fields with `,` `"` or line breaks quoted.
    func csv() -> [UInt8] {
        func field(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + s.replacingAll("\"", "\"\"") + "\"" : s
        }
        var out = "principal,action,accessLevel,decision,policyType,policies,condition\r\n"
        for p in principals.indices {
            for (a, act) in actions.enumerated() {
                let c = cell(p, a)
                let type = c.kind == .allow ? "" : (c.policyType?.rawValue ?? "")
                out +=
                    [
                        principals[p].description, act.action, act.level.rawValue, c.kind.rawValue, type, c.policies.joined(separator: ";"),
                        c.residual?.description ?? "",
                    ].map(field).joined(separator: ",") + "\r\n"
            }
        }
        return Array(out.utf8)
    }
}
