/// Partitions the set of all strings by which of a list of patterns match them, and
/// gives one shortest witness string for every non-empty part — exactly, by a
/// breadth-first walk of the product of the patterns' automata (no sampling).
///
/// Patterns are sequences of elements: literal scalars (case-sensitive or not), `?` (one
/// scalar), `*` (any run), or a run that excludes `:` (the region of a role ARN). The
/// walk's alphabet is every literal scalar of the patterns plus one filler that none of
/// them names: every other scalar behaves like the filler for every pattern.
struct StringPartition {
    enum Element: Hashable {
        case literal(Unicode.Scalar)
        /// Matches the scalar in either case (`StringEqualsIgnoreCase`).
        case literalFolded(Unicode.Scalar)
        case one
        case run
        case runWithoutColon
    }

    /// What a witness must look like besides the patterns: any string, a request action
    /// (`code:Name`, one `:`, neither side empty), or a non-empty string.
    enum Shape {
        case any
        case nonEmpty
        case action
    }

    struct Part {
        /// Indices of the patterns that match.
        let matching: [Int]
        let witness: String
    }

    struct TooLarge: Error {}

    /// A glob (`*`, `?`) as elements. `fold`: literals match either case.
    static func glob(_ text: String, fold: Bool = false) -> [Element] {
        text.unicodeScalars.map { c in
            switch c {
            case "*": return .run
            case "?": return .one
            default: return fold ? .literalFolded(c) : .literal(c)
            }
        }
    }

    /// A literal string (no wildcards).
    static func literal(_ text: String, fold: Bool = false) -> [Element] {
        text.unicodeScalars.map { fold ? .literalFolded($0) : .literal($0) }
    }

    static func lower(_ c: Unicode.Scalar) -> Unicode.Scalar { String(c).lowercased().unicodeScalars.first ?? c }
    static func upper(_ c: Unicode.Scalar) -> Unicode.Scalar { String(c).uppercased().unicodeScalars.first ?? c }

    /// The indices of the patterns that match `text` (the same walk, one string).
    static func matching(_ text: String, _ patterns: [[Element]]) -> [Int] {
        patterns.indices.filter { matches(Array(text.unicodeScalars), patterns[$0]) }
    }

    static func matches(_ s: [Unicode.Scalar], _ p: [Element]) -> Bool {
        // positions reachable after each scalar (the same NFA as `parts`)
        func close(_ ps: Set<Int>) -> Set<Int> {
            var out = ps
            var stack = Array(ps)
            while let q = stack.popLast() {
                if q < p.count, p[q] == .run || p[q] == .runWithoutColon, out.insert(q + 1).inserted { stack.append(q + 1) }
            }
            return out
        }
        var cur = close([0])
        for c in s {
            var next = Set<Int>()
            for q in cur where q < p.count {
                switch p[q] {
                case .literal(let x): if x == c { next.insert(q + 1) }
                case .literalFolded(let x): if lower(x) == lower(c) { next.insert(q + 1) }
                case .one: next.insert(q + 1)
                case .run: next.insert(q)
                case .runWithoutColon: if c != ":" { next.insert(q) }
                }
            }
            if next.isEmpty { return false }
            cur = close(next)
        }
        return cur.contains(p.count)
    }

    /// Every non-empty part, each with a shortest witness.
    /// - Throws: ``TooLarge`` past `maxStates` product states.
    static func parts(_ patterns: [[Element]], shape: Shape, filler: String = "xyzqjkw\u{E000}\u{E001}", maxStates: Int = 200_000) throws(TooLarge)
        -> [Part]
    {
        var walk = Walk(patterns, shape: shape)
        guard let fill = filler.unicodeScalars.first(where: { !walk.letters.contains($0) }) else { return [] }
        return try walk.run(fill: fill, maxStates: maxStates)
    }

