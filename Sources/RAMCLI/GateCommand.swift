import ArgumentKit
import Foundation
import RAMCatalog
import RAMLint
import RAMPolicy
import StrictJSON

/// `ramcheck gate CONFIG`: the CI gate — expectations of who may and may not call what,
/// plus lint, in one report. Exit 1 on any failure, 2 on unusable input.
///
/// ```json
/// {"account": "account.json",
///  "expectations": [{"principal": "user/alice", "action": "emr-serverless-spark:CreateWorkspace",
///                    "context": {"acs:MFAPresent": "true"}, "decision": "allow"}],
///  "lint": {"paths": ["."], "failOn": "error", "disable": [{"rule": "UnknownService"}]}}
/// ```
/// Paths are relative to the config's folder. `policies` (a list of files) may stand
/// instead of `account`. `decision` is `allow`, `deny`, `explicitDeny` or `implicitDeny`;
/// `policyType` may also be given for a denial. `action` defaults to CreateWorkspace.
enum GateCommand {
    static let spec = CommandSpec(
        name: "gate", summary: "CI gate: expectations (who must / must not be able to call what) plus lint, one report.",
        usage: "CONFIG [--format text|json|sarif|junit|github]",
        options: [OptionSpec("format", value: "FORMAT", help: "text (default), json, sarif, junit, github")], maxPositionals: 1,
        discussion: "exit: 0 every expectation met and no lint finding at or above failOn, 1 a failure, 2 unusable input")

    struct Expectation {
        let name: String
        let failure: Diagnostic?
        /// Where the expectation is written in the config.
        let at: SourceLocation
    }

    static func run(_ args: [String], _ output: Output) -> Int32 {
        let p: ParsedArguments
        var format = LintCommand.Format.text
        do throws(ArgumentError) {
            p = try spec.parse(args)
            if let f = p.value("format") {
                guard let v = LintCommand.Format(rawValue: f) else {
                    throw ArgumentError("unknown format `\(f)`", help: "use text, json, sarif, junit or github")
                }
                format = v
            }
            guard p.positionals.count == 1 else {
                throw ArgumentError("`gate` needs a config file", help: "for example `ramcheck gate policies/gate.json`")
            }
        } catch {
            return RAMCLI.usageError(error, output)
        }
        let result: (Linter.Report, [Expectation], Severity)
        switch evaluate(p.positionals[0]) {
        case .success(let r): result = r
        case .failure(let list): return RAMCLI.inputError(list.diagnostics, output)
        }
        var report = result.0
        let (expectations, failOn) = (result.1, result.2)
        let failed = expectations.compactMap(\.failure)
        report.findings += failed
        switch format {
        case .text:
            LintOutput.text(report, output)
            output.out("expectations: \(expectations.count - failed.count) passed, \(failed.count) failed")
        case .json: LintOutput.json(report, output)
        case .sarif: LintOutput.sarif(report, output, passes: expectations.filter { $0.failure == nil }.map { ($0.name, $0.at) })
        case .junit: LintOutput.junit(report, output, expectations: expectations.map { ($0.name, $0.failure) })
        case .github: LintOutput.github(report, output)
        }
        let lintFails = report.findings.contains { $0.code != "ExpectationFailed" && $0.severity >= failOn && $0.severity != .note }
        return lintFails || !failed.isEmpty ? RAMCLI.Exit.denied : RAMCLI.Exit.success
    }

