import RAMCatalog
import RAMPolicy
import StrictJSON

/// A statement that names an All Resources action (no resource-level permission, such as
/// `emr-serverless-spark:CreateWorkspace`) on resources that cannot match `*`: for that
/// action the statement is ineffective (SEMANTICS §2.3, assumption `all-resources-literal-star`).
public struct AllResourcesIneffective: LintRule {
    public init() {}
    public static let summary = "All Resources action on a resource that cannot match `*`"
    public static let help = "write `\"Resource\": \"*\"` for actions without resource-level permission (assumption `all-resources-literal-star`)"
    public static let severity = Severity.warning

    public func check(_ doc: LintDocument, _ context: LintContext, into findings: inout [Diagnostic]) {
        guard doc.kind != .trust else { return }
        // A Deny that cannot match is DenyNeverMatches' finding: one finding per cause.
        for s in doc.policy.statements where s.effect == .allow && !s.actions.negated && !Patterns.onAllResources(s) {
            for p in s.actions.patterns {
                let lower = p.text.lowercased()
                let affected: [String]
                if Patterns.hasWildcard(p.text) {
                    affected = context.catalog.matching(p.text).map(\.action).filter { context.catalog.isAllResources($0.lowercased()) }
                } else {
                    affected = context.catalog.isAllResources(lower) ? [p.text] : []
                }
                guard !affected.isEmpty, let span = s.resources?.keySpan else { continue }
                let example = affected.first.map { "`\($0)`" } ?? ""
                let more = affected.count > 1 ? " (and \(affected.count - 1) more)" : ""
                findings.append(
                    finding(
                        doc, span,
                        "the statement grants nothing for \(example)\(more): it supports All Resources only, and the Resource cannot match `*`"))
                break
            }
        }
    }
}