    /// The product walk. Literal patterns (no wildcard, case-sensitive) share one trie, so a
    /// catalog of names costs one component; each glob is an NFA whose position sets are
    /// bit sets with their ε-closures precomputed. At each state only the scalars that some
    /// live component names are tried, plus the filler for every other scalar.
    struct Walk {
        let shape: Shape
        /// Trie of the literal patterns: children per node, and the pattern ending there.
        var children: [[Unicode.Scalar: Int32]] = [[:]]
        var terminal: [[Int]] = [[]]
        /// Globs: pattern index, elements, and the closure of each position as bits.
        var globs: [(index: Int, elements: [Element], closure: [[UInt64]])] = []
        var words: [Int] = []
        var letters = Set<Unicode.Scalar>()

        init(_ patterns: [[Element]], shape: Shape) {
            self.shape = shape
            for (i, p) in patterns.enumerated() {
                let literal = p.allSatisfy { if case .literal = $0 { return true } else { return false } }
                if literal {
                    var node = 0
                    for case .literal(let c) in p {
                        letters.insert(c)
                        if let next = children[node][c] {
                            node = Int(next)
                        } else {
                            children.append([:])
                            terminal.append([])
                            children[node][c] = Int32(children.count - 1)
                            node = children.count - 1
                        }
                    }
                    terminal[node].append(i)
                    continue
                }
                let n = p.count + 1
                let w = (n + 63) / 64
                var closure: [[UInt64]] = []
                for start in 0..<n {
                    var bits = [UInt64](repeating: 0, count: w)
                    var q = start
                    while true {
                        bits[q / 64] |= 1 << UInt64(q % 64)
                        guard q < p.count, p[q] == .run || p[q] == .runWithoutColon else { break }
                        q += 1
                    }
                    closure.append(bits)
                }
                for e in p {
                    switch e {
                    case .literal(let c): letters.insert(c)
                    case .literalFolded(let c):
                        letters.insert(StringPartition.lower(c))
                        letters.insert(StringPartition.upper(c))
                    default: break
                    }
                }
                globs.append((i, p, closure))
                words.append(w)
            }
            letters.remove("*")
            letters.remove("?")
            if shape == .action { letters.insert(":") }
        }

        struct State: Hashable {
            var shape: UInt8
            var node: Int32
            /// For each live glob: its number in `globs`, then its bit words.
            var live: [UInt64]
        }

        func step(glob g: Int, _ bits: ArraySlice<UInt64>, _ c: Unicode.Scalar, into out: inout [UInt64]) -> Bool {
            let p = globs[g].elements
            let w = words[g]
            var next = [UInt64](repeating: 0, count: w)
            var any = false
            Self.forEachPosition(bits, below: p.count) { q in
                var to = -1
                switch p[q] {
                case .literal(let l): if l == c { to = q + 1 }
                case .literalFolded(let l): if StringPartition.lower(l) == StringPartition.lower(c) { to = q + 1 }
                case .one: to = q + 1
                case .run: to = q
                case .runWithoutColon: if c != ":" { to = q }
                }
                if to >= 0 {
                    let cl = globs[g].closure[to]
                    for j in 0..<w { next[j] |= cl[j] }
                    any = true
                }
            }
            guard any else { return false }
            out.append(UInt64(g))
            out += next
            return true
        }

        /// Calls `body` with each position set in `bits` that is below `limit`.
        @inline(__always) static func forEachPosition(_ bits: ArraySlice<UInt64>, below limit: Int, _ body: (Int) -> Void) {
            for (k, word) in bits.enumerated() where word != 0 {
                var x = word
                while x != 0 {
                    let q = k * 64 + x.trailingZeroBitCount
                    x &= x - 1
                    if q < limit { body(q) }
                }
            }
        }

        func shapeStep(_ s: UInt8, _ c: Unicode.Scalar) -> UInt8? {
            switch shape {
            case .any: return 0
            case .nonEmpty: return 1
            case .action:
                // 0 empty, 1 code, 2 after the colon, 3 name; `:` once, neither side empty.
                if c == ":" { return s == 1 ? 2 : nil }
                return s <= 1 ? 1 : 3
            }
        }

