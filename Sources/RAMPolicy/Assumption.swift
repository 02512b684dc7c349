/// The rules of SEMANTICS §5 that Alibaba Cloud does not document and the
/// project chose. A decision lists each one its answer depended on.
public enum Assumption: String, Sendable, CaseIterable, Comparable {
    case singleStatementObject = "single-statement-object"
    case sidAccepted = "sid-accepted"
    case resourceCaseSensitive = "resource-case-sensitive"
    case allResourcesLiteralStar = "all-resources-literal-star"
    case noSetOperators = "no-set-operators"
    case conditionKeysCaseInsensitive = "condition-keys-case-insensitive"
    case missingKeyNegatedHolds = "missing-key-negated-holds"
    case multiValuedAny = "multi-valued-any"
    case singleCidrString = "single-cidr-string"
    case trustRootUsersOnly = "trust-root-users-only"

    /// The rule in one line, for `can`'s explanation.
    public var rule: String {
        switch self {
        case .singleStatementObject: return "a lone statement object is accepted for `Statement` (SEMANTICS §1.2)"
        case .sidAccepted: return "`Sid` is accepted in statements (§1.3)"
        case .resourceCaseSensitive: return "resource patterns match case-sensitively (§2.2)"
        case .allResourcesLiteralStar: return "an All Resources action is requested on `*` only, so only a Resource matching `*` grants it (§2.3)"
        case .noSetOperators: return "`ForAnyValue:`, `ForAllValues:` and `…IfExists` are rejected (§3.1)"
        case .conditionKeysCaseInsensitive: return "condition keys match case-insensitively (§3.3)"
        case .missingKeyNegatedHolds: return "a negated operator holds when its key is missing from the request (§3.4)"
        case .multiValuedAny: return "a multi-valued key holds when any request value matches (negated: none matches) (§3.5)"
        case .singleCidrString: return "a single CIDR string is accepted for an IP key (§3.6)"
        case .trustRootUsersOnly: return "`acs:ram::<account>:root` in a trust policy matches the account's users, not its roles (§4.5)"
        }
    }

    /// The position in SEMANTICS §5 (stable: new ones are added at the end).
    var ordinal: Int {
        switch self {
        case .singleStatementObject: return 0
        case .sidAccepted: return 1
        case .resourceCaseSensitive: return 2
        case .allResourcesLiteralStar: return 3
        case .noSetOperators: return 4
        case .conditionKeysCaseInsensitive: return 5
        case .missingKeyNegatedHolds: return 6
        case .multiValuedAny: return 7
        case .singleCidrString: return 8
        case .trustRootUsersOnly: return 9
        }
    }

    var bit: UInt16 { UInt16(1) << UInt16(ordinal) }

    public static func < (a: Assumption, b: Assumption) -> Bool { a.ordinal < b.ordinal }
}

/// A set of assumptions as a bit set (no allocation on the hot path).
public struct AssumptionSet: Sendable, Equatable {
    public var bits: UInt16 = 0

    public init() {}

    @inline(__always) public mutating func insert(_ a: Assumption) { bits |= a.bit }
    @inline(__always) public mutating func formUnion(_ o: AssumptionSet) { bits |= o.bits }
    public func contains(_ a: Assumption) -> Bool { bits & a.bit != 0 }

    /// In the order of SEMANTICS §5.
    public var sorted: [Assumption] { bits == 0 ? [] : Assumption.allCases.filter { contains($0) } }
}