    static func evaluate(_ path: String) -> Result<(Linter.Report, [Expectation], Severity), DiagnosticList> {
        let src: SourceFile
        let root: JSONValue
        do {
            src = try SourceLoader.read(path)
            root = try JSONParser.parse(src)
        } catch {
            return .failure(DiagnosticList([error]))
        }
        var errors: [Diagnostic] = []
        func err(_ m: String, _ span: Span, help: String? = nil) {
            errors.append(Diagnostic(.error, code: "gate-config", m, at: SourceRange(file: src, span: span), help: help))
        }
        guard let top = root.objectValue else {
            return .failure(
                DiagnosticList([
                    Diagnostic(.error, code: "gate-config", "the gate config must be a JSON object", at: SourceRange(file: src, span: root.span))
                ]))
        }
        for m in top.members where !["account", "policies", "expectations", "lint"].contains(m.key) {
            err("unknown key `\(m.key)` in the gate config", m.keySpan, help: "the config has `account` or `policies`, `expectations` and `lint`")
        }
        // The principals' policies.
        var evaluator: Evaluator? = nil
        var hasSnapshot = false
        var accountPath: String? = nil
        if let a = top.member("account") {
            if let rel = a.value.stringValue {
                do {
                    accountPath = SourceLoader.resolve(rel, against: src.name)
                    let snap = try SnapshotLoader.load(try SourceLoader.read(accountPath ?? rel))
                    evaluator = Evaluator(snapshot: snap, facts: Catalog.shared)
                    hasSnapshot = true
                } catch {
                    errors += RAMCLI.diagnostics(of: error)
                }
            } else {
                err("`account` must be a path to a snapshot", a.value.span)
            }
        } else if let list = top["policies"]?.arrayValue {
            var ps: [Policy] = []
            for item in list {
                guard let rel = item.stringValue else {
                    err("`policies` entries must be paths", item.span)
                    continue
                }
                let full = SourceLoader.resolve(rel, against: src.name)
                do { ps.append(try PolicyParser.parse(try SourceLoader.read(full), name: full, kind: .identity)) } catch {
                    errors += RAMCLI.diagnostics(of: error)
                }
            }
            evaluator = Evaluator(policies: ps, facts: Catalog.shared)
        }
        // Lint settings.
        var lintPaths: [String] = []
        var failOn = Severity.error
        var config = LintConfig()
        if let l = top["lint"] {
            // `paths` is the gate's own; the rest is a lint config section.
            var rest: [JSONObject.Member] = []
            for m in l.objectValue?.members ?? [] {
                if m.key == "paths" {
                    for item in m.value.arrayValue ?? [] {
                        if let s = item.stringValue {
                            lintPaths.append(SourceLoader.resolve(s, against: src.name))
                        } else {
                            err("`paths` entries must be strings", item.span)
                        }
                    }
                } else {
                    rest.append(m)
                }
            }
            let section = JSONValue(
                .object(
                    JSONObject(members: [
                        JSONObject.Member(key: "lint", keySpan: l.span, value: JSONValue(.object(JSONObject(members: rest)), span: l.span))
                    ])), span: l.span)
            do throws(DiagnosticList) {
                config = try LintConfig.parse(section, in: src, knownRules: Set(Linter.rules.map { $0.id }))
                if let f = config.failOn { failOn = f }
            } catch {
                errors += error.diagnostics
            }
        }
        // Expectations.
        var expectations: [Expectation] = []
        for (n, item) in (top["expectations"]?.arrayValue ?? []).enumerated() {
            guard let o = item.objectValue else {
                err("an expectation is an object", item.span)
                continue
            }
            for m in o.members
            where !["principal", "action", "resource", "context", "resourceGroup", "decision", "policyType", "note"].contains(m.key) {
                err("unknown key `\(m.key)` in an expectation", m.keySpan)
            }
            guard let want = o["decision"]?.stringValue, ["allow", "deny", "explicitDeny", "implicitDeny"].contains(want) else {
                err("an expectation needs `decision`: `allow`, `deny`, `explicitDeny` or `implicitDeny`", o["decision"]?.span ?? item.span)
                continue
            }
            let action = o["action"]?.stringValue ?? CanCommand.defaultAction
            var principal = Principal.adHoc
            if let text = o["principal"]?.stringValue {
                guard hasSnapshot, let pr = Principal(parsing: text) else {
                    err("`principal` must be `user/NAME`, `role/NAME` or `root`, with an `account`", o["principal"]?.span ?? item.span)
                    continue
                }
                principal = pr
            } else if hasSnapshot {
                err("an expectation needs `principal` with an `account`", item.span)
                continue
            }
            var ctx = RequestContext()
            for m in o["context"]?.objectValue?.members ?? [] {
                ctx.add(m.key, values: (m.value.arrayValue ?? [m.value]).compactMap(\.stringValue))
            }
            ctx.setDefault("acs:CurrentTime", value: PrincipalOptions.now())
            let request = Request(
                principal: principal, action: action, resource: o["resource"]?.stringValue, context: ctx,
                resourceGroup: o["resourceGroup"]?.stringValue)
            let name = o["note"]?.stringValue ?? "\(principal) \(want) \(action)"
            guard let evaluator else { continue }
            do {
                let d = try evaluator.evaluate(request)
                var ok: Bool
                switch want {
                case "allow": ok = d.kind == .allow
                case "deny": ok = d.kind != .allow
                default: ok = d.kind.rawValue == want
                }
                if let t = o["policyType"]?.stringValue, d.policyType?.rawValue != t { ok = false }
                var failure: Diagnostic? = nil
                if !ok {
                    let got = d.kind == .allow ? "allowed" : "\(d.kind.rawValue) by \(d.policyType?.rawValue ?? "?")"
                    let by =
                        d.statements.last { $0.role != .ineffective }.map { " (statement \($0.statement) of `\($0.policy)`, \($0.location))" } ?? ""
                    failure = Diagnostic(
                        .error, code: "ExpectationFailed",
                        "expectation \(n): `\(principal)` calling `\(action)` should be \(want), but is \(got)\(by)",
                        at: SourceRange(file: src, span: Span(start: item.span.start, end: item.span.start + 1)),
                        help:
                            "for the full explanation run `ramcheck can \(action)\(accountPath.map { " --account \($0)" } ?? "") --principal \(principal)`"
                    )
                }
                expectations.append(Expectation(name: name, failure: failure, at: src.location(ofOffset: item.span.start)))
            } catch {
                err("expectation \(n) cannot be evaluated: \(error.message)", item.span, help: error.help)
            }
        }
        if evaluator == nil && !(top["expectations"]?.arrayValue ?? []).isEmpty && errors.isEmpty {
            err("expectations need `account` or `policies`", root.span)
        }
        if !errors.isEmpty { return .failure(DiagnosticList(errors)) }
        var report = Linter.Report()
        if !lintPaths.isEmpty {
            switch Linter(now: PrincipalOptions.now()).lint(lintPaths) {
            case .success(let r): report = r
            case .failure(let d): return .failure(DiagnosticList([d]))
            }
            report.findings = report.findings.filter { !config.isDisabled($0.code, in: $0.range?.start.file ?? $0.fileName ?? "") }
        }
        return .success((report, expectations, failOn))
    }
}
