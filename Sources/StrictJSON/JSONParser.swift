/// Limits the parser enforces, so that no input can exhaust the stack or memory.
/// The limits of what is read: this module enforces depth and size; the policy layer
/// (RAMPolicy) statements per document and policies per snapshot. Each has a flag that
/// raises it (`--max-depth`, `--max-file-size`, `--max-statements`, `--max-policies`).
public struct JSONLimits: Sendable {
    /// Deepest allowed nesting of arrays and objects.
    public var maxDepth: Int
    /// Largest accepted input, in bytes.
    public var maxBytes: Int
    /// Most statements in one policy document (RAM's own limit of 6,144 characters allows far fewer).
    public var maxStatements: Int
    /// Most named policies in one account snapshot.
    public var maxPolicies: Int

    public init(maxDepth: Int = 64, maxBytes: Int = 16 * 1024 * 1024, maxStatements: Int = 10_000, maxPolicies: Int = 100_000) {
        self.maxDepth = maxDepth
        self.maxBytes = maxBytes
        self.maxStatements = maxStatements
        self.maxPolicies = maxPolicies
    }

    public static let `default` = JSONLimits()
}

/// A strict RFC 8259 parser that records where every value was written.
///
/// Rejects what lenient decoders accept: comments, trailing commas, duplicate keys,
/// leading zeros, lone surrogates, invalid UTF-8, control characters in strings,
/// `NaN`, single quotes. The first syntax error stops the parse and is thrown as a
/// ``Diagnostic`` with code `json-…`.
public struct JSONParser {
    private let file: SourceFile
    private let b: [UInt8]
    private let limits: JSONLimits
    private var i = 0
    private var depth = 0

    private init(file: SourceFile, limits: JSONLimits) {
        self.file = file
        self.b = file.bytes
        self.limits = limits
    }

    /// Parses a whole source as one JSON value.
    /// - Throws: ``Diagnostic`` for the first syntax error or exceeded limit.
    public static func parse(_ file: SourceFile, limits: JSONLimits = .default) throws(Diagnostic) -> JSONValue {
        if file.bytes.count > limits.maxBytes {
            throw Diagnostic(
                .error, code: "limit-file-size",
                "input is \(file.bytes.count) bytes, more than the limit of \(limits.maxBytes) bytes",
                at: SourceRange(file: file, span: Span(start: 0, end: 0)),
                help: "raise the limit with `--max-file-size BYTES`")
        }
        var p = JSONParser(file: file, limits: limits)
        if p.b.count >= 3 && p.b[0] == 0xEF && p.b[1] == 0xBB && p.b[2] == 0xBF { p.i = 3 }
        p.skipWhitespace()
        if p.i >= p.b.count { throw p.error("json-empty", "the input is empty: expected a JSON value", at: p.i) }
        let value = try p.parseValue()
        p.skipWhitespace()
        if p.i < p.b.count {
            throw p.unexpected("after the end of the JSON value")
        }
        return value
    }

    /// Decodes the string literal at `span` of `file` again, this time recording for
    /// each decoded byte the offset it came from, so that a JSON document held in a
    /// string can be parsed as an embedded source with exact positions.
    public static func embeddedSource(of value: JSONValue, in file: SourceFile) -> SourceFile? {
        guard case .string = value.kind else { return nil }
        var p = JSONParser(file: file, limits: .default)
        p.i = value.span.start
        var out: [UInt8] = []
        var offsets: [Int32] = []
        guard (try? p.parseStringBody(recording: &out, offsets: &offsets)) != nil else { return nil }
        offsets.append(Int32(value.span.end - 1))
        return SourceFile(embeddedIn: file, bytes: out, offsets: offsets)
    }

    // MARK: - Errors

    private func error(_ code: String, _ message: String, at offset: Int, help: String? = nil) -> Diagnostic {
        // A span never ends past the input (an error at the end has no width).
        Diagnostic(
            .error, code: code, message, at: SourceRange(file: file, span: Span(start: offset, end: min(offset + 1, max(offset, b.count)))),
            help: help)
    }

