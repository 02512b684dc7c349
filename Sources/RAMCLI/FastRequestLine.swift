import RAMPolicy

/// The common shape of an `eval` request line, recognised in one pass over its
/// bytes without building a JSON tree:
/// `{"id": "r1" | 12, "principal": "…", "action": "…", "resource": "…", "resourceGroup": "…",
///   "context": {"key": "value" | ["value", …]}}` — printable ASCII strings without escapes,
/// each key at most once, spaces and tabs between tokens.
///
/// Anything else (escapes, non-ASCII, `sessionPolicy`, an unknown key, a value of another type,
/// any syntax error, a line the general path would reject) is not recognised, and the line takes
/// the general path, which parses it strictly and reports every error with its position. So
/// the fast path changes speed only, never an answer: `eval --no-fast-path` gives the same
/// output, and a test checks that it does.
struct FastRequestLine {
    /// The `id` token as written (quotes included), echoed back byte for byte.
    var id: Range<Int>?
    var principal: Range<Int>?
    var action: Range<Int>?
    var resource: Range<Int>?
    var resourceGroup: Range<Int>?
    /// Context members in order: key, then the value ranges.
    var context: [(key: Range<Int>, values: [Range<Int>])] = []
    var sawContext = false

    /// Scans `b[lo..<hi]`; nil when the line is not of the common shape.
    static func scan(_ b: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> FastRequestLine? {
        var s = Scanner(b: b, i: lo, hi: hi)
        var line = FastRequestLine()
        s.skipSpace()
        guard s.eat(UInt8(ascii: "{")) else { return nil }
        s.skipSpace()
        while true {
            guard let key = s.string() else { return nil }
            s.skipSpace()
            guard s.eat(UInt8(ascii: ":")) else { return nil }
            s.skipSpace()
            switch s.keyKind(key) {
            case .id:
                guard line.id == nil, let tok = s.stringToken() ?? s.number() else { return nil }
                line.id = tok
            case .principal:
                guard line.principal == nil, let v = s.string() else { return nil }
                line.principal = v
            case .action:
                guard line.action == nil, let v = s.string() else { return nil }
                line.action = v
            case .resource:
                guard line.resource == nil, let v = s.string() else { return nil }
                line.resource = v
            case .resourceGroup:
                guard line.resourceGroup == nil, let v = s.string() else { return nil }
                line.resourceGroup = v
            case .context:
                guard !line.sawContext, let members = s.contextObject() else { return nil }
                line.sawContext = true
                line.context = members
            case .other:
                return nil
            }
            s.skipSpace()
            if s.eat(UInt8(ascii: ",")) {
                s.skipSpace()
                continue
            }
            guard s.eat(UInt8(ascii: "}")) else { return nil }
            break
        }
        s.skipSpace()
        return s.i == hi ? line : nil
    }

    struct Scanner {
        let b: UnsafeBufferPointer<UInt8>
        var i: Int
        let hi: Int

        mutating func skipSpace() {
            while i < hi && (b[i] == 0x20 || b[i] == 0x09) { i += 1 }
        }

        mutating func eat(_ c: UInt8) -> Bool {
            guard i < hi && b[i] == c else { return false }
            i += 1
            return true
        }

        enum Key { case id, principal, action, resource, resourceGroup, context, other }

        /// Which request key the bytes spell (compared as bytes: no string is made).
        func keyKind(_ r: Range<Int>) -> Key {
            let k = UnsafeBufferPointer(rebasing: b[r])
            func equals(_ s: StaticString) -> Bool {
                guard k.count == s.utf8CodeUnitCount else { return false }
                let p = s.utf8Start
                for n in 0..<k.count where k[n] != p[n] { return false }
                return true
            }
            switch k.count {
            case 2: return equals("id") ? .id : .other
            case 6: return equals("action") ? .action : .other
            case 7: return equals("context") ? .context : .other
            case 8: return equals("resource") ? .resource : .other
            case 9: return equals("principal") ? .principal : .other
            case 13: return equals("resourceGroup") ? .resourceGroup : .other
            default: return .other
            }
        }

        /// A string of printable ASCII without escapes; returns the content's range.
        mutating func string() -> Range<Int>? {
            guard let t = stringToken() else { return nil }
            return (t.lowerBound + 1)..<(t.upperBound - 1)
        }

        /// The same, returning the token's range (quotes included).
        mutating func stringToken() -> Range<Int>? {
            let start = i
            guard eat(UInt8(ascii: "\"")) else { return nil }
            while i < hi {
                let c = b[i]
                if c == UInt8(ascii: "\"") {
                    i += 1
                    return start..<i
                }
                // Escapes, control characters, DEL and non-ASCII take the general path.
                if c == UInt8(ascii: "\\") || c < 0x20 || c >= 0x7F {
                    i = start
                    return nil
                }
                i += 1
            }
            i = start
            return nil
        }

        /// An RFC 8259 number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
        mutating func number() -> Range<Int>? {
            let start = i
            func digit(_ k: Int) -> Bool { k < hi && b[k] >= 0x30 && b[k] <= 0x39 }
            _ = eat(UInt8(ascii: "-"))
            guard digit(i) else { return nil }
            if b[i] == 0x30 {
                i += 1
                if digit(i) { return nil }
            } else {
                while digit(i) { i += 1 }
            }
            if eat(UInt8(ascii: ".")) {
                guard digit(i) else { return nil }
                while digit(i) { i += 1 }
            }
            if i < hi && (b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E")) {
                i += 1
                if i < hi && (b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-")) { i += 1 }
                guard digit(i) else { return nil }
                while digit(i) { i += 1 }
            }
            return start..<i
        }

        /// `{"key": "v" | ["v", …], …}` with distinct keys.
        mutating func contextObject() -> [(key: Range<Int>, values: [Range<Int>])]? {
            guard eat(UInt8(ascii: "{")) else { return nil }
            var out: [(key: Range<Int>, values: [Range<Int>])] = []
            skipSpace()
            if eat(UInt8(ascii: "}")) { return out }
            while true {
                guard let key = string() else { return nil }
                for m in out where b[m.key].elementsEqual(b[key]) { return nil }  // a duplicate key: the general path reports it
                skipSpace()
                guard eat(UInt8(ascii: ":")) else { return nil }
                skipSpace()
                var values: [Range<Int>] = []
                if eat(UInt8(ascii: "[")) {
                    skipSpace()
                    if !eat(UInt8(ascii: "]")) {
                        while true {
                            guard let v = string() else { return nil }
                            values.append(v)
                            skipSpace()
                            if eat(UInt8(ascii: ",")) {
                                skipSpace()
                                continue
                            }
                            guard eat(UInt8(ascii: "]")) else { return nil }
                            break
                        }
                    }
                } else {
                    guard let v = string() else { return nil }
                    values.append(v)
                }
                out.append((key, values))
                skipSpace()
                if eat(UInt8(ascii: ",")) {
                    skipSpace()
                    continue
                }
                guard eat(UInt8(ascii: "}")) else { return nil }
                return out
            }
        }
    }
}
