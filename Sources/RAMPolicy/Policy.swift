import StrictJSON

/// What a document is used as. It decides which elements are allowed and which
/// size limit applies.
public enum PolicyKind: String, Sendable {
    /// An identity policy attached to a user, group or role (System or Custom).
    case identity
    /// A session policy passed when a role session is created.
    case session
    /// A Resource Directory control policy.
    case control
    /// A role's trust policy (`Principal`, no `Resource`).
    case trust
}

public enum Effect: String, Sendable {
    case allow = "Allow"
    case deny = "Deny"
}

/// One action or resource pattern as written.
public struct PolicyPattern: Sendable {
    public let text: String
    public let span: Span
    /// Compiled for matching; for actions over the lower-cased text.
    public let glob: Glob
}

/// `Action` / `NotAction` or `Resource` / `NotResource`.
public struct PatternList: Sendable {
    /// True for `NotAction` / `NotResource`.
    public let negated: Bool
    public let patterns: [PolicyPattern]
    /// The key's span (`"Action"`).
    public let keySpan: Span
    /// Written as a single string rather than an array.
    public let singleString: Bool

    /// Whether the list matches the text (already folded where the list is case-insensitive).
    @inline(__always) public func matches(_ t: UnsafeBufferPointer<UInt8>) -> Bool {
        var any = false
        for k in patterns.indices where patterns[k].glob.matches(t) {
            any = true
            break
        }
        return any != negated
    }
}

/// One `Operator: { Key: values }` entry of a `Condition` block.
public final class ConditionEntry: Sendable {
    public let op: ConditionOperator
    public let opSpan: Span
    /// The key as written, and lower-cased for look-up (keys are case-insensitive).
    public let key: String
    public let keyLower: String
    public let keySpan: Span
    /// The values as written (a JSON number or boolean is read as its source text).
    public let texts: [String]
    public let valueSpans: [Span]
    public let values: ConditionValues
    /// The values were one string, not an array.
    public let singleString: Bool
    /// A single CIDR string for an IP operator (assumption `single-cidr-string`).
    public let singleCIDR: Bool

    init(
        op: ConditionOperator, opSpan: Span, key: String, keySpan: Span, texts: [String], valueSpans: [Span], values: ConditionValues,
        singleString: Bool, singleCIDR: Bool
    ) {
        self.op = op
        self.opSpan = opSpan
        self.key = key
        self.keyLower = key.lowercased()
        self.keySpan = keySpan
        self.texts = texts
        self.valueSpans = valueSpans
        self.values = values
        self.singleString = singleString
        self.singleCIDR = singleCIDR
    }
}

/// `Principal` of a trust-policy statement.
public struct TrustPrincipal: Sendable {
    public let ram: [String]
    public let service: [String]
    public let federated: [String]
    public let span: Span
}

/// One statement, with everything the evaluator needs compiled. A class, so that
/// the evaluator's indexes share statements instead of copying them.
public final class Statement: Sendable {
    /// 0-based index in the document's `Statement` array.
    public let index: Int
    public let effect: Effect
    public let actions: PatternList
    /// `nil` in trust policies.
    public let resources: PatternList?
    public let principal: TrustPrincipal?
    public let conditions: [ConditionEntry]
    public let sid: String?
    /// The statement object's span (its opening brace is what locations point at).
    public let span: Span
    /// Where the opening brace is, resolved once when the document is parsed.
    public let location: SourceLocation
    /// Why the statement cannot be evaluated (an unknown operator under `--lenient`);
    /// such a statement is skipped and makes the decisions it could affect inconclusive.
    public let unevaluable: String?
    /// The unknown operator was a set operator or `…IfExists` (assumption `no-set-operators`).
    public let unevaluableBySetOperator: Bool

    init(
        index: Int, effect: Effect, actions: PatternList, resources: PatternList?, principal: TrustPrincipal?, conditions: [ConditionEntry],
        sid: String?, span: Span, location: SourceLocation, unevaluable: String? = nil, unevaluableBySetOperator: Bool = false
    ) {
        self.location = location
        self.unevaluable = unevaluable
        self.unevaluableBySetOperator = unevaluableBySetOperator
        self.index = index
        self.effect = effect
        self.actions = actions
        self.resources = resources
        self.principal = principal
        self.conditions = conditions
        self.sid = sid
        self.span = span
    }
}

/// A parsed policy document: its name, kind, source and statements.
public final class Policy: Sendable {
    public let name: String
    public let kind: PolicyKind
    /// `System`, `Custom`, `Control`, or nil for files given directly.
    public let type: String?
    public let source: SourceFile
    public let statements: [Statement]
    /// The span of the whole document in `source`.
    public let span: Span
    /// `Statement` was a single object (SEMANTICS §1.2).
    public let singleStatementObject: Bool
    /// Warnings found while parsing (the document still loaded).
    public let warnings: [Diagnostic]

    init(
        name: String, kind: PolicyKind, type: String?, source: SourceFile, statements: [Statement], span: Span,
        singleStatementObject: Bool, warnings: [Diagnostic]
    ) {
        self.name = name
        self.kind = kind
        self.type = type
        self.source = source
        self.statements = statements
        self.span = span
        self.singleStatementObject = singleStatementObject
        self.warnings = warnings
    }

}