    private func unexpected(_ context: String) -> Diagnostic {
        if i >= b.count { return error("json-unexpected-end", "unexpected end of input \(context)", at: i) }
        let c = b[i]
        if c == UInt8(ascii: "/") && i + 1 < b.count && (b[i + 1] == UInt8(ascii: "/") || b[i + 1] == UInt8(ascii: "*")) {
            return error(
                "json-comment", "comments are not allowed in JSON", at: i, help: "remove the comment; RAM rejects documents that are not strict JSON")
        }
        if c == UInt8(ascii: "'") {
            return error("json-single-quote", "strings must use double quotes, not single quotes", at: i)
        }
        if c >= 0x80 {
            if let (scalar, _) = decodeScalar(at: i) {
                return error("json-unexpected-character", "unexpected character `\(Character(scalar))` \(context)", at: i)
            }
            return error("json-invalid-utf8", "invalid UTF-8 byte 0x\(hex(c)) \(context)", at: i, help: "save the file as UTF-8")
        }
        if c < 0x20 || c == 0x7F {
            return error("json-unexpected-character", "unexpected control character U+\(hex4(UInt32(c))) \(context)", at: i)
        }
        return error("json-unexpected-character", "unexpected character `\(Character(Unicode.Scalar(c)))` \(context)", at: i)
    }

    // MARK: - Values

