import RAMPolicy
import StrictJSON

/// A trust policy that trusts every RAM user of another account (`acs:ram::<other>:root`).
/// Known only for snapshots, where the role's own account is known.
public struct TrustForeignAccount: LintRule {
    public init() {}
    public static let summary = "trust policy that trusts a whole foreign account"
    public static let help = "name the foreign users or roles meant, or add a condition; the other account decides who its users are"
    public static let severity = Severity.securityWarning

    public func check(_ doc: LintDocument, _ context: LintContext, into findings: inout [Diagnostic]) {
        guard doc.kind == .trust, let own = context.accountId else { return }
        for s in doc.policy.statements where s.effect == .allow && s.conditions.isEmpty {
            guard let p = s.principal else { continue }
            for arn in p.ram where arn.hasPrefix("acs:ram::") && arn.hasSuffix(":root") {
                let account = arn.dropFirst("acs:ram::".count).dropLast(":root".count)
                if account != own {
                    findings.append(finding(doc, p.span, "statement \(s.index) trusts every RAM user of account `\(account)`"))
                }
            }
        }
    }
}
