/// Who makes a request.
public enum Principal: Sendable, Hashable, CustomStringConvertible {
    /// The Alibaba Cloud account itself.
    case root
    case user(String)
    case role(String)
    /// The ad-hoc principal of `--policy`: the given documents are its identity policies.
    case adHoc

    /// Parses `root`, `user/NAME` or `role/NAME`.
    public init?(parsing text: String) {
        if text == "root" { self = .root; return }
        // On bytes: this runs for every request line of `eval`.
        var t = text
        let parsed: Principal? = t.withUTF8 { u in
            guard u.count > 5, u[4] == UInt8(ascii: "/") else { return nil }
            let name = String(decoding: UnsafeBufferPointer(rebasing: u[5...]), as: UTF8.self)
            if u[0] == UInt8(ascii: "u") && u[1] == UInt8(ascii: "s") && u[2] == UInt8(ascii: "e") && u[3] == UInt8(ascii: "r") {
                return .user(name)
            }
            if u[0] == UInt8(ascii: "r") && u[1] == UInt8(ascii: "o") && u[2] == UInt8(ascii: "l") && u[3] == UInt8(ascii: "e") {
                return .role(name)
            }
            return nil
        }
        guard let parsed else { return nil }
        self = parsed
    }

    public var description: String {
        switch self {
        case .root: return "root"
        case .user(let n): return "user/\(n)"
        case .role(let n): return "role/\(n)"
        case .adHoc: return "the principal"
        }
    }

    public var isRole: Bool { if case .role = self { return true } else { return false } }
}

/// The request context: condition keys and their values. Keys are looked up
/// case-insensitively (assumption `condition-keys-case-insensitive`); a key given
/// more than once is multi-valued.
public struct RequestContext: Sendable {
    public struct Entry: Sendable {
        public var key: String
        public var keyLower: String
        public var values: [String]
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    public init(_ pairs: [(String, [String])]) {
        for (k, v) in pairs { add(k, values: v) }
    }

    /// Adds values for a key (appending to a key already given).
    public mutating func add(_ key: String, values: [String]) {
        let lower = key.lowercased()
        if let k = entries.firstIndex(where: { $0.keyLower == lower }) {
            entries[k].values.append(contentsOf: values)
        } else {
            entries.append(Entry(key: key, keyLower: lower, values: values))
        }
    }

    /// Sets a key only if it is not given.
    public mutating func setDefault(_ key: String, value: String) {
        setDefault(key, lower: key.lowercased(), value: value)
    }

    /// As above, with the key already lower-cased (per-request callers precompute it).
    public mutating func setDefault(_ key: String, lower: String, value: String) {
        if lookup(lower) == nil { entries.append(Entry(key: key, keyLower: lower, values: [value])) }
    }

    @inline(__always) public func lookup(_ lower: String) -> Entry? {
        for e in entries where e.keyLower == lower { return e }
        return nil
    }

    public var isEmpty: Bool { entries.isEmpty }
}

/// One question to the evaluator: may `principal` call `action` on `resource`?
public struct Request: Sendable {
    public var principal: Principal
    public var action: String
    /// The resource ARN the caller gave; `nil` means `*`. All Resources actions are
    /// always requested on `*`.
    public var resource: String?
    public var context: RequestContext
    /// A session policy (role sessions only).
    public var sessionPolicy: Policy?
    public var resourceGroup: String?

    public init(
        principal: Principal = .adHoc, action: String, resource: String? = nil, context: RequestContext = RequestContext(),
        sessionPolicy: Policy? = nil, resourceGroup: String? = nil
    ) {
        self.principal = principal
        self.action = action
        self.resource = resource
        self.context = context
        self.sessionPolicy = sessionPolicy
        self.resourceGroup = resourceGroup
    }
}

/// A request that cannot be evaluated (bad action syntax, unknown principal …).
public struct RequestError: Error, Sendable, Equatable {
    public var code: String
    public var message: String
    public var help: String?

    public init(code: String, _ message: String, help: String? = nil) {
        self.code = code
        self.message = message
        self.help = help
    }
}

/// What the evaluator needs to know of actions, supplied by the catalog.
public protocol ActionFacts: Sendable {
    /// Whether the action has no resource-level permission (requested on `*` only).
    /// `actionLower` is lower-cased.
    func isAllResources(_ actionLower: String) -> Bool
    /// The actions that must also be allowed for the API call to be allowed.
    func dependentActions(_ actionLower: String) -> [String]
    /// Both at once (one look-up on the hot path).
    func facts(_ actionLower: String) -> (allResources: Bool, dependents: [String])
}

extension ActionFacts {
    public func facts(_ actionLower: String) -> (allResources: Bool, dependents: [String]) {
        (isAllResources(actionLower), dependentActions(actionLower))
    }
}

/// No catalog: every action is evaluated by pattern on the resource given.
public struct NoActionFacts: ActionFacts {
    public init() {}
    public func isAllResources(_ actionLower: String) -> Bool { false }
    public func dependentActions(_ actionLower: String) -> [String] { [] }
}
