import StrictJSON

/// The answer: allowed, or denied explicitly or implicitly.
public enum DecisionKind: String, Sendable {
    case allow
    case explicitDeny
    case implicitDeny

    public var isAllowed: Bool { self == .allow }
}

/// The layer that produced a denial, named exactly as Alibaba Cloud names it in
/// `AccessDeniedDetail.PolicyType` (and `DecodeDiagnosticMessage`).
public enum PolicyType: String, Sendable, CaseIterable {
    case controlPolicy = "ControlPolicy"
    case sessionPolicy = "SessionPolicy"
    case accountLevelIdentityBasedPolicy = "AccountLevelIdentityBasedPolicy"
    case resourceGroupLevelIdentityBasedPolicy = "ResourceGroupLevelIdentityBasedPolicy"
    case assumeRolePolicy = "AssumeRolePolicy"

    /// For text output: `control policy`, `session policy` …
    public var phrase: String {
        switch self {
        case .controlPolicy: return "control policy"
        case .sessionPolicy: return "session policy"
        case .accountLevelIdentityBasedPolicy: return "account-level identity policy"
        case .resourceGroupLevelIdentityBasedPolicy: return "resource-group-level identity policy"
        case .assumeRolePolicy: return "role trust policy"
        }
    }
}

/// Why a condition key did not hold.
public struct ConditionFailure: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// The request has no value for the key.
        case missing
        /// The request value does not match.
        case mismatch
        /// The request value is not of the operator's type.
        case malformed
    }

    public var kind: Kind
    public var key: String
    public var op: ConditionOperator
    public var expected: [String]
    /// The request's values (empty when missing).
    public var actual: [String]
}

/// Why a statement that named the action did not apply.
public enum IneffectiveReason: Sendable, Equatable {
    /// The resource patterns cannot match the request resource. `allResourcesOnly`:
    /// the action has no resource-level permission, so the resource is `*`.
    case resource(patterns: [String], resource: String, negated: Bool, allResourcesOnly: Bool)
    case condition(ConditionFailure)
    /// A trust-policy statement whose `Principal` does not name the caller.
    case principal(caller: [String])
    /// A statement that cannot be evaluated (an unknown operator under `--lenient`).
    case skipped(String)

    /// One line for `reason` in JSON and text output.
    public var text: String {
        // Built into one string (this runs for every near miss `eval` prints).
        var s = ""
        s.reserveCapacity(160)
        switch self {
        case .resource(let patterns, let resource, let negated, let allOnly):
            if allOnly && negated {
                s += "NotResource "
                Self.list(&s, patterns, ", ")
                s += " excludes `*`: the action supports All Resources only"
            } else if allOnly {
                s += "Resource cannot match `*`: the action supports All Resources only (Resource is "
                Self.list(&s, patterns, ", ")
                s += ")"
            } else {
                s += negated ? "NotResource " : "Resource "
                Self.list(&s, patterns, ", ")
                s += negated ? " excludes the resource `" : " does not match the resource `"
                s += resource
                s += "`"
            }
        case .condition(let f):
            s += "condition `"
            s += f.op.rawValue
            s += "` on `"
            s += f.key
            switch f.kind {
            case .missing:
                s += "` (expects "
                s += f.op.phrase
                s += " "
                Self.list(&s, f.expected, ", ")
                s += "): the request has no value for `"
                s += f.key
                s += "`"
            case .malformed:
                s += "`: the request value "
                Self.list(&s, f.actual, ", ")
                s += " is not "
                s += f.op.valueType.article
            case .mismatch:
                s += "` failed: expected "
                s += f.op.phrase
                s += " "
                Self.list(&s, f.expected, ", ")
                s += ", got "
                Self.list(&s, f.actual, ", ")
            }
        case .principal(let caller):
            if caller.isEmpty {
                s += "`Principal` does not name the caller"
            } else {
                s += "`Principal` names none of "
                Self.list(&s, caller, " or ")
            }
        case .skipped(let why):
            s += "skipped (--lenient): "
            s += why
            s += "; the decision is inconclusive"
        }
        return s
    }

    /// Appends `` `a`, `b` `` to `s`.
    static func list(_ s: inout String, _ items: [String], _ separator: String) {
        for (n, x) in items.enumerated() {
            if n > 0 { s += separator }
            s += "`"
            s += x
            s += "`"
        }
    }
}

/// One statement's part in a decision. Positions and quoted lines are computed
/// when asked for, so a decision that is never printed costs no line look-ups.
public struct StatementResult: Sendable {
    public enum Role: String, Sendable {
        case allowed, denied, ineffective
    }

    /// The document the statement belongs to.
    public let document: Policy
    public let statementRef: Statement
    /// The layer the statement was evaluated in.
    public var layer: PolicyType
    public var role: Role
    public var reason: IneffectiveReason?
    /// The action the statement was evaluated for (differs from the request's for a dependent action).
    public var action: String
    /// The element the explanation is about (the failing `Resource`, condition key,
    /// `Principal`, or the matching `Action`).
    let focusSpan: Span

    init(document: Policy, statement: Statement, layer: PolicyType, role: Role, reason: IneffectiveReason?, action: String, focusSpan: Span) {
        self.document = document
        self.statementRef = statement
        self.layer = layer
        self.role = role
        self.reason = reason
        self.action = action
        self.focusSpan = focusSpan
    }

    public var policy: String { document.name }
    public var statement: Int { statementRef.index }
    public var effect: Effect { statementRef.effect }
    public var sid: String? { statementRef.sid }
    /// `file:line:col` of the statement's opening brace.
    public var location: SourceLocation { statementRef.location }
    public var sourceLine: String { document.source.lineText(location.line) }
    public var focus: SourceLocation { document.source.location(ofOffset: focusSpan.start) }
    public var focusLine: String { document.source.lineText(focus.line) }
}

/// The full answer to a ``Request``.
public struct Decision: Sendable {
    public var kind: DecisionKind
    /// `nil` when allowed.
    public var policyType: PolicyType?
    /// The action that was denied (the request's, or one of its dependent actions).
    public var deniedAction: String?
    /// The resource the request was evaluated on (`*` for All Resources actions).
    public var resource: String
    public var statements: [StatementResult]
    public var missingContextKeys: [String]
    public var assumptions: [Assumption]
    /// Remarks for the reader (a `--resource` ignored, root allowed everything …).
    public var notes: [String]
    /// A statement that named the action could not be evaluated (`--lenient`): the
    /// answer might differ once it can be.
    public var inconclusive: Bool = false
}
