import RAMPolicy
import StrictJSON

/// `Allow` of `ram:CreateAccessKey` or `ram:UpdateLoginProfile` on `*`: the principal can
/// mint keys or set passwords for every user.
public struct CredentialExposure: LintRule {
    public init() {}
    public static let summary = "Allow of credential actions on every user (credential exposure)"
    public static let help = "scope the Resource to the principal's own user, e.g. `acs:ram:*:*:user/${name}`"
    public static let severity = Severity.securityWarning

    static let actions = ["ram:CreateAccessKey", "ram:UpdateLoginProfile"]

    public func check(_ doc: LintDocument, _ context: LintContext, into findings: inout [Diagnostic]) {
        guard doc.kind == .identity else { return }
        for s in doc.policy.statements where s.effect == .allow && Patterns.onAllResources(s) {
            if s.actions.patterns.contains(where: { $0.text == "*" }) && !s.actions.negated { continue }
            let hit = Self.actions.filter { Patterns.covers(s, $0) }
            guard !hit.isEmpty else { continue }
            findings.append(
                finding(doc, s.actions.keySpan, "statement \(s.index) allows \(hit.map { "`\($0)`" }.joined(separator: ", ")) for every user"))
        }
    }
}