        func accepting(_ s: UInt8) -> Bool {
            switch shape {
            case .any: return true
            case .nonEmpty: return s == 1
            case .action: return s == 3
            }
        }

        /// The live globs of a state: (glob number, slice of its words).
        func unpack(_ live: [UInt64]) -> [(Int, ArraySlice<UInt64>)] {
            var out: [(Int, ArraySlice<UInt64>)] = []
            var k = 0
            while k < live.count {
                let g = Int(live[k])
                out.append((g, live[(k + 1)..<(k + 1 + words[g])]))
                k += 1 + words[g]
            }
            return out
        }

        mutating func run(fill: Unicode.Scalar, maxStates: Int) throws(TooLarge) -> [Part] {
            var startLive: [UInt64] = []
            for g in globs.indices {
                startLive.append(UInt64(g))
                startLive += globs[g].closure[0]
            }
            let start = State(shape: 0, node: 0, live: startLive)
            var seen: Set<State> = [start]
            var queue: [(State, Int32)] = [(start, -1)]  // state, parent entry
            var via: [Unicode.Scalar] = [fill]  // the scalar that led to each entry (unused for the start)
            var head = 0
            var found: [[Int]: Int] = [:]
            var order: [[Int]] = []
            while head < queue.count {
                let (state, _) = queue[head]
                let sets = unpack(state.live)
                if accepting(state.shape) {
                    var matching: [Int] = []
                    if state.node >= 0 { matching += terminal[Int(state.node)] }
                    for (g, bits) in sets {
                        let end = globs[g].elements.count
                        if bits[bits.startIndex + end / 64] & (1 << UInt64(end % 64)) != 0 { matching.append(globs[g].index) }
                    }
                    matching.sort()
                    if found[matching] == nil {
                        found[matching] = head
                        order.append(matching)
                    }
                }
                // The scalars that matter here; every other one acts as the filler.
                var tried = Set<Unicode.Scalar>()
                if state.node >= 0 { for c in children[Int(state.node)].keys { tried.insert(c) } }
                for (g, bits) in sets {
                    let p = globs[g].elements
                    Self.forEachPosition(bits, below: p.count) { q in
                        switch p[q] {
                        case .literal(let c): tried.insert(c)
                        case .literalFolded(let c):
                            tried.insert(StringPartition.lower(c))
                            tried.insert(StringPartition.upper(c))
                        case .runWithoutColon: tried.insert(":")
                        default: break
                        }
                    }
                }
                if shape == .action { tried.insert(":") }
                tried.remove("*")
                tried.remove("?")
                var alphabet = tried.sorted { $0.value < $1.value }
                alphabet.append(fill)
                for c in alphabet {
                    guard let sh = shapeStep(state.shape, c) else { continue }
                    var node: Int32 = -1
                    if state.node >= 0, let n = children[Int(state.node)][c] { node = n }
                    var live: [UInt64] = []
                    for (g, bits) in sets { _ = step(glob: g, bits, c, into: &live) }
                    let next = State(shape: sh, node: node, live: live)
                    if seen.insert(next).inserted {
                        if seen.count > maxStates { throw TooLarge() }
                        queue.append((next, Int32(head)))
                        via.append(c)
                    }
                }
                head += 1
            }
            // Witnesses: follow each part's first entry back to the start.
            func word(_ entry: Int) -> String {
                var scalars: [Unicode.Scalar] = []
                var e = entry
                while e > 0 {
                    scalars.append(via[e])
                    e = Int(queue[e].1)
                }
                var s = ""
                s.unicodeScalars.append(contentsOf: scalars.reversed())
                return s
            }
            return order.map { Part(matching: $0, witness: word(found[$0] ?? 0)) }
        }
    }
}
