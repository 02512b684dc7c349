import RAMPolicy
import StrictJSON

/// `Allow` with `NotAction`: it grants every action, present and future, except those listed.
public struct AllowNotAction: LintRule {
    public init() {}
    public static let summary = "Allow with NotAction"
    public static let help = "list the actions to allow instead; NotAction also grants every action a service adds later"
    public static let severity = Severity.securityWarning

    public func check(_ doc: LintDocument, _ context: LintContext, into findings: inout [Diagnostic]) {
        guard doc.kind == .identity else { return }
        for s in doc.policy.statements where s.effect == .allow && s.actions.negated {
            findings.append(
                finding(
                    doc, s.actions.keySpan,
                    "statement \(s.index) allows every action except \(s.actions.patterns.map { "`\($0.text)`" }.joined(separator: ", "))"))
        }
    }
}
