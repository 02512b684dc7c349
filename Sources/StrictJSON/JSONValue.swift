/// A JSON value as written, with the byte span it occupies in its source.
///
/// Numbers keep their source text (`3.50` stays `3.50`): RAM reads condition values
/// as text, and exact decimal comparison needs the digits, not a `Double`.
public struct JSONValue: Sendable {
    public enum Kind: Sendable {
        case null
        case bool(Bool)
        case number(String)
        case string(String)
        case array([JSONValue])
        case object(JSONObject)
    }

    public var kind: Kind
    public var span: Span

    public init(_ kind: Kind, span: Span) {
        self.kind = kind
        self.span = span
    }

    /// The name of the value's type, for messages (`a string`, `an object` …).
    public var typeDescription: String {
        switch kind {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    public var stringValue: String? {
        if case .string(let s) = kind { return s }
        return nil
    }

    public var objectValue: JSONObject? {
        if case .object(let o) = kind { return o }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = kind { return a }
        return nil
    }
}

/// A JSON object's members in source order. Keys are unique (the parser rejects
/// duplicates).
public struct JSONObject: Sendable {
    public struct Member: Sendable {
        public var key: String
        public var keySpan: Span
        public var value: JSONValue

        public init(key: String, keySpan: Span, value: JSONValue) {
            self.key = key
            self.keySpan = keySpan
            self.value = value
        }
    }

    public var members: [Member]

    public init(members: [Member]) { self.members = members }

    public subscript(key: String) -> JSONValue? {
        for m in members where m.key == key { return m.value }
        return nil
    }

    public func member(_ key: String) -> Member? {
        for m in members where m.key == key { return m }
        return nil
    }
}
