import RAMPolicy
import StrictJSON

/// An ARN whose service is none of the services the statement's actions name: the
/// statement cannot apply to it (`ram` ARNs also serve `sts:AssumeRole`).
public struct ARNServiceMismatch: LintRule {
    public init() {}
    public static let summary = "resource ARN of another service than the actions"
    public static let help = "use an ARN of the service the actions belong to"
    public static let severity = Severity.warning

    public func check(_ doc: LintDocument, _ context: LintContext, into findings: inout [Diagnostic]) {
        for s in doc.policy.statements where !s.actions.negated {
            guard var services = Patterns.services(of: s) else { continue }  // a wildcard service: anything goes
            if services.contains("sts") { services.insert("ram") }
            for r in s.resources?.patterns ?? [] {
                let parts = r.text.split(separator: ":", maxSplits: 4, omittingEmptySubsequences: false)
                guard parts.count == 5, parts[0] == "acs", !Patterns.hasWildcard(String(parts[1])) else { continue }
                let code = parts[1].lowercased()
                if !services.contains(code) {
                    let list = services.sorted().map { "`\($0)`" }.joined(separator: ", ")
                    findings.append(finding(doc, r.span, "`\(r.text)` is a resource of `\(code)`, but the actions are of \(list)"))
                }
            }
        }
    }
}
