import ArgumentKit
import Foundation
import RAMCatalog
import RAMLint
import RAMPolicy
import StrictJSON

/// `ramcheck lint PATH...`: every mistake in policy documents, with its position.
enum LintCommand {
    static let spec = CommandSpec(
        name: "lint", summary: "Check policy documents, folders (every *.json below) and account snapshots; findings with file:line:col.",
        usage: "PATH... [--fail-on LEVEL] [--format text|json|sarif|junit|github] [--baseline FILE] [--config FILE]",
        options: [
            OptionSpec(
                "fail-on", value: "LEVEL", help: "exit 1 when a finding is at or above: error (default), security-warning, warning, suggestion"),
            OptionSpec("format", value: "FORMAT", help: "text (default), json, sarif (2.1.0), junit (XML), github (workflow annotations)"),
            OptionSpec("baseline", value: "FILE", help: "report and fail only on findings not in this baseline"),
            OptionSpec("write-baseline", value: "FILE", help: "write the current findings as a baseline and exit 0"),
            OptionSpec("config", value: "FILE", help: "settings (default `ramcheck.json` when it exists): failOn, rules disabled per path glob"),
            OptionSpec("disable", value: "RULE", repeatable: true, help: "do not run a rule (by its id)"),

        ] + PrincipalOptions.limitSpecs, maxPositionals: Int.max,
        discussion: """
            A document that does not parse is reported as findings (exit 1 at the default --fail-on error).
            exit: 0 nothing at or above --fail-on, 1 findings, 2 a path that cannot be read, a document over a limit, or a usage error
            """)

    enum Format: String { case text, json, sarif, junit, github }

    static func run(_ args: [String], _ output: Output) -> Int32 {
        let p: ParsedArguments
        var failOn = Severity.error
        var format = Format.text
        let limits: JSONLimits
        do throws(ArgumentError) {
            p = try spec.parse(args)
            if let f = p.value("fail-on") {
                guard let s = Severity(rawValue: f), s != .note else {
                    throw ArgumentError("unknown level `\(f)`", help: "use error, security-warning, warning or suggestion")
                }
                failOn = s
            }
            if let f = p.value("format") {
                guard let v = Format(rawValue: f) else {
                    throw ArgumentError("unknown format `\(f)`", help: "use text, json, sarif, junit or github")
                }
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
        // The config: given, or `ramcheck.json` in the current folder when there is one.
        var config = LintConfig()
        let configPath = p.value("config") ?? (FileManager.default.fileExists(atPath: "ramcheck.json") ? "ramcheck.json" : nil)
        if let configPath {
            do {
                let src = try SourceLoader.read(configPath)
                config = try LintConfig.parse(src, knownRules: known)
            } catch {
                return RAMCLI.inputError(RAMCLI.diagnostics(of: error), output)
            }
            if p.value("fail-on") == nil, let f = config.failOn { failOn = f }
        }
        var baseline: Baseline? = nil
        if let path = p.value("baseline") {
            do {
                baseline = try Baseline.parse(try SourceLoader.read(path))
            } catch {
                return RAMCLI.inputError(RAMCLI.diagnostics(of: error), output)
            }
        }
        let linter = Linter(limits: limits, now: PrincipalOptions.now(), disabled: Set(p.all("disable")))
        var report: Linter.Report
        switch linter.lint(p.positionals) {
        case .success(let r): report = r
        case .failure(let d): return RAMCLI.inputError([d], output)
        }
        // A document over a limit is not judged but refused, like a path that cannot be read.
        let overLimit = report.findings.filter { $0.code.hasPrefix("limit-") }
        if !overLimit.isEmpty { return RAMCLI.inputError(overLimit, output) }
        report.findings = report.findings.filter { d in
            !config.isDisabled(d.code, in: d.range?.start.file ?? d.fileName ?? "")
        }
        if let path = p.value("write-baseline") {
            if let e = Baseline.write(report.findings, to: path) { return RAMCLI.inputError([e], output) }
            output.err("wrote \(report.findings.count) finding\(report.findings.count == 1 ? "" : "s") to `\(path)`")
            return RAMCLI.Exit.success
        }
        if let baseline {
            let all = report.findings.count
            report.findings = baseline.new(report.findings)
            output.err("\(all - report.findings.count) finding\(all - report.findings.count == 1 ? "" : "s") in the baseline, not shown")
        }
        switch format {
        case .text: LintOutput.text(report, output)
        case .json: LintOutput.json(report, output)
        case .sarif: LintOutput.sarif(report, output)
        case .junit: LintOutput.junit(report, output)
        case .github: LintOutput.github(report, output)
        }
        return report.findings.contains { $0.severity >= failOn && $0.severity != .note } ? RAMCLI.Exit.denied : RAMCLI.Exit.success
    }
}
