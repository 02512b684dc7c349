import ArgumentKit
import Foundation
import RAMCatalog
import RAMPolicy
import StrictJSON

/// `ramcheck diff OLD NEW`: every access NEW grants that OLD does not (exit 1), and the
/// access it removes, each class with a concrete example request.
enum DiffCommand {
    static let spec = CommandSpec(
        name: "diff", summary: "Access that NEW grants and OLD does not (and what it removes), exactly, each with an example request.",
        usage: "OLD NEW [--allow FILE] [--exclude GLOB...] [--format text|json|sarif|markdown]",
        options: [
            OptionSpec("allow", value: "FILE", help: "accepted grants: {\"allow\": [{\"principal\", \"action\", \"resource\", \"reason\"}]} (globs)"),
            OptionSpec("exclude", value: "GLOB", repeatable: true, help: "skip files of a folder whose relative path matches"),
            OptionSpec("format", value: "text|json|sarif|markdown", help: "output format (default text)"),

        ] + PrincipalOptions.limitSpecs, maxPositionals: 2,
        discussion: """
            OLD and NEW are policy files, snapshots, folders of them (paired by relative path), or `git:REV:PATH`
            for a path at a git revision — `ramcheck diff git:origin/main:policies policies` in CI. Snapshots are
            compared per principal (users and roles); plain policy files as the only policy of one principal.
            Exact: every action the catalog knows or a pattern of either side can name, every resource a pattern
            can tell apart, and every request context, found by partitioning, not sampled.
            exit: 0 no new access (or all of it accepted by --allow), 1 new access, 2 unusable input or usage error
            """)

    enum Format: String { case text, json, sarif, markdown }

    /// A change, labelled with the file pair it came from (folders), or accepted.
    struct Entry {
        let change: AccessChange
        let file: String?
        /// The statement of NEW (added) or OLD (removed) that grants it, for SARIF and text.
        let grant: StatementResult?
        var acceptedBecause: String? = nil
    }

    struct AllowRule {
        let principal: Glob?
        let action: Glob
        let resource: Glob?
        let reason: String
    }

