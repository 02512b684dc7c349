import RAMCatalog
import RAMPolicy
import StrictJSON

/// One check. The type name is the rule id that findings carry, so a rule is found
/// by its id and a baseline or a config names it the same way.
public protocol LintRule: Sendable {
    init()
    /// What the rule finds, in one line (SARIF `shortDescription`).
    static var summary: String { get }
    /// Why it matters and what to do (SARIF `help`).
    static var help: String { get }
    static var severity: Severity { get }
    /// Adds the findings for one document.
    func check(_ doc: LintDocument, _ context: LintContext, into findings: inout [Diagnostic])
}

extension LintRule {
    public static var id: String { String(describing: Self.self) }

    /// A finding of this rule at a span of the document.
    func finding(_ doc: LintDocument, _ span: Span, _ message: String, help: String? = nil) -> Diagnostic {
        Diagnostic(Self.severity, code: Self.id, message, at: SourceRange(file: doc.policy.source, span: span), help: help ?? Self.help)
    }
}

/// A document that parsed, with what the rules need to know of it.
public struct LintDocument: Sendable {
    public let policy: Policy
    /// `System`, `Custom`, `Control`, `Trust`, or nil for a file given directly.
    public var type: String? { policy.type }
    public var kind: PolicyKind { policy.kind }

    public init(policy: Policy) { self.policy = policy }
}

/// What is known beyond the document.
public struct LintContext: Sendable {
    public let catalog: Catalog
    /// The snapshot's account, when the document came from one.
    public let accountId: String?
    /// "Now", for conditions on `acs:CurrentTime` that can no longer hold.
    public let now: String

    public init(catalog: Catalog = .shared, accountId: String? = nil, now: String) {
        self.catalog = catalog
        self.accountId = accountId
        self.now = now
    }
}

/// Helpers shared by rules.
enum Patterns {
    /// The RAM code of an action pattern (`ecs` of `ecs:Describe*`), nil for `*` or a
    /// wildcard code.
    static func service(_ pattern: String) -> String? {
        guard let colon = pattern.firstIndex(of: ":") else { return nil }
        let code = pattern[..<colon].lowercased()
        if code.isEmpty || code.contains(where: { $0 == "*" || $0 == "?" }) { return nil }
        return code
    }

    /// The RAM codes a statement's actions name, or nil when one has a wildcard code
    /// (then any service's resources and keys may apply).
    static func services(of s: Statement) -> Set<String>? {
        var out: Set<String> = []
        for p in s.actions.patterns {
            guard let code = service(p.text) else { return nil }
            out.insert(code)
        }
        return out
    }

    static func hasWildcard(_ s: String) -> Bool { s.contains(where: { $0 == "*" || $0 == "?" }) }

    /// Whether some action pattern of the statement covers `action` (for Allow checks).
    static func covers(_ s: Statement, _ action: String) -> Bool {
        let a = Array(action.lowercased().utf8)
        return a.withUnsafeBufferPointer { s.actions.matches($0) }
    }

    /// Whether the statement's resources include `*` itself.
    static func onAllResources(_ s: Statement) -> Bool {
        guard let r = s.resources else { return false }
        return Array("*".utf8).withUnsafeBufferPointer { r.matches($0) }
    }
}
