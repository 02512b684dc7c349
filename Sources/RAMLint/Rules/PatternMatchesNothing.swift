import RAMCatalog
import RAMPolicy
import StrictJSON

/// A wildcard action pattern of a service the catalog covers that matches none of its
/// actions.
public struct PatternMatchesNothing: LintRule {
    public init() {}
    public static let summary = "action pattern that matches no known action"
    public static let help = "check the pattern; it grants or denies nothing the catalog knows of"
    public static let severity = Severity.warning

    public func check(_ doc: LintDocument, _ context: LintContext, into findings: inout [Diagnostic]) {
        let catalog = context.catalog
        for s in doc.policy.statements {
            for p in s.actions.patterns where Patterns.hasWildcard(p.text) {
                guard let code = Patterns.service(p.text), catalog.service(code) != nil, catalog.matching(p.text).isEmpty else { continue }
                findings.append(finding(doc, p.span, "`\(p.text)` matches no action in the catalog (\(Catalog.version))"))
            }
        }
    }
}
