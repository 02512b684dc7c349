import RAMCatalog
import RAMPolicy
import StrictJSON

/// An action name (no wildcard) of a service the catalog covers, that the catalog
/// does not list: usually a typo. The message names the closest known action.
public struct UnknownAction: LintRule {
    public init() {}
    public static let summary = "unknown action of a known service"
    public static let help = "check the action name; a misspelt action grants nothing"
    public static let severity = Severity.warning

    public func check(_ doc: LintDocument, _ context: LintContext, into findings: inout [Diagnostic]) {
        let catalog = context.catalog
        for s in doc.policy.statements {
            for p in s.actions.patterns where !Patterns.hasWildcard(p.text) {
                guard let code = Patterns.service(p.text), catalog.service(code) != nil, catalog.lookup(p.text) == nil else { continue }
                let name = String(p.text.drop { $0 != ":" }.dropFirst()).lowercased()
                // The closest name within the limit; names whose length differs by more
                // than the limit cannot be within it, and are not compared.
                let limit = max(3, name.count / 4)
                var best: (String, Int)? = nil
                let length = name.utf8.count
                for a in catalog.names(ofService: code) where abs(a.nameLower.utf8.count - length) <= limit {
                    let d = editDistance(a.nameLower, name)
                    if d <= limit && d < (best?.1 ?? Int.max) { best = (a.action, d) }
                }
                var help = Self.help
                if let best { help = "did you mean `\(best.0)`?" }
                findings.append(finding(doc, p.span, "`\(p.text)` is not an action in the catalog (\(Catalog.version))", help: help))
            }
        }
    }
}
