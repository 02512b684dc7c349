import ArgumentKit
import Foundation
import RAMCatalog
import RAMPolicy
import StrictJSON

/// `ramcheck audit --account SNAPSHOT`: principals × actions over a snapshot.
enum AuditCommand {
    static let spec = CommandSpec(
        name: "audit", summary: "Who can do what: every principal of a snapshot × actions, by access level, with the deciding policy.",
        usage: "--account SNAPSHOT [--actions PATTERN...] [--access-level LEVEL...] [--format text|json|csv|html] [--out FILE]",
        options: [
            OptionSpec("account", value: "SNAPSHOT", help: "the account snapshot"),
            OptionSpec(
                "actions", value: "PATTERN", repeatable: true,
                help: "actions to audit (catalog patterns; default: every EMR Serverless Spark API operation)"),
            OptionSpec(
                "access-level", value: "LEVEL", repeatable: true, help: "only actions of this level: create, list, get, update, delete, none, unknown"
            ),
            OptionSpec("principal", value: "PRINCIPAL", repeatable: true, help: "only these principals (`user/NAME`, `role/NAME`)"),
            OptionSpec("resource", value: "ARN", help: "the resource, for actions with resource-level permission (default `*`)"),
            OptionSpec("context", value: "KEY=VALUE", repeatable: true, help: "a request context value every cell is evaluated with"),
            OptionSpec("closed-context", help: "keys not given are missing, not unknown (no conditional cells)"),
            OptionSpec("no-default-context", help: "do not fill `acs:CurrentTime` with the current time"),
            OptionSpec("jobs", value: "N", help: "threads to evaluate with (default: one per core)"),
            OptionSpec("out", value: "FILE", help: "write the report to FILE (written whole, then renamed) instead of stdout"),
            OptionSpec("format", value: "text|json|csv|html", help: "output format (default text)"),

        ] + PrincipalOptions.limitSpecs, maxPositionals: 0,
        discussion: """
            Cells are evaluated with an open context: a condition over a key not given makes the cell
            conditional (allowed only if …) instead of denied. CreateWorkspace comes first, then every action
            grouped by access level. The HTML report is one self-contained file: no network, sortable,
            filterable by access level, each cell explained on hover and on click, printable.
            exit: 0 report written, 2 unusable input or usage error
            """)

    enum Format: String { case text, json, csv, html }

    static func run(_ args: [String], _ output: Output) -> Int32 {
        let p: ParsedArguments
        let format: Format
        var context: RequestContext
        var levels: Set<AccessLevel> = []
        var jobs = max(1, ProcessInfo.processInfo.activeProcessorCount)
        var limits = JSONLimits.default
        do throws(ArgumentError) {
            p = try spec.parse(args)
            let f = p.value("format") ?? "text"
            guard let parsed = Format(rawValue: f) else { throw ArgumentError("unknown format `\(f)`", help: "use text, json, csv or html") }
            format = parsed
            context = try PrincipalOptions.context(p)
            limits = try PrincipalOptions.limits(p)
            guard p.value("account") != nil else {
                throw ArgumentError("`audit` needs `--account SNAPSHOT`", help: "for example `--account policies/account.json`")
            }
            for l in p.all("access-level") {
                guard let level = AccessLevel(rawValue: l.lowercased()) else {
                    throw ArgumentError(
                        "unknown access level `\(l)`", help: "use one of \(AccessLevel.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", "))")
                }
                levels.insert(level)
            }
            if let j = p.value("jobs") {
                guard let n = Int(j), (1...64).contains(n) else { throw ArgumentError("`--jobs` takes a number from 1 to 64, not `\(j)`") }
                jobs = n
            }
        } catch {
            return RAMCLI.usageError(error, output)
        }
        let account = p.value("account") ?? ""
        let snapshot: AccountSnapshot
        do {
            snapshot = try SnapshotLoader.load(try SourceLoader.read(account, maxBytes: limits.maxBytes), limits: limits)
        } catch {
            return RAMCLI.inputError(RAMCLI.diagnostics(of: error), output)
        }
        let evaluator = Evaluator(snapshot: snapshot, facts: Catalog.shared)
        PrincipalOptions.releaseFreedMemory()
        // Principals: every user and role, or those named.
        var principals = snapshot.users.map { Principal.user($0.name) } + snapshot.roles.map { Principal.role($0.name) }
        if !p.all("principal").isEmpty {
            var chosen: [Principal] = []
            for text in p.all("principal") {
                guard let pr = Principal(parsing: text), evaluator.knows(pr) else {
                    return RAMCLI.inputError(
                        [Diagnostic(.error, code: "unknown-principal", "the snapshot has no principal `\(text)`", file: account)], output)
                }
                chosen.append(pr)
            }
            principals = chosen
        }
        // Actions: the catalog entries the patterns cover (a literal unknown action is kept as given).
        var actions: [(action: String, level: AccessLevel)] = []
        var seen = Set<String>()
        let patterns = p.all("actions")
        if patterns.isEmpty {
            for a in Catalog.shared.actions where a.action.lowercased().hasPrefix("emr-serverless-spark:") && a.origin == .sdkOperation {
                if seen.insert(a.action.lowercased()).inserted { actions.append((a.action, a.accessLevel)) }
            }
        } else {
            for pattern in patterns {
                let found = Catalog.shared.matching(pattern)
                if found.isEmpty && !pattern.contains("*") && !pattern.contains("?") {
                    do throws(RequestError) { try Evaluator.validateAction(pattern) } catch {
                        return RAMCLI.usageError(ArgumentError(error.message, help: error.help), output)
                    }
                    if seen.insert(pattern.lowercased()).inserted { actions.append((pattern, .unknown)) }
                }
                for a in found where seen.insert(a.action.lowercased()).inserted { actions.append((a.action, a.accessLevel)) }
            }
        }
        if !levels.isEmpty { actions = actions.filter { levels.contains($0.level) } }
        guard !actions.isEmpty else {
            return RAMCLI.usageError(
                ArgumentError("no action to audit", help: "the patterns and access levels given select no action; see `ramcheck actions PATTERN`"),
                output)
        }
        actions = AuditReport.order(actions)
        if !p.flag("no-default-context") { context.setDefault("acs:CurrentTime", value: PrincipalOptions.now()) }
        let report: AuditReport
        do {
            report = try AuditReport.compute(
                evaluator: evaluator, accountId: snapshot.accountId, principals: principals, actions: actions, context: context,
                resource: p.value("resource"), openContext: !p.flag("closed-context"), jobs: jobs)
        } catch {
            return RAMCLI.usageError(ArgumentError(error.message, help: error.help), output)
        }
        let bytes: [UInt8]
        switch format {
        case .text: bytes = Array((report.text() + "\n").utf8)
        case .json: bytes = report.json()
        case .csv: bytes = report.csv()
        case .html: bytes = report.html(generatedAt: PrincipalOptions.now(), source: account)
        }
        if let out = p.value("out"), out != "-" {
            if let d = SourceLoader.writeAtomically(bytes, to: out) { return RAMCLI.inputError([d], output) }
            output.err("wrote \(format.rawValue) report of \(principals.count) principals × \(actions.count) actions to \(out)")
        } else {
            output.outBytes(bytes)
        }
        return RAMCLI.Exit.success
    }
}
