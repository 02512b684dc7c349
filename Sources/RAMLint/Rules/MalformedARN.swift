import RAMPolicy
import StrictJSON

/// A resource that is neither `*` nor an ARN `acs:<ram-code>:<region>:<account-id>:<relative-id>`.
/// It still matches as a glob, but is almost always a mistake.
public struct MalformedARN: LintRule {
    public init() {}
    public static let summary = "resource that is not an ARN"
    public static let help = "write `acs:<ram-code>:<region>:<account-id>:<relative-id>` (use `*` for a part that may be anything), or `*`"
    public static let severity = Severity.warning

    public func check(_ doc: LintDocument, _ context: LintContext, into findings: inout [Diagnostic]) {
        for s in doc.policy.statements {
            for p in s.resources?.patterns ?? [] where p.text != "*" {
                let parts = p.text.split(separator: ":", maxSplits: 4, omittingEmptySubsequences: false)
                let ok = parts.count == 5 && parts[0] == "acs" && !parts[1].isEmpty && !parts[4].isEmpty
                if !ok {
                    findings.append(
                        finding(doc, p.span, "`\(p.text)` is not an ARN of the form `acs:<ram-code>:<region>:<account-id>:<relative-id>`"))
                }
            }
        }
    }
}
