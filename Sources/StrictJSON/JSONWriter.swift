/// Writes JSON text into a byte buffer: compact, keys in the order given, strings
/// escaped as RFC 8259 requires (and `/` left as is). No Foundation on this path.
public struct JSONWriter {
    /// A growable byte buffer of its own: appends are a bounds check and a copy, with
    /// none of `Array`'s per-call uniqueness work (this writer is `eval`'s inner loop).
    /// A writer is used by one owner at a time; copies share the buffer.
    final class Storage {
        var base: UnsafeMutablePointer<UInt8>
        var count = 0
        var capacity: Int

        init(capacity: Int) {
            self.capacity = max(16, capacity)
            base = .allocate(capacity: self.capacity)
        }

        deinit { base.deallocate() }

        func grow(to needed: Int) {
            var c = capacity
            while c < needed { c *= 2 }
            let b = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
            b.update(from: base, count: count)
            base.deallocate()
            base = b
            capacity = c
        }
    }

    let storage: Storage

    public init(capacity: Int = 512) { storage = Storage(capacity: capacity) }

    /// The text written so far.
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: storage.base, count: storage.count)) }

    public var count: Int { storage.count }

    public mutating func removeAll() { storage.count = 0 }

    @inline(__always) public mutating func append(_ b: UInt8) {
        let s = storage
        if s.count == s.capacity { s.grow(to: s.count + 1) }
        s.base[s.count] = b
        s.count += 1
    }

    @inline(__always) public mutating func append(_ p: UnsafeBufferPointer<UInt8>) {
        let s = storage
        let n = p.count
        guard n > 0, let src = p.baseAddress else { return }
        if s.count + n > s.capacity { s.grow(to: s.count + n) }
        (s.base + s.count).update(from: src, count: n)
        s.count += n
    }

    public mutating func append(contentsOf a: [UInt8]) { a.withUnsafeBufferPointer { append($0) } }

    public mutating func append(contentsOf a: ArraySlice<UInt8>) { a.withUnsafeBufferPointer { append($0) } }

    public mutating func raw(_ s: StaticString) {
        append(UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    public mutating func string(_ s: String) {
        append(0x22)
        escaped(s)
        append(0x22)
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
                append(u)
                return
            }
            for c in u {
                switch c {
                case 0x22: append(0x5C); append(0x22)
                case 0x5C: append(0x5C); append(0x5C)
                case 0x0A: append(0x5C); append(UInt8(ascii: "n"))
                case 0x0D: append(0x5C); append(UInt8(ascii: "r"))
                case 0x09: append(0x5C); append(UInt8(ascii: "t"))
                case 0..<0x20, 0x7F:
                    raw("\\u00")
                    let d: [UInt8] = Array("0123456789abcdef".utf8)
                    append(d[Int(c >> 4)])
                    append(d[Int(c & 0xF)])
                default: append(c)
                }
            }
        }
    }

    public mutating func key(_ k: StaticString) {
        append(0x22)
        raw(k)
        append(0x22)
        append(0x3A)
    }

    public mutating func int(_ v: Int) {
        if v < 0 {
            append(UInt8(ascii: "-"))
            if v == Int.min {
                append(contentsOf: Array(String(v).utf8.dropFirst()))
                return
            }
            digits(UInt(-v))
        } else {
            digits(UInt(v))
        }
    }

    mutating func digits(_ v: UInt) {
        var n = 1
        var x = v
        while x >= 10 {
            x /= 10
            n += 1
        }
        let st = storage
        if st.count + n > st.capacity { st.grow(to: st.count + n) }
        x = v
        var k = st.count + n - 1
        repeat {
            st.base[k] = UInt8(48 + x % 10)
            x /= 10
            k -= 1
        } while x > 0
        st.count += n
    }

    /// `"file:line:col"` without building the string first.
    public mutating func location(_ file: String, _ line: Int, _ column: Int) {
        append(0x22)
        escaped(file)
        append(UInt8(ascii: ":"))
        int(line)
        append(UInt8(ascii: ":"))
        int(column)
        append(0x22)
    }

    public mutating func bool(_ v: Bool) { if v { raw("true") } else { raw("false") } }
    public mutating func null() { raw("null") }
    public mutating func comma() { append(0x2C) }

    public mutating func stringArray(_ items: [String]) {
        append(0x5B)
        for (n, s) in items.enumerated() {
            if n > 0 { append(0x2C) }
            string(s)
        }
        append(0x5D)
    }

    /// Re-emits a parsed value (used to echo an `id` back exactly as given).
    public mutating func value(_ v: JSONValue) {
        switch v.kind {
        case .null: null()
        case .bool(let x): bool(x)
        case .number(let t): append(contentsOf: Array(t.utf8))
        case .string(let s): string(s)
        case .array(let a):
            append(0x5B)
            for (n, x) in a.enumerated() {
                if n > 0 { comma() }
                value(x)
            }
            append(0x5D)
        case .object(let o):
            append(0x7B)
            for (n, m) in o.members.enumerated() {
                if n > 0 { comma() }
                string(m.key)
                append(0x3A)
                value(m.value)
            }
            append(0x7D)
        }
    }

    /// Re-emits a parsed value indented by two spaces a level, starting at `level`
    /// (an empty object or array stays on one line). Keys keep their order.
    public mutating func pretty(_ v: JSONValue, level: Int = 0) {
        func newline(_ l: Int) {
            append(0x0A)
            for _ in 0..<(l * 2) { append(0x20) }
        }
        switch v.kind {
        case .array(let a) where !a.isEmpty:
            append(0x5B)
            for (n, x) in a.enumerated() {
                if n > 0 { comma() }
                newline(level + 1)
                pretty(x, level: level + 1)
            }
            newline(level)
            append(0x5D)
        case .object(let o) where !o.members.isEmpty:
            append(0x7B)
            for (n, m) in o.members.enumerated() {
                if n > 0 { comma() }
                newline(level + 1)
                string(m.key)
                raw(": ")
                pretty(m.value, level: level + 1)
            }
            newline(level)
            append(0x7D)
        default:
            value(v)
        }
    }
}
