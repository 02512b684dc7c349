import RAMPolicy
import StrictJSON

/// A statement that another statement of the same document makes redundant: same effect,
/// no conditions on either, and every action and resource of this one is covered by the other.
public struct RedundantStatement: LintRule {
    public init() {}
    public static let summary = "statement made redundant by another"
    public static let help = "remove the statement, or merge it into the one that covers it"
    public static let severity = Severity.suggestion

    public func check(_ doc: LintDocument, _ context: LintContext, into findings: inout [Diagnostic]) {
        let all = doc.policy.statements
        for s in all where s.conditions.isEmpty && !s.actions.negated && s.resources?.negated != true {
            for o in all where o !== s && o.effect == s.effect && o.conditions.isEmpty && !o.actions.negated && o.resources?.negated != true {
                guard covers(o, s) else { continue }
                // Two identical statements: report only the later one.
                if covers(s, o) && o.index > s.index { continue }
                findings.append(finding(doc, s.span, "statement \(s.index) is covered by statement \(o.index)"))
                break
            }
        }
    }

    /// Whether every pattern of `s` is matched by a pattern of `o` (a pattern with
    /// wildcards only by an identical one or by a `*`-only pattern of `o`).
    func covers(_ o: Statement, _ s: Statement) -> Bool {
        func cover(_ outer: [PolicyPattern], _ inner: [PolicyPattern], fold: Bool) -> Bool {
            inner.allSatisfy { p in
                let text = fold ? p.text.lowercased() : p.text
                return outer.contains { q in
                    let qt = fold ? q.text.lowercased() : q.text
                    if qt == text || qt == "*" { return true }
                    return !Patterns.hasWildcard(text) && q.glob.matches(text)
                }
            }
        }
        guard cover(o.actions.patterns, s.actions.patterns, fold: true) else { return false }
        switch (o.resources, s.resources) {
        case (nil, nil): return o.principal?.ram == s.principal?.ram
        case (let a?, let b?): return cover(a.patterns, b.patterns, fold: false)
        default: return false
        }
    }
}
