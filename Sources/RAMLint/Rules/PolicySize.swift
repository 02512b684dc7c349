import RAMPolicy
import StrictJSON

/// A custom policy over 6,144 characters, or a session policy over 2,048 (counted as
/// Unicode scalars of the document as written; system policies are exempt). RAM rejects
/// them when they are saved or passed (SEMANTICS §1.5). Reported at the document's start
/// (line 1, column 1 for a file).
public struct PolicySize: LintRule {
    public init() {}
    public static let summary = "policy document over RAM's size limit"
    public static let help = "split the document into several policies, or remove what it repeats"
    public static let severity = Severity.error

    public func check(_ doc: LintDocument, _ context: LintContext, into findings: inout [Diagnostic]) {
        guard doc.type != "System" else { return }
        let limit = doc.kind == .session ? 2048 : 6144
        // The document's own text: a whole file, or its part of a snapshot.
        let size = doc.policy.source.scalarCount(in: doc.policy.span)
        guard size > limit, doc.kind != .trust else { return }
        let what = doc.kind == .session ? "a session policy" : "a custom policy"
        findings.append(
            finding(
                doc, Span(start: doc.policy.span.start, end: doc.policy.span.start),
                "the document has \(size) characters; \(what) may have at most \(limit)"))
    }
}
