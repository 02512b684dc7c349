import RAMPolicy
import StrictJSON

/// The same entry twice in one list (`Action`, `Resource`, a condition's values).
/// Harmless, but it hides what the author meant, and it costs characters.
public struct DuplicateEntry: LintRule {
    public init() {}
    public static let summary = "duplicate entry in a list"
    public static let help = "remove the repeated entry"
    public static let severity = Severity.suggestion

    public func check(_ doc: LintDocument, _ context: LintContext, into findings: inout [Diagnostic]) {
        for s in doc.policy.statements {
            report(doc, s.actions.patterns.map { ($0.text.lowercased(), $0.text, $0.span) }, &findings)
            report(doc, (s.resources?.patterns ?? []).map { ($0.text, $0.text, $0.span) }, &findings)
            for c in s.conditions {
                report(doc, zip(c.texts, c.valueSpans).map { ($0, $0, $1) }, &findings)
            }
        }
    }

    func report(_ doc: LintDocument, _ items: [(key: String, text: String, span: Span)], _ findings: inout [Diagnostic]) {
        var seen: Set<String> = []
        for item in items where !seen.insert(item.key).inserted {
            findings.append(finding(doc, item.span, "`\(item.text)` is listed twice"))
        }
    }
}
