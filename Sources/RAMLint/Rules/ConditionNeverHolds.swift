import RAMPolicy
import StrictJSON

/// A condition on `acs:CurrentTime` that can no longer hold (`DateLessThan` a date in
/// the past): the statement is dead.
public struct ConditionNeverHolds: LintRule {
    public init() {}
    public static let summary = "condition that can never hold again"
    public static let help = "remove the statement, or move the date"
    public static let severity = Severity.warning

    public func check(_ doc: LintDocument, _ context: LintContext, into findings: inout [Diagnostic]) {
        guard let now = DateInstant(context.now) else { return }
        for s in doc.policy.statements {
            for c in s.conditions where c.keyLower == "acs:currenttime" {
                guard c.op == .dateLessThan || c.op == .dateLessThanEquals || c.op == .dateEquals else { continue }
                // Every listed date is in the past: no current time can satisfy the key.
                let dates = c.texts.compactMap { DateInstant($0) }
                guard !dates.isEmpty, dates.count == c.texts.count, dates.allSatisfy({ $0 < now }) else { continue }
                findings.append(
                    finding(
                        doc, c.keySpan,
                        "`\(c.op.rawValue)` on `acs:CurrentTime` with \(c.texts.map { "`\($0)`" }.joined(separator: ", ")), all in the past: statement \(s.index) can never apply"
                    ))
            }
        }
    }
}
