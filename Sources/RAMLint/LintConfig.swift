import RAMPolicy
import StrictJSON

/// Settings from a `ramcheck.json` config file:
///
/// ```json
/// {"lint": {"failOn": "warning",
///           "disable": [{"rule": "UnknownService", "paths": ["policies/system/*"]}]}}
/// ```
///
/// A rule is disabled for the files whose path matches one of its globs (`*` crosses
/// `/`); without `paths` it is disabled everywhere. Unknown keys and rules are errors.
public struct LintConfig: Sendable {
    public struct Disable: Sendable {
        public let rule: String
        public let paths: [Glob]
    }

    public var failOn: Severity?
    public var disable: [Disable] = []

    public init() {}

    /// Whether the findings of `rule` in `file` are to be dropped.
    public func isDisabled(_ rule: String, in file: String) -> Bool {
        disable.contains { d in d.rule == rule && (d.paths.isEmpty || d.paths.contains { $0.matches(file) }) }
    }

    /// Reads the `lint` part of a config document.
    /// - Parameter knownRules: rule ids a `disable` entry may name (parse-error codes too).
    public static func parse(_ file: SourceFile, knownRules: Set<String>) throws(DiagnosticList) -> LintConfig {
        let v: JSONValue
        do { v = try JSONParser.parse(file) } catch { throw DiagnosticList([error]) }
        return try parse(v, in: file, knownRules: knownRules)
    }

    /// The same, for a config already parsed (the `lint` part of a gate config).
    public static func parse(_ v: JSONValue, in file: SourceFile, knownRules: Set<String>) throws(DiagnosticList) -> LintConfig {
        var errors: [Diagnostic] = []
        func err(_ msg: String, _ span: Span, help: String? = nil) {
            errors.append(Diagnostic(.error, code: "config-invalid", msg, at: SourceRange(file: file, span: span), help: help))
        }
        var config = LintConfig()
        guard let top = v.objectValue else {
            throw DiagnosticList([
                Diagnostic(.error, code: "config-invalid", "the config must be a JSON object", at: SourceRange(file: file, span: v.span))
            ])
        }
        for m in top.members where m.key != "lint" && m.key != "gate" {
            err("unknown key `\(m.key)` in the config", m.keySpan, help: "the config has `lint` (and `gate` for `ramcheck gate`)")
        }
        if let lint = top["lint"] {
            if let o = lint.objectValue {
                for m in o.members {
                    switch m.key {
                    case "failOn":
                        if let s = m.value.stringValue, let sev = Severity(rawValue: s), sev != .note {
                            config.failOn = sev
                        } else {
                            err("`failOn` must be `error`, `security-warning`, `warning` or `suggestion`", m.value.span)
                        }
                    case "disable":
                        for item in m.value.arrayValue ?? [] {
                            guard let d = item.objectValue, let rule = d["rule"]?.stringValue else {
                                err("a `disable` entry is `{\"rule\": \"RuleId\", \"paths\": [\"glob\", …]}`", item.span)
                                continue
                            }
                            if !knownRules.contains(rule) {
                                err("unknown rule `\(rule)`", d["rule"]?.span ?? item.span, help: "see `ramcheck lint --help` for the rules")
                            }
                            for k in d.members where k.key != "rule" && k.key != "paths" {
                                err("unknown key `\(k.key)` in a `disable` entry", k.keySpan)
                            }
                            let paths = (d["paths"]?.arrayValue ?? []).compactMap(\.stringValue).map { Glob($0) }
                            config.disable.append(Disable(rule: rule, paths: paths))
                        }
                        if m.value.arrayValue == nil { err("`disable` must be an array", m.value.span) }
                    default:
                        err("unknown key `\(m.key)` in `lint`", m.keySpan, help: "`lint` has `failOn` and `disable`")
                    }
                }
            } else {
                err("`lint` must be an object", lint.span)
            }
        }
        if !errors.isEmpty { throw DiagnosticList(errors) }
        return config
    }
}
