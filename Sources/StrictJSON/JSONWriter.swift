/// Writes JSON text into a byte buffer: compact, keys in the order given, strings
/// escaped as RFC 8259 requires (and `/` left as is). No Foundation on this path.
public struct JSONWriter {
    public var bytes: [UInt8] = []

    public init() { bytes.reserveCapacity(512) }

    public mutating func raw(_ s: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    public mutating func string(_ s: String) {
        bytes.append(0x22)
        escaped(s)
        bytes.append(0x22)
    }

    /// The string's escaped text, without quotes.
    mutating func escaped(_ s: String) {
        var s = s
        s.withUTF8 { u in
            // Most strings need no escape: copy them whole.
            var clean = true
            for c in u where c < 0x20 || c == 0x22 || c == 0x5C || c == 0x7F {
                clean = false
                break
            }
            if clean {
                bytes.append(contentsOf: u)
                return
            }
            for c in u {
                switch c {
                case 0x22: bytes.append(0x5C); bytes.append(0x22)
                case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
                case 0x0A: bytes.append(0x5C); bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(0x5C); bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(0x5C); bytes.append(UInt8(ascii: "t"))
                case 0..<0x20, 0x7F:
                    raw("\\u00")
                    let d: [UInt8] = Array("0123456789abcdef".utf8)
                    bytes.append(d[Int(c >> 4)])
                    bytes.append(d[Int(c & 0xF)])
                default: bytes.append(c)
                }
            }
        }
    }

    public mutating func key(_ k: StaticString) {
        bytes.append(0x22)
        raw(k)
        bytes.append(0x22)
        bytes.append(0x3A)
    }

    public mutating func int(_ v: Int) {
        if v < 0 {
            bytes.append(UInt8(ascii: "-"))
            if v == Int.min {
                bytes.append(contentsOf: Array(String(v).utf8.dropFirst()))
                return
            }
            digits(UInt(-v))
        } else {
            digits(UInt(v))
        }
    }

    mutating func digits(_ v: UInt) {
        var buf:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        var x = v
        withUnsafeMutableBytes(of: &buf) { p in
            repeat {
                p[19 - n] = UInt8(48 + x % 10)
                x /= 10
                n += 1
            } while x > 0
            bytes.append(contentsOf: p[(20 - n)...])
        }
    }

    /// `"file:line:col"` without building the string first.
    public mutating func location(_ file: String, _ line: Int, _ column: Int) {
        bytes.append(0x22)
        escaped(file)
        bytes.append(UInt8(ascii: ":"))
        int(line)
        bytes.append(UInt8(ascii: ":"))
        int(column)
        bytes.append(0x22)
    }

    public mutating func bool(_ v: Bool) { if v { raw("true") } else { raw("false") } }
    public mutating func null() { raw("null") }
    public mutating func comma() { bytes.append(0x2C) }

    public mutating func stringArray(_ items: [String]) {
        bytes.append(0x5B)
        for (n, s) in items.enumerated() {
            if n > 0 { bytes.append(0x2C) }
            string(s)
        }
        bytes.append(0x5D)
    }

    /// Re-emits a parsed value (used to echo an `id` back exactly as given).
    public mutating func value(_ v: JSONValue) {
        switch v.kind {
        case .null: null()
        case .bool(let x): bool(x)
        case .number(let t): bytes.append(contentsOf: Array(t.utf8))
        case .string(let s): string(s)
        case .array(let a):
            bytes.append(0x5B)
            for (n, x) in a.enumerated() {
                if n > 0 { comma() }
                value(x)
            }
            bytes.append(0x5D)
        case .object(let o):
            bytes.append(0x7B)
            for (n, m) in o.members.enumerated() {
                if n > 0 { comma() }
                string(m.key)
                bytes.append(0x3A)
                value(m.value)
            }
            bytes.append(0x7D)
        }
    }
}
