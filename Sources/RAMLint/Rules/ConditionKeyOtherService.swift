import RAMPolicy
import StrictJSON

/// A service condition key (`oss:Prefix`) in a statement none of whose actions belong to
/// that service: the key is never in such a request, so a positive condition never holds.
public struct ConditionKeyOtherService: LintRule {
    public init() {}
    public static let summary = "condition key of a service the statement's actions do not belong to"
    public static let help = "use a key of the actions' service, or a common `acs:` key"
    public static let severity = Severity.warning

    public func check(_ doc: LintDocument, _ context: LintContext, into findings: inout [Diagnostic]) {
        for s in doc.policy.statements where !s.actions.negated {
            guard let services = Patterns.services(of: s) else { continue }
            for c in s.conditions {
                guard let colon = c.key.firstIndex(of: ":") else { continue }
                let code = c.key[..<colon].lowercased()
                // `acs:` keys are common; trust policies use identity-provider keys such as `saml:`.
                if code == "acs" || doc.kind == .trust || services.contains(code) { continue }
                findings.append(
                    finding(
                        doc, c.keySpan,
                        "`\(c.key)` is a key of `\(code)`, but the actions are of \(services.sorted().map { "`\($0)`" }.joined(separator: ", "))"))
            }
        }
    }
}
