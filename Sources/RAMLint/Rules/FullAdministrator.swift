import RAMPolicy
import StrictJSON

/// `Allow` of `*` on `*`: full administrator of the account.
public struct FullAdministrator: LintRule {
    public init() {}
    public static let summary = "Allow `*` on `*` (full administrator)"
    public static let help = "grant the actions the principal needs; keep full access to break-glass identities"
    public static let severity = Severity.securityWarning

    public func check(_ doc: LintDocument, _ context: LintContext, into findings: inout [Diagnostic]) {
        guard doc.kind == .identity else { return }
        for s in doc.policy.statements where s.effect == .allow && !s.actions.negated && s.conditions.isEmpty {
            guard s.actions.patterns.contains(where: { $0.text == "*" }), Patterns.onAllResources(s) else { continue }
            findings.append(finding(doc, s.actions.keySpan, "statement \(s.index) allows every action on every resource"))
        }
    }
}
