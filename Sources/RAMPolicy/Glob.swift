/// A compiled `*` / `?` wildcard pattern, matched over UTF-8 bytes.
///
/// `*` matches zero or more characters (any character, `:` and `/` included) and `?`
/// exactly one Unicode scalar; there is no escape (SEMANTICS §2.1, §3.7). Matching is
/// exact on bytes: callers that match case-insensitively fold both sides first.
/// Common shapes (`*`, exact, `abc*`, `*abc`, `*abc*`) skip the general matcher.
/// The pattern's own string is the only storage (a resource pattern shares it with
/// the policy's text), which keeps 10,000 loaded policies small.
public struct Glob: Sendable, Hashable {
    enum Form: UInt8, Sendable, Hashable {
        case any
        case exact
        case prefix
        case suffix
        case contains
        case general
    }

    public let pattern: String
    let form: Form
    /// The literal part for the simple forms, as a byte range of `pattern`.
    let literalStart: Int32
    let literalEnd: Int32

    public init(_ pattern: String) {
        var p = pattern
        p.makeContiguousUTF8()
        self.pattern = p
        let b = Array(p.utf8)
        let star = UInt8(ascii: "*")
        let question = UInt8(ascii: "?")
        let hasQuestion = b.contains(question)
        let starCount = b.reduce(0) { $0 + ($1 == star ? 1 : 0) }
        var start = 0
        var end = b.count
        if !hasQuestion && starCount > 0 && starCount == b.count {
            form = .any
        } else if hasQuestion {
            form = .general
        } else if starCount == 0 {
            form = .exact
        } else if starCount == 1 && b.last == star {
            form = .prefix
            end -= 1
        } else if starCount == 1 && b.first == star {
            form = .suffix
            start = 1
        } else if starCount == 2 && b.first == star && b.last == star && b.count > 2 {
            form = .contains
            start = 1
            end -= 1
        } else {
            form = .general
        }
        literalStart = Int32(start)
        literalEnd = Int32(end)
    }

    /// Whether the pattern has no wildcard (it matches only itself).
    public var isLiteral: Bool { form == .exact }

    public func matches(_ text: String) -> Bool {
        var t = text
        return t.withUTF8 { matches($0) }
    }

    public func matches(_ t: [UInt8]) -> Bool {
        t.withUnsafeBufferPointer { matches($0) }
    }

    @inline(__always)
    public func matches(_ t: UnsafeBufferPointer<UInt8>) -> Bool {
        if form == .any { return true }
        if let r = pattern.utf8.withContiguousStorageIfAvailable({ match($0, t) }) { return r }
        return Array(pattern.utf8).withUnsafeBufferPointer { match($0, t) }
    }

    @inline(__always)
    func match(_ p: UnsafeBufferPointer<UInt8>, _ t: UnsafeBufferPointer<UInt8>) -> Bool {
        let ls = Int(literalStart)
        let n = Int(literalEnd) - ls
        switch form {
        case .any:
            return true
        case .exact:
            guard t.count == n else { return false }
            for k in 0..<n where t[k] != p[k] { return false }
            return true
        case .prefix:
            guard t.count >= n else { return false }
            for k in 0..<n where t[k] != p[k] { return false }
            return true
        case .suffix:
            guard t.count >= n else { return false }
            let off = t.count - n
            for k in 0..<n where t[off + k] != p[ls + k] { return false }
            return true
        case .contains:
            return Glob.find(UnsafeBufferPointer(rebasing: p[ls..<(ls + n)]), in: t)
        case .general:
            return Glob.wildMatch(p, t)
        }
    }

    static func find(_ needle: UnsafeBufferPointer<UInt8>, in t: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = needle.count
        if n == 0 { return true }
        if t.count < n { return false }
        let first = needle[0]
        var k = 0
        let last = t.count - n
        while k <= last {
            if t[k] == first {
                var j = 1
                while j < n && t[k + j] == needle[j] { j += 1 }
                if j == n { return true }
            }
            k += 1
        }
        return false
    }

    @inline(__always) static func scalarLength(_ lead: UInt8) -> Int {
        if lead < 0x80 { return 1 }
        if lead >= 0xF0 { return 4 }
        if lead >= 0xE0 { return 3 }
        if lead >= 0xC0 { return 2 }
        return 1
    }

    /// Iterative wildcard matching with one backtrack point (linear in practice,
    /// O(n·m) at worst, never recursive).
    static func wildMatch(_ p: UnsafeBufferPointer<UInt8>, _ t: UnsafeBufferPointer<UInt8>) -> Bool {
        let star = UInt8(ascii: "*")
        let question = UInt8(ascii: "?")
        var pi = 0
        var ti = 0
        var starP = -1
        var starT = 0
        while ti < t.count {
            if pi < p.count && p[pi] == question {
                ti = min(t.count, ti + scalarLength(t[ti]))
                pi += 1
            } else if pi < p.count && p[pi] == star {
                starP = pi
                starT = ti
                pi += 1
            } else if pi < p.count && p[pi] == t[ti] {
                pi += 1
                ti += 1
            } else if starP >= 0 {
                pi = starP + 1
                starT = min(t.count, starT + scalarLength(t[starT]))
                ti = starT
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == star { pi += 1 }
        return pi == p.count
    }
}
