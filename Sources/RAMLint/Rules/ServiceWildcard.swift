import RAMPolicy
import StrictJSON

/// `Allow` of `<service>:*` on `*` with no condition: every action of a service,
/// including those added later. (System policies do this on purpose: not reported.)
public struct ServiceWildcard: LintRule {
    public init() {}
    public static let summary = "Allow of a whole service on `*` without a condition"
    public static let help = "list the actions needed, or add a condition (source IP, MFA, tags)"
    public static let severity = Severity.securityWarning

    public func check(_ doc: LintDocument, _ context: LintContext, into findings: inout [Diagnostic]) {
        guard doc.kind == .identity, doc.type != "System" else { return }
        for s in doc.policy.statements where s.effect == .allow && !s.actions.negated && s.conditions.isEmpty && Patterns.onAllResources(s) {
            for p in s.actions.patterns where p.text.hasSuffix(":*") && Patterns.service(p.text) != nil {
                findings.append(
                    finding(doc, p.span, "`\(p.text)` on `*` allows every action of `\(Patterns.service(p.text) ?? "")`, with no condition"))
            }
        }
    }
}
