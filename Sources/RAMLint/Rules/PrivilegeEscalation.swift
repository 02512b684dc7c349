import RAMPolicy
import StrictJSON

/// `Allow` of `ram:*`, `ram:PassRole` or `sts:AssumeRole` on `*`: the principal can grant
/// itself more, pass any role to a service, or become any role that trusts its account.
public struct PrivilegeEscalation: LintRule {
    public init() {}
    public static let summary = "Allow of RAM administration, PassRole or AssumeRole on `*` (privilege escalation)"
    public static let help = "scope the Resource to the roles or users meant, e.g. `acs:ram:*:<account-id>:role/<name>`"
    public static let severity = Severity.securityWarning

    static let actions = ["ram:AttachPolicyToUser", "ram:PassRole", "sts:AssumeRole"]

    public func check(_ doc: LintDocument, _ context: LintContext, into findings: inout [Diagnostic]) {
        guard doc.kind == .identity else { return }
        for s in doc.policy.statements where s.effect == .allow && Patterns.onAllResources(s) {
            // Full administrators are FullAdministrator's finding.
            if s.actions.patterns.contains(where: { $0.text == "*" }) && !s.actions.negated { continue }
            let hit = Self.actions.filter { Patterns.covers(s, $0) }
            guard !hit.isEmpty else { continue }
            let what = hit.map { $0 == "ram:AttachPolicyToUser" ? "RAM administration (`ram:*`)" : "`\($0)`" }.joined(separator: ", ")
            findings.append(finding(doc, s.actions.keySpan, "statement \(s.index) allows \(what) on every resource"))
        }
    }
}