    private mutating func skipWhitespace() {
        while i < b.count {
            let c = b[i]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i += 1 } else { return }
        }
    }

    private mutating func parseValue() throws(Diagnostic) -> JSONValue {
        guard i < b.count else { throw unexpected("where a value was expected") }
        let start = i
        switch b[i] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""):
            let s = try parseString()
            return JSONValue(.string(s), span: Span(start: start, end: i))
        case UInt8(ascii: "t"):
            try literal("true")
            return JSONValue(.bool(true), span: Span(start: start, end: i))
        case UInt8(ascii: "f"):
            try literal("false")
            return JSONValue(.bool(false), span: Span(start: start, end: i))
        case UInt8(ascii: "n"):
            try literal("null")
            return JSONValue(.null, span: Span(start: start, end: i))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let text = try parseNumber()
            return JSONValue(.number(text), span: Span(start: start, end: i))
        case UInt8(ascii: "N"), UInt8(ascii: "I"):
            throw error("json-invalid-number", "`NaN` and `Infinity` are not JSON numbers", at: i)
        default:
            throw unexpected("where a value was expected")
        }
    }

    private mutating func literal(_ word: StaticString) throws(Diagnostic) {
        let start = i
        let w = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for c in w {
            guard i < b.count, b[i] == c else {
                throw error("json-invalid-literal", "invalid literal: expected `\(word)`", at: start)
            }
            i += 1
        }
    }

    private mutating func enter(at offset: Int) throws(Diagnostic) {
        depth += 1
        if depth > limits.maxDepth {
            throw error(
                "limit-depth", "nesting is deeper than the limit of \(limits.maxDepth) levels", at: offset,
                help: "raise the limit with `--max-depth N`")
        }
    }

    private mutating func parseObject() throws(Diagnostic) -> JSONValue {
        let start = i
        try enter(at: i)
        i += 1
        var members: [JSONObject.Member] = []
        var seen: Set<String> = []
        skipWhitespace()
        if i < b.count && b[i] == UInt8(ascii: "}") {
            i += 1
            depth -= 1
            return JSONValue(.object(JSONObject(members: [])), span: Span(start: start, end: i))
        }
        while true {
            skipWhitespace()
            guard i < b.count, b[i] == UInt8(ascii: "\"") else {
                throw unexpected("where an object key (a string in double quotes) was expected")
            }
            let keyStart = i
            let key = try parseString()
            let keySpan = Span(start: keyStart, end: i)
            if members.count < 8 {
                if members.contains(where: { $0.key == key }) { throw duplicate(key, keyStart) }
                if members.count == 7 { seen = Set(members.map(\.key)); seen.insert(key) }
            } else {
                if !seen.insert(key).inserted { throw duplicate(key, keyStart) }
            }
            skipWhitespace()
            guard i < b.count, b[i] == UInt8(ascii: ":") else { throw unexpected("where `:` was expected after the key") }
            i += 1
            skipWhitespace()
            let value = try parseValue()
            members.append(JSONObject.Member(key: key, keySpan: keySpan, value: value))
            skipWhitespace()
            guard i < b.count else { throw unexpected("inside an object: expected `,` or `}`") }
            if b[i] == UInt8(ascii: ",") {
                let comma = i
                i += 1
                skipWhitespace()
                if i < b.count && b[i] == UInt8(ascii: "}") {
                    throw error("json-trailing-comma", "trailing comma before `}`", at: comma, help: "remove the comma")
                }
                continue
            }
            if b[i] == UInt8(ascii: "}") {
                i += 1
                depth -= 1
                return JSONValue(.object(JSONObject(members: members)), span: Span(start: start, end: i))
            }
            throw unexpected("inside an object: expected `,` or `}`")
        }
    }

    private func duplicate(_ key: String, _ offset: Int) -> Diagnostic {
        error("json-duplicate-key", "duplicate key `\(key)`", at: offset, help: "a key may appear only once in an object; RAM rejects duplicate keys")
    }

    private mutating func parseArray() throws(Diagnostic) -> JSONValue {
        let start = i
        try enter(at: i)
        i += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if i < b.count && b[i] == UInt8(ascii: "]") {
            i += 1
            depth -= 1
            return JSONValue(.array([]), span: Span(start: start, end: i))
        }
        while true {
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            guard i < b.count else { throw unexpected("inside an array: expected `,` or `]`") }
            if b[i] == UInt8(ascii: ",") {
                let comma = i
                i += 1
                skipWhitespace()
                if i < b.count && b[i] == UInt8(ascii: "]") {
                    throw error("json-trailing-comma", "trailing comma before `]`", at: comma, help: "remove the comma")
                }
                continue
            }
            if b[i] == UInt8(ascii: "]") {
                i += 1
                depth -= 1
                return JSONValue(.array(items), span: Span(start: start, end: i))
            }
            throw unexpected("inside an array: expected `,` or `]`")
        }
    }

    private mutating func parseNumber() throws(Diagnostic) -> String {
        let start = i
        if b[i] == UInt8(ascii: "-") { i += 1 }
        guard i < b.count, isDigit(b[i]) else {
            throw error("json-invalid-number", "invalid number: expected a digit", at: i)
        }
        if b[i] == UInt8(ascii: "0") {
            i += 1
            if i < b.count && isDigit(b[i]) {
                throw error(
                    "json-leading-zero", "numbers may not have leading zeros", at: start,
                    help: "write the number without the leading zero, or as a string")
            }
        } else {
            while i < b.count && isDigit(b[i]) { i += 1 }
        }
        if i < b.count && b[i] == UInt8(ascii: ".") {
            i += 1
            guard i < b.count, isDigit(b[i]) else { throw error("json-invalid-number", "invalid number: expected a digit after `.`", at: i) }
            while i < b.count && isDigit(b[i]) { i += 1 }
        }
        if i < b.count && (b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E")) {
            i += 1
            if i < b.count && (b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-")) { i += 1 }
            guard i < b.count, isDigit(b[i]) else { throw error("json-invalid-number", "invalid number: expected a digit in the exponent", at: i) }
            while i < b.count && isDigit(b[i]) { i += 1 }
        }
        return String(decoding: b[start..<i], as: UTF8.self)
    }

    @inline(__always) private func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    private mutating func parseString() throws(Diagnostic) -> String {
        // Fast path: no escapes and ASCII only.
        var j = i + 1
        while j < b.count {
            let c = b[j]
            if c == UInt8(ascii: "\"") {
                let s = String(decoding: b[(i + 1)..<j], as: UTF8.self)
                i = j + 1
                return s
            }
            if c == UInt8(ascii: "\\") || c < 0x20 || c >= 0x80 { break }
            j += 1
        }
        var out: [UInt8] = []
        var offsets: [Int32] = []
        try parseStringBody(recording: &out, offsets: &offsets, recordOffsets: false)
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses from the opening quote at `i` to just past the closing quote.
    private mutating func parseStringBody(recording out: inout [UInt8], offsets: inout [Int32], recordOffsets: Bool = true) throws(Diagnostic) {
        let open = i
        i += 1
        while true {
            guard i < b.count else {
                throw error("json-unterminated-string", "unterminated string", at: open, help: "close the string with `\"`")
            }
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return
            }
            if c < 0x20 {
                throw error(
                    "json-control-character", "control character U+\(hex4(UInt32(c))) in a string", at: i,
                    help: c == 0x0A || c == 0x0D ? "a string cannot span lines; write `\\n`" : "escape it as `\\u\(hex4(UInt32(c)))`")
            }
            if c == UInt8(ascii: "\\") {
                let escStart = i
                i += 1
                guard i < b.count else { throw error("json-unterminated-string", "unterminated string", at: open) }
                let e = b[i]
                var simple: UInt8? = nil
                switch e {
                case UInt8(ascii: "\""): simple = 0x22
                case UInt8(ascii: "\\"): simple = 0x5C
                case UInt8(ascii: "/"): simple = 0x2F
                case UInt8(ascii: "b"): simple = 0x08
                case UInt8(ascii: "f"): simple = 0x0C
                case UInt8(ascii: "n"): simple = 0x0A
                case UInt8(ascii: "r"): simple = 0x0D
                case UInt8(ascii: "t"): simple = 0x09
                case UInt8(ascii: "u"): break
                default:
                    throw error(
                        "json-invalid-escape", "invalid escape sequence in a string", at: escStart,
                        help: "valid escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX")
                }
                if let s = simple {
                    out.append(s)
                    if recordOffsets { offsets.append(Int32(escStart)) }
                    i += 1
                    continue
                }
                i += 1
                var scalarValue = try hex4Digits(escStart)
                if (0xD800...0xDBFF).contains(scalarValue) {
                    guard i + 1 < b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") else {
                        throw error("json-lone-surrogate", "lone surrogate `\\u\(hex4(scalarValue))` in a string", at: escStart)
                    }
                    let lowStart = i
                    i += 2
                    let low = try hex4Digits(lowStart)
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw error("json-lone-surrogate", "lone surrogate `\\u\(hex4(scalarValue))` in a string", at: escStart)
                    }
                    scalarValue = 0x10000 + ((scalarValue - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalarValue) {
                    throw error("json-lone-surrogate", "lone surrogate `\\u\(hex4(scalarValue))` in a string", at: escStart)
                }
                guard let scalar = Unicode.Scalar(scalarValue) else {
                    throw error("json-invalid-escape", "invalid escape sequence in a string", at: escStart)
                }
                let before = out.count
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
                if recordOffsets { for _ in before..<out.count { offsets.append(Int32(escStart)) } }
                continue
            }
            if c < 0x80 {
                out.append(c)
                if recordOffsets { offsets.append(Int32(i)) }
                i += 1
                continue
            }
            guard let (_, len) = decodeScalar(at: i) else {
                throw error("json-invalid-utf8", "invalid UTF-8 byte 0x\(hex(c)) in a string", at: i, help: "save the file as UTF-8")
            }
            for k in 0..<len {
                out.append(b[i + k])
                if recordOffsets { offsets.append(Int32(i)) }
            }
            i += len
        }
    }

    private mutating func hex4Digits(_ escStart: Int) throws(Diagnostic) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard i < b.count else { throw error("json-invalid-escape", "incomplete `\\u` escape", at: escStart) }
            let c = b[i]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw error("json-invalid-escape", "`\\u` must be followed by four hexadecimal digits", at: escStart)
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    /// Strictly decodes one UTF-8 scalar (no overlong forms, no surrogates, at most U+10FFFF).
    private func decodeScalar(at k: Int) -> (Unicode.Scalar, Int)? {
        UTF8Validation.decode(b, at: k)
    }
}

