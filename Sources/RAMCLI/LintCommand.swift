import ArgumentKit
import RAMCatalog
import RAMLint
import RAMPolicy
import StrictJSON

/// `ramcheck lint PATH...`: every mistake in policy documents, with its position.
enum LintCommand {
    static let spec = CommandSpec(
        name: "lint", summary: "Check policy documents, folders (every *.json below) and account snapshots; findings with file:line:col.",
        usage: "PATH... [--fail-on LEVEL] [--format text|json|sarif|github]",
        options: [
            OptionSpec(
                "fail-on", value: "LEVEL", help: "exit 1 when a finding is at or above: error (default), security-warning, warning, suggestion"),
            OptionSpec("format", value: "FORMAT", help: "text (default), json, sarif (2.1.0), github (workflow annotations)"),
            OptionSpec("disable", value: "RULE", repeatable: true, help: "do not run a rule (by its id)"),
            OptionSpec("max-depth", value: "N", help: "deepest JSON nesting accepted (default 64)"),
            OptionSpec("max-file-size", value: "BYTES", help: "largest input file accepted (default 16777216)"),
        ], maxPositionals: Int.max,
        discussion: """
            A document that does not parse is reported as findings (exit 1 at the default --fail-on error).
            exit: 0 nothing at or above --fail-on, 1 findings, 2 a path that cannot be read or a usage error
            """)

    enum Format: String { case text, json, sarif, github }

    static func run(_ args: [String], _ output: Output) -> Int32 {
        let p: ParsedArguments
        var failOn = Severity.error
        var format = Format.text
        let limits: JSONLimits
        do throws(ArgumentError) {
            p = try spec.parse(args)
            if p.wantsHelp {
                output.out(spec.helpText)
                return RAMCLI.Exit.success
            }
            if let f = p.value("fail-on") {
                guard let s = Severity(rawValue: f), s != .note else {
                    throw ArgumentError("unknown level `\(f)`", help: "use error, security-warning, warning or suggestion")
                }
                failOn = s
            }
            if let f = p.value("format") {
                guard let v = Format(rawValue: f) else { throw ArgumentError("unknown format `\(f)`", help: "use text, json, sarif or github") }
                format = v
            }
            guard !p.positionals.isEmpty else { throw ArgumentError("`lint` needs a path", help: "for example `ramcheck lint policies`") }
            limits = try PrincipalOptions.limits(p)
        } catch {
            return RAMCLI.usageError(error, output)
        }
        let known = Set(Linter.rules.map { $0.id })
        for r in p.all("disable") where !known.contains(r) {
            return RAMCLI.usageError(ArgumentError("unknown rule `\(r)`", help: "rules: \(known.sorted().joined(separator: ", "))"), output)
        }
        let linter = Linter(limits: limits, now: PrincipalOptions.now(), disabled: Set(p.all("disable")))
        let report: Linter.Report
        switch linter.lint(p.positionals) {
        case .success(let r): report = r
        case .failure(let d): return RAMCLI.inputError([d], output)
        }
        switch format {
        case .text: LintOutput.text(report, output)
        case .json: LintOutput.json(report, output)
        case .sarif: LintOutput.sarif(report, output)
        case .github: LintOutput.github(report, output)
        }
        return report.findings.contains { $0.severity >= failOn && $0.severity != .note } ? RAMCLI.Exit.denied : RAMCLI.Exit.success
    }
}
