import RAMCatalog
import RAMPolicy
import StrictJSON

/// A `Deny` that can never match: `NotResource: "*"`, or only All Resources actions on
/// resources that cannot match `*`. The author believes something is denied that is not.
public struct DenyNeverMatches: LintRule {
    public init() {}
    public static let summary = "Deny that can never match"
    public static let help = "for actions without resource-level permission deny on `\"Resource\": \"*\"`"
    public static let severity = Severity.warning

    public func check(_ doc: LintDocument, _ context: LintContext, into findings: inout [Diagnostic]) {
        for s in doc.policy.statements where s.effect == .deny {
            guard let r = s.resources else { continue }
            if r.negated && r.patterns.contains(where: { $0.text == "*" }) {
                findings.append(finding(doc, r.keySpan, "statement \(s.index) denies nothing: `NotResource` excludes `*`, which is every resource"))
                continue
            }
            // Every named action is an All Resources action and the Resource cannot match `*`.
            guard !s.actions.negated, !Patterns.onAllResources(s) else { continue }
            let all = s.actions.patterns.allSatisfy { p in
                !Patterns.hasWildcard(p.text)
                    ? context.catalog.isAllResources(p.text.lowercased())
                    : (Patterns.service(p.text).flatMap { context.catalog.service($0) }?.operationLevel ?? false)
            }
            if all {
                findings.append(
                    finding(
                        doc, r.keySpan,
                        "statement \(s.index) denies nothing: its actions support All Resources only, and the Resource cannot match `*`"))
            }
        }
    }
}