/// Strict UTF-8 decoding of one scalar, shared by the parser and the CLI.
public enum UTF8Validation {
    public static func decode(_ b: [UInt8], at k: Int) -> (Unicode.Scalar, Int)? {
        let c0 = b[k]
        func cont(_ j: Int) -> UInt32? {
            guard j < b.count, b[j] & 0xC0 == 0x80 else { return nil }
            return UInt32(b[j] & 0x3F)
        }
        var value: UInt32
        var len: Int
        switch c0 {
        case 0xC2...0xDF:
            guard let c1 = cont(k + 1) else { return nil }
            value = (UInt32(c0 & 0x1F) << 6) | c1
            len = 2
        case 0xE0...0xEF:
            guard let c1 = cont(k + 1), let c2 = cont(k + 2) else { return nil }
            value = (UInt32(c0 & 0x0F) << 12) | (c1 << 6) | c2
            if value < 0x800 || (0xD800...0xDFFF).contains(value) { return nil }
            len = 3
        case 0xF0...0xF4:
            guard let c1 = cont(k + 1), let c2 = cont(k + 2), let c3 = cont(k + 3) else { return nil }
            value = (UInt32(c0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3
            if value < 0x10000 || value > 0x10FFFF { return nil }
            len = 4
        default:
            return nil
        }
        guard let s = Unicode.Scalar(value) else { return nil }
        return (s, len)
    }
}

func hex(_ c: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(c >> 4)], digits[Int(c & 0xF)]])
}

func hex4(_ v: UInt32) -> String {
    let digits = Array("0123456789ABCDEF")
    return String((0..<4).reversed().map { digits[Int((v >> (UInt32($0) * 4)) & 0xF)] })
}
