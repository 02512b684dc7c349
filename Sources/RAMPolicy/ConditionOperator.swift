/// The condition operators RAM documents (SEMANTICS §3.1). Names are case-sensitive.
public enum ConditionOperator: String, Sendable, CaseIterable {
    case stringEquals = "StringEquals"
    case stringNotEquals = "StringNotEquals"
    case stringEqualsIgnoreCase = "StringEqualsIgnoreCase"
    case stringNotEqualsIgnoreCase = "StringNotEqualsIgnoreCase"
    case stringLike = "StringLike"
    case stringNotLike = "StringNotLike"
    case numericEquals = "NumericEquals"
    case numericNotEquals = "NumericNotEquals"
    case numericLessThan = "NumericLessThan"
    case numericLessThanEquals = "NumericLessThanEquals"
    case numericGreaterThan = "NumericGreaterThan"
    case numericGreaterThanEquals = "NumericGreaterThanEquals"
    case dateEquals = "DateEquals"
    case dateNotEquals = "DateNotEquals"
    case dateLessThan = "DateLessThan"
    case dateLessThanEquals = "DateLessThanEquals"
    case dateGreaterThan = "DateGreaterThan"
    case dateGreaterThanEquals = "DateGreaterThanEquals"
    case bool = "Bool"
    case ipAddress = "IpAddress"
    case notIpAddress = "NotIpAddress"

    /// The type an operator reads its values as.
    public enum ValueType: String, Sendable {
        case string, numeric, date, bool, ip

        /// For messages: `a number`, `a date` …
        public var article: String {
            switch self {
            case .string: return "a string"
            case .numeric: return "a number"
            case .date: return "a date"
            case .bool: return "a boolean (`true` or `false`)"
            case .ip: return "an IP address or CIDR block"
            }
        }
    }

    /// How a request value is compared with a listed value.
    public enum Comparison: Sendable {
        case equal, less, lessOrEqual, greater, greaterOrEqual, like
    }

    public var valueType: ValueType {
        switch self {
        case .stringEquals, .stringNotEquals, .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase, .stringLike, .stringNotLike:
            return .string
        case .numericEquals, .numericNotEquals, .numericLessThan, .numericLessThanEquals, .numericGreaterThan,
            .numericGreaterThanEquals:
            return .numeric
        case .dateEquals, .dateNotEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan, .dateGreaterThanEquals:
            return .date
        case .bool: return .bool
        case .ipAddress, .notIpAddress: return .ip
        }
    }

    /// Negated operators hold when the request value matches none of the listed values.
    public var isNegated: Bool {
        switch self {
        case .stringNotEquals, .stringNotEqualsIgnoreCase, .stringNotLike, .numericNotEquals, .dateNotEquals, .notIpAddress:
            return true
        default:
            return false
        }
    }

    public var ignoresCase: Bool { self == .stringEqualsIgnoreCase || self == .stringNotEqualsIgnoreCase }

    public var comparison: Comparison {
        switch self {
        case .stringLike, .stringNotLike: return .like
        case .numericLessThan, .dateLessThan: return .less
        case .numericLessThanEquals, .dateLessThanEquals: return .lessOrEqual
        case .numericGreaterThan, .dateGreaterThan: return .greater
        case .numericGreaterThanEquals, .dateGreaterThanEquals: return .greaterOrEqual
        default: return .equal
        }
    }

    /// A short phrase for explanations: `equal to`, `less than` …
    public var phrase: String {
        switch self {
        case .stringEquals, .numericEquals, .dateEquals, .bool: return "equal to"
        case .stringNotEquals, .numericNotEquals, .dateNotEquals: return "not equal to"
        case .stringEqualsIgnoreCase: return "equal (ignoring case) to"
        case .stringNotEqualsIgnoreCase: return "not equal (ignoring case) to"
        case .stringLike: return "like"
        case .stringNotLike: return "not like"
        case .numericLessThan, .dateLessThan: return "less than"
        case .numericLessThanEquals, .dateLessThanEquals: return "at most"
        case .numericGreaterThan, .dateGreaterThan: return "greater than"
        case .numericGreaterThanEquals, .dateGreaterThanEquals: return "at least"
        case .ipAddress: return "in"
        case .notIpAddress: return "not in"
        }
    }

    /// The operator whose match this one negates (itself for positive operators).
    public var positive: ConditionOperator {
        switch self {
        case .stringNotEquals: return .stringEquals
        case .stringNotEqualsIgnoreCase: return .stringEqualsIgnoreCase
        case .stringNotLike: return .stringLike
        case .numericNotEquals: return .numericEquals
        case .dateNotEquals: return .dateEquals
        case .notIpAddress: return .ipAddress
        default: return self
        }
    }
}

/// The values a condition lists, parsed once for their operator's type.
public enum ConditionValues: Sendable {
    case strings([String])
    case folded([String])
    case globs([Glob])
    case numbers([DecimalNumber])
    case dates([DateInstant])
    case bools([Bool])
    case networks([IPNetwork])
}
