import RAMCatalog
import RAMPolicy
import StrictJSON

/// An action whose RAM code the catalog does not know. Only a suggestion: the catalog
/// covers few services, and the finding names its version so a stale catalog shows.
public struct UnknownService: LintRule {
    public init() {}
    public static let summary = "action of a service the catalog does not cover"
    public static let help = "check the RAM code against the service's documentation; the catalog cannot check its actions"
    public static let severity = Severity.suggestion

    public func check(_ doc: LintDocument, _ context: LintContext, into findings: inout [Diagnostic]) {
        for s in doc.policy.statements {
            var seen: Set<String> = []
            for p in s.actions.patterns {
                guard let code = Patterns.service(p.text), context.catalog.service(code) == nil, seen.insert(code).inserted else { continue }
                findings.append(
                    finding(doc, p.span, "the catalog (\(Catalog.version)) does not cover the RAM code `\(code)`; `\(p.text)` is not checked"))
            }
        }
    }
}