    static func run(_ args: [String], _ output: Output) -> Int32 {
        let p: ParsedArguments
        let format: Format
        let limits: JSONLimits
        do throws(ArgumentError) {
            p = try spec.parse(args)
            guard p.positionals.count == 2 else {
                throw ArgumentError("`diff` needs OLD and NEW", help: "for example `ramcheck diff git:origin/main:policies policies`")
            }
            let f = p.value("format") ?? "text"
            guard let parsed = Format(rawValue: f) else { throw ArgumentError("unknown format `\(f)`", help: "use text, json, sarif or markdown") }
            format = parsed
            limits = try PrincipalOptions.limits(p)
        } catch {
            return RAMCLI.usageError(error, output)
        }
        let scratch = (NSTemporaryDirectory() as NSString).appendingPathComponent("ramcheck-diff-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let excludes = p.all("exclude").map { Glob($0) }
        let old: DiffSource
        let new: DiffSource
        var rules: [AllowRule] = []
        do {
            old = try DiffSource.load(p.positionals[0], excludes: excludes, limits: limits, scratch: scratch)
            new = try DiffSource.load(p.positionals[1], excludes: excludes, limits: limits, scratch: scratch)
            if let a = p.value("allow") { rules = try allowRules(a, limits: limits) }
        } catch {
            return RAMCLI.inputError(error.diagnostics, output)
        }
        guard old.isFolder == new.isFolder else {
            return RAMCLI.usageError(
                ArgumentError(
                    "`\(old.name)` and `\(new.name)` must both be files or both be folders",
                    help: "compare a file with a file, a folder with a folder"),
                output)
        }
        // Pair the items and compare each pair.
        let vocabulary = DiffVocabulary(
            knownActions: Catalog.shared.actions.map(\.action), operationLevelPrefixes: Catalog.shared.operationLevelPrefixes)
        var added: [Entry] = []
        var removed: [Entry] = []
        var incomplete: [String] = []
        var unconfirmed = 0
        for key in Set(old.items.keys).union(new.items.keys).sorted() {
            let label = old.isFolder ? key : nil
            let o = old.items[key]
            let n = new.items[key]
            let oldEval: Evaluator?
            let newEval: Evaluator?
            var principals: [Principal]
            switch (o, n) {
            case (.snapshot(let a)?, .snapshot(let b)?):
                oldEval = Evaluator(snapshot: a, facts: Catalog.shared)
                newEval = Evaluator(snapshot: b, facts: Catalog.shared)
                principals = principalsOf(a) + principalsOf(b).filter { !principalsOf(a).contains($0) }
            case (.snapshot(let a)?, nil):
                (oldEval, newEval, principals) = (Evaluator(snapshot: a, facts: Catalog.shared), nil, principalsOf(a))
            case (nil, .snapshot(let b)?):
                (oldEval, newEval, principals) = (nil, Evaluator(snapshot: b, facts: Catalog.shared), principalsOf(b))
            case (.policy(let a)?, .policy(let b)?):
                (oldEval, newEval, principals) = (evaluator(a), evaluator(b), [.adHoc])
            case (.policy(let a)?, nil):
                (oldEval, newEval, principals) = (evaluator(a), nil, [.adHoc])
            case (nil, .policy(let b)?):
                (oldEval, newEval, principals) = (nil, evaluator(b), [.adHoc])
            default:
                return RAMCLI.inputError(
                    [Diagnostic(.error, code: "diff-kinds", "`\(key.isEmpty ? new.name : key)` is a snapshot on one side and a policy on the other")],
                    output)
            }
            let r = AccessDiff.compare(old: oldEval, new: newEval, principals: principals, vocabulary: vocabulary, facts: Catalog.shared)
            incomplete += r.incomplete
            unconfirmed += r.unconfirmed
            // CreateWorkspace first in every list (it is the action this tool is asked about most).
            func ordered(_ c: AccessChange) -> AccessChange {
                var c = c
                let first = c.actions.filter { $0.lowercased() == CanCommand.defaultAction.lowercased() }
                c.actions = first + c.actions.filter { $0.lowercased() != CanCommand.defaultAction.lowercased() }
                return c
            }
            added += r.added.map(ordered).map { Entry(change: $0, file: label, grant: grant($0, newEval)) }
            removed += r.removed.map(ordered).map { Entry(change: $0, file: label, grant: grant($0, oldEval)) }
        }
        // --allow: split changes whose actions are accepted.
        var accepted: [Entry] = []
        if !rules.isEmpty {
            var remaining: [Entry] = []
            for e in added {
                var yes: [String] = []
                var no: [String] = []
                var why = ""
                for a in e.change.actions {
                    if let rule = rules.first(where: { accepts($0, e.change, action: a) }) {
                        yes.append(a)
                        why = rule.reason
                    } else {
                        no.append(a)
                    }
                }
                if !yes.isEmpty {
                    var c = e.change
                    c.actions = yes
                    accepted.append(Entry(change: c, file: e.file, grant: e.grant, acceptedBecause: why))
                }
                if !no.isEmpty {
                    var c = e.change
                    c.actions = no
                    remaining.append(Entry(change: c, file: e.file, grant: e.grant))
                }
            }
            added = remaining
        }
        for f in Set(old.skipped + new.skipped).sorted() {
            output.err("note: [diff-skipped] `\(f)` is neither a policy document nor a snapshot; not compared")
        }
        for i in incomplete { output.err("warning: [diff-incomplete] \(i)") }
        if unconfirmed > 0 {
            output.err("warning: [diff-internal] \(unconfirmed) example(s) were not confirmed by evaluation and are left out; please report it")
        }
        let display: (String) -> String = { s in
            var t = s
            for src in [old, new] { if let d = src.displayPrefix { t = t.replacingAll(d.temporary, d.shown) } }
            return t
        }
        switch format {
        case .text: output.out(display(text(added: added, removed: removed, accepted: accepted, old: old.name, new: new.name)))
        case .json: output.out(display(json(added: added, removed: removed, accepted: accepted)))
        case .sarif: output.out(display(sarif(added: added, removed: removed, accepted: accepted)))
        case .markdown: output.out(display(markdown(added: added, removed: removed, accepted: accepted, old: old.name, new: new.name)))
        }
        return added.isEmpty ? RAMCLI.Exit.success : RAMCLI.Exit.denied
    }

    static func evaluator(_ p: Policy) -> Evaluator { Evaluator(policies: [p], facts: Catalog.shared) }

    static func principalsOf(_ s: AccountSnapshot) -> [Principal] {
        s.users.map { .user($0.name) } + s.roles.map { .role($0.name) }
    }

    /// The statement of `side` that allows the change's example (the first allowing one).
    static func grant(_ c: AccessChange, _ side: Evaluator?) -> StatementResult? {
        guard let side, let d = try? side.evaluate(c.example) else { return nil }
        return d.statements.first { $0.role == .allowed && $0.layer != .controlPolicy && $0.layer != .sessionPolicy }
            ?? d.statements.first { $0.role == .allowed }
    }

    static func accepts(_ rule: AllowRule, _ c: AccessChange, action: String) -> Bool {
        if let pr = rule.principal, !pr.matches(Array(c.principal.description.utf8)) { return false }
        if !rule.action.matches(Array(action.lowercased().utf8)) { return false }
        if let r = rule.resource, !r.matches(Array(c.resource.utf8)) { return false }
        return true
    }

    /// `{"allow": [{"principal": "user/*", "action": "emr-serverless-spark:Get*", "resource": "*", "reason": "…"}]}`.
    static func allowRules(_ path: String, limits: JSONLimits) throws(DiffSource.Failure) -> [AllowRule] {
        let src: SourceFile
        let root: JSONValue
        do {
            src = try SourceLoader.read(path, maxBytes: limits.maxBytes)
            root = try JSONParser.parse(src, limits: limits)
        } catch {
            throw DiffSource.Failure(diagnostics: [error])
        }
        func fail(_ message: String, _ v: JSONValue) -> DiffSource.Failure { fail(message, at: v.span) }
        func fail(_ message: String, at span: Span) -> DiffSource.Failure {
            DiffSource.Failure(diagnostics: [
                Diagnostic(
                    .error, code: "diff-allow", message, at: SourceRange(file: src, span: span),
                    help: "write {\"allow\": [{\"action\": \"emr-serverless-spark:Get*\", \"principal\": \"user/*\", \"reason\": \"…\"}]}")
            ])
        }
        guard let o = root.objectValue, let list = o["allow"]?.arrayValue, o.members.count == 1 else {
            throw fail("an allow file is an object with one key, `allow`, a list of accepted grants", root)
        }
        var rules: [AllowRule] = []
        for item in list {
            guard let io = item.objectValue else { throw fail("an accepted grant must be an object, not \(item.typeDescription)", item) }
            for m in io.members where !["principal", "action", "resource", "reason"].contains(m.key) {
                throw fail("unknown key `\(m.key)` in an accepted grant", at: m.keySpan)
            }
            for m in io.members where m.value.stringValue == nil {
                throw fail("`\(m.key)` must be a string, not \(m.value.typeDescription)", m.value)
            }
            guard let action = io["action"]?.stringValue else { throw fail("an accepted grant needs `action` (a pattern)", item) }
            rules.append(
                AllowRule(
                    principal: io["principal"]?.stringValue.map { Glob($0) }, action: Glob(action.lowercased()),
                    resource: io["resource"]?.stringValue.map { Glob($0) }, reason: io["reason"]?.stringValue ?? "accepted by \(path)"))
        }
        return rules
    }

    // MARK: - Output

    static func who(_ e: Entry) -> String {
        var parts: [String] = []
        if let f = e.file { parts.append(f) }
        if e.change.principal != .adHoc { parts.append(e.change.principal.description) }
        return parts.isEmpty ? "the policy" : parts.joined(separator: " ")
    }

    static func exampleJSON(_ c: AccessChange, into w: inout JSONWriter) {
        w.raw("{")
        if c.principal != .adHoc {
            w.raw("\"principal\":")
            w.string(c.principal.description)
            w.comma()
        }
        w.raw("\"action\":")
        w.string(c.actions.first ?? "")
        w.raw(",\"resource\":")
        w.string(c.resource)
        w.raw(",\"context\":{")
        for (n, kv) in c.exampleContext.enumerated() {
            if n > 0 { w.comma() }
            w.string(kv.key)
            w.raw(":")
            if kv.values.count == 1 { w.string(kv.values[0]) } else { w.stringArray(kv.values) }
        }
        w.raw("}")
        if let rg = c.resourceGroup {
            w.raw(",\"resourceGroup\":")
            w.string(rg)
        }
        w.raw("}")
    }

    static func exampleText(_ c: AccessChange) -> String {
        var w = JSONWriter()
        exampleJSON(c, into: &w)
        return String(decoding: w.bytes, as: UTF8.self)
    }

    static func text(added: [Entry], removed: [Entry], accepted: [Entry], old: String, new: String) -> String {
        var lines: [String] = []
        func section(_ title: String, _ list: [Entry], grantWord: String) {
            lines.append("\(title) (\(list.count) class\(list.count == 1 ? "" : "es")):")
            for e in list {
                let shown = e.change.actions.prefix(8).map { "`\($0)`" }.joined(separator: ", ")
                let more = e.change.actions.count > 8 ? " and \(e.change.actions.count - 8) more (`--format json` lists them)" : ""
                lines.append("  \(who(e)): \(shown)\(more) \(e.change.description)")
                lines.append("    example: \(exampleText(e.change))")
                if let g = e.grant { lines.append("    \(grantWord) by: \(g.location): statement \(g.statement) of `\(g.policy)`") }
                if let why = e.acceptedBecause { lines.append("    accepted: \(why)") }
            }
        }
        if added.isEmpty {
            lines.append("NO NEW ACCESS: `\(new)` grants nothing that `\(old)` does not")
        } else {
            section("NEW ACCESS: `\(new)` grants what `\(old)` does not", added, grantWord: "granted")
        }
        if !accepted.isEmpty {
            lines.append("")
            section("accepted new access (--allow)", accepted, grantWord: "granted")
        }
        if !removed.isEmpty {
            lines.append("")
            section("removed access (information)", removed, grantWord: "was granted")
        }
        return lines.joined(separator: "\n")
    }

    static func json(added: [Entry], removed: [Entry], accepted: [Entry]) -> String {
        var w = JSONWriter()
        func list(_ key: StaticString, _ entries: [Entry]) {
            w.key(key)
            w.raw("[")
            for (n, e) in entries.enumerated() {
                if n > 0 { w.comma() }
                w.raw("\n{")
                if e.change.principal != .adHoc {
                    w.raw("\"principal\":")
                    w.string(e.change.principal.description)
                    w.comma()
                }
                if let f = e.file {
                    w.raw("\"file\":")
                    w.string(f)
                    w.comma()
                }
                w.raw("\"actions\":")
                w.stringArray(e.change.actions)
                w.raw(",\"description\":")
                w.string(e.change.description)
                if let c = e.change.condition {
                    w.raw(",\"condition\":")
                    DecisionJSON.residual(c, into: &w)
                }
                w.raw(",\"example\":")
                exampleJSON(e.change, into: &w)
                if let g = e.grant {
                    w.raw(",\"grantedBy\":")
                    DecisionJSON.head(g.document, g.statementRef, into: &w)
                    w.raw("}")
                }
                if let why = e.acceptedBecause {
                    w.raw(",\"acceptedBecause\":")
                    w.string(why)
                }
                w.raw("}")
            }
            w.raw("]")
        }
        w.raw("{")
        list("newAccess", added)
        w.comma()
        list("removedAccess", removed)
        w.comma()
        list("acceptedAccess", accepted)
        w.raw("}")
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// SARIF 2.1.0: a result per class at the statement that grants it (new access: error;
    /// accepted: suppressed; removed: note).
    static func sarif(added: [Entry], removed: [Entry], accepted: [Entry]) -> String {
        var w = JSONWriter()
        w.raw("{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{")
        w.raw("\"name\":\"ramcheck\",\"version\":")
        w.string(RAMCLI.version)
        w.raw(
            ",\"rules\":[{\"id\":\"new-access\",\"shortDescription\":{\"text\":\"the change grants access the base did not\"},\"help\":{\"text\":\"narrow the statement, or accept the grant with --allow\"},\"defaultConfiguration\":{\"level\":\"error\"},\"properties\":{\"tags\":[\"security\"],\"security-severity\":\"7.5\"}},"
        )
        w.raw(
            "{\"id\":\"removed-access\",\"shortDescription\":{\"text\":\"the change removes access the base granted\"},\"help\":{\"text\":\"check that nobody relies on it\"},\"defaultConfiguration\":{\"level\":\"note\"}}]}},\"columnKind\":\"unicodeCodePoints\",\"results\":["
        )
        var first = true
        for (entries, rule, level) in [(added, "new-access", "error"), (accepted, "new-access", "error"), (removed, "removed-access", "note")] {
            for e in entries {
                if !first { w.comma() }
                first = false
                w.raw("{\"ruleId\":")
                w.string(rule)
                w.raw(",\"ruleIndex\":")
                w.int(rule == "new-access" ? 0 : 1)
                w.raw(",\"level\":")
                w.string(level)
                w.raw(",\"message\":{\"text\":")
                w.string(
                    "\(who(e)): \(e.change.actions.joined(separator: ", ")) \(e.change.description.replacingAll("`", "")); example: \(exampleText(e.change))"
                )
                w.raw("}")
                if let g = e.grant {
                    w.comma()
                    LintOutput.sarifLocation(g.statementRef.location, into: &w)
                }
                if let why = e.acceptedBecause {
                    w.raw(",\"suppressions\":[{\"kind\":\"external\",\"justification\":")
                    w.string(why)
                    w.raw("}]")
                }
                w.raw("}")
            }
        }
        w.raw("]}]}")
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// A summary for a pull-request comment.
    static func markdown(added: [Entry], removed: [Entry], accepted: [Entry], old: String, new: String) -> String {
        func cell(_ s: String) -> String { s.replacingAll("|", "\\|").replacingAll("\n", " ") }
        func table(_ list: [Entry]) -> [String] {
            var l = ["| who | actions | on / when | example | granted by |", "|---|---|---|---|---|"]
            for e in list {
                let g = e.grant.map { "`\($0.location)`" } ?? ""
                l.append(
                    "| \(cell(who(e))) | \(cell(e.change.actions.map { "`\($0)`" }.joined(separator: "<br/>"))) | \(cell(e.change.description)) | `\(cell(exampleText(e.change)))` | \(g) |"
                )
            }
            return l
        }
        var lines: [String] = []
        if added.isEmpty {
            lines.append("### ✅ ramcheck diff: no new access")
            lines.append("")
            lines.append("`\(new)` grants nothing that `\(old)` does not.")
        } else {
            lines.append("### ❌ ramcheck diff: \(added.count) class\(added.count == 1 ? "" : "es") of new access")
            lines.append("")
            lines.append(
                "`\(new)` grants what `\(old)` does not. Each example is an `eval` request line: denied by the old policies, allowed by the new.")
            lines.append("")
            lines += table(added)
        }
        if !accepted.isEmpty {
            lines.append("")
            lines.append("<details><summary>\(accepted.count) accepted (--allow)</summary>")
            lines.append("")
            lines += table(accepted)
            lines.append("")
            lines.append("</details>")
        }
        if !removed.isEmpty {
            lines.append("")
            lines.append("<details><summary>\(removed.count) class\(removed.count == 1 ? "" : "es") of removed access</summary>")
            lines.append("")
            lines += table(removed)
            lines.append("")
            lines.append("</details>")
        }
        return lines.joined(separator: "\n")
    }
}
