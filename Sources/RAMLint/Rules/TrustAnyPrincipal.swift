import RAMPolicy
import StrictJSON

/// A trust policy that lets anyone assume the role: `"RAM": "*"` or an account-root
/// pattern with a wildcard.
public struct TrustAnyPrincipal: LintRule {
    public init() {}
    public static let summary = "trust policy that trusts any principal"
    public static let help = "name the account (`acs:ram::<account-id>:root`) or the users and roles that may assume the role"
    public static let severity = Severity.securityWarning

    public func check(_ doc: LintDocument, _ context: LintContext, into findings: inout [Diagnostic]) {
        guard doc.kind == .trust else { return }
        for s in doc.policy.statements where s.effect == .allow {
            guard let p = s.principal, p.ram.contains(where: { Patterns.hasWildcard($0) }) else { continue }
            findings.append(
                finding(
                    doc, p.span,
                    "statement \(s.index) trusts `\(p.ram.first { Patterns.hasWildcard($0) } ?? "*")`; RAM matches principals literally, so this is either open to anyone or to no one"
                ))
        }
    }
}
