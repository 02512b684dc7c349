/// One condition of a residual: a policy's condition entry over a key the request did not
/// give, required to hold (or, `negated`, to fail) by SEMANTICS §3 — missing-key rules included.
public struct ResidualTerm: Sendable, Hashable, CustomStringConvertible {
    public let key: String
    public let op: ConditionOperator
    public let values: [String]
    public let negated: Bool
    /// The entries themselves, for evaluating the term against a concrete context: one,
    /// or several positive entries merged into one term (it holds when any of them does —
    /// for a positive operator that is the entry with every value, SEMANTICS §3.2).
    let entries: [ConditionEntry]
    var keyLower: String { entries.first?.keyLower ?? key.lowercased() }

    init(key: String, op: ConditionOperator, values: [String], negated: Bool, entry: ConditionEntry) {
        self.init(key: key, op: op, values: values, negated: negated, entries: [entry])
    }

    init(key: String, op: ConditionOperator, values: [String], negated: Bool, entries: [ConditionEntry]) {
        self.key = key
        self.op = op
        self.values = values
        self.negated = negated
        self.entries = entries
    }

    public static func == (a: ResidualTerm, b: ResidualTerm) -> Bool {
        a.negated == b.negated && a.op == b.op && a.keyLower == b.keyLower && a.values == b.values
    }

    public func hash(into h: inout Hasher) {
        h.combine(keyLower)
        h.combine(op)
        h.combine(values)
        h.combine(negated)
    }

    /// Whether the term holds for a context (the key's value in it, or its absence).
    public func holds(in context: RequestContext) -> Bool {
        var flags = AssumptionSet()
        return entries.contains { Evaluator.evalEntry($0, context, &flags) == nil } != negated
    }

    /// Two alternatives that differ only in one positive term over the same key and
    /// operator are one alternative with that term's values joined.
    static func mergeAlternatives(_ anyOf: [[ResidualTerm]]) -> [[ResidualTerm]] {
        var out = anyOf
        var merged = true
        while merged {
            merged = false
            search: for i in out.indices {
                for j in out.indices where j > i && out[i].count == out[j].count {
                    let onlyI = out[i].filter { !out[j].contains($0) }
                    let onlyJ = out[j].filter { !out[i].contains($0) }
                    guard onlyI.count == 1, onlyJ.count == 1, let a = onlyI.first, let b = onlyJ.first else { continue }
                    guard !a.negated, !b.negated, !a.op.isNegated, a.op == b.op, a.keyLower == b.keyLower else { continue }
                    let union = a.values + b.values.filter { !a.values.contains($0) }
                    let term = ResidualTerm(key: a.key, op: a.op, values: union, negated: false, entries: a.entries + b.entries)
                    out[i] = out[i].map { $0 == a ? term : $0 }
                    out.remove(at: j)
                    merged = true
                    break search
                }
            }
        }
        return out
    }

    /// `` `acs:SourceIp` in 10.0.0.0/8 `` (with `not` for a negated term).
    public var description: String {
        let vals = values.map { "`\($0)`" }
        let list = vals.count == 1 ? vals[0] : "any of " + vals.joined(separator: ", ")
        let phrase: String
        switch op {
        case .bool: phrase = "is"
        case .ipAddress: phrase = "in"
        case .notIpAddress: phrase = "not in"
        case .stringEquals, .numericEquals, .dateEquals: phrase = "="
        default: phrase = op.phrase
        }
        let text = "`\(key)` \(phrase) \(list)"
        return negated ? "not (\(text))" : text
    }
}

/// A residual condition: the request is allowed exactly when some `allOf` holds
/// (INTERFACE.md "Residual condition").
public struct Residual: Sendable, CustomStringConvertible {
    public let anyOf: [[ResidualTerm]]

    public init(anyOf: [[ResidualTerm]]) { self.anyOf = anyOf }

    public func holds(in context: RequestContext) -> Bool {
        anyOf.contains { $0.allSatisfy { $0.holds(in: context) } }
    }

    /// The keys the residual is over, in first-use order.
    public var keys: [String] {
        var seen = Set<String>()
        var out: [String] = []
        for t in anyOf.joined() where seen.insert(t.keyLower).inserted { out.append(t.key) }
        return out
    }

    /// "only if …", or "unless …" when every condition is a negated one.
    public var onlyIf: String { introduced(by: "only if") }

    /// The condition after `word` ("only if", "when"), or after nothing when it already starts
    /// with "unless".
    public func introduced(by word: String) -> String {
        let d = description
        return d.hasPrefix("unless ") ? d : word + " " + d
    }

    /// "`acs:SourceIp` in `10.0.0.0/8` and `acs:MFAPresent` is `true`, or …, unless …": terms
    /// negated in every alternative are said once, after `unless`.
    public var description: String {
        guard let first = anyOf.first else { return "never" }
        let common = first.filter { t in t.negated && anyOf.allSatisfy { $0.contains(t) } }
        let alternatives = anyOf.map { alt in alt.filter { !common.contains($0) } }
        let several = alternatives.count > 1
        var s =
            alternatives.contains { $0.isEmpty }
            ? ""
            : alternatives.map { alt in
                let text = alt.map(\.description).joined(separator: " and ")
                return several && alt.count > 1 ? "(\(text))" : text
            }
            .joined(separator: " or ")
        if !common.isEmpty {
            let unless = common.map { t in
                ResidualTerm(key: t.key, op: t.op, values: t.values, negated: false, entries: t.entries).description
            }
            s += (s.isEmpty ? "unless " : ", unless ") + unless.joined(separator: " or ")
        }
        return s
    }
}

/// A boolean formula over condition terms, kept small as it is built.
indirect enum Formula: Sendable {
    case constant(Bool)
    case atom(Int)
    case not(Formula)
    case and([Formula])
    case or([Formula])

    static let yes = Formula.constant(true)
    static let no = Formula.constant(false)

    static func all(_ items: [Formula]) -> Formula {
        var out: [Formula] = []
        for f in items {
            switch f {
            case .constant(false): return .no
            case .constant(true): continue
            case .and(let inner): out += inner
            default: out.append(f)
            }
        }
        return out.isEmpty ? .yes : (out.count == 1 ? out[0] : .and(out))
    }

    static func any(_ items: [Formula]) -> Formula {
        var out: [Formula] = []
        for f in items {
            switch f {
            case .constant(true): return .yes
            case .constant(false): continue
            case .or(let inner): out += inner
            default: out.append(f)
            }
        }
        return out.isEmpty ? .no : (out.count == 1 ? out[0] : .or(out))
    }

    static func negate(_ f: Formula) -> Formula {
        switch f {
        case .constant(let b): return .constant(!b)
        case .not(let inner): return inner
        default: return .not(f)
        }
    }

    var constantValue: Bool? {
        if case .constant(let b) = self { return b }
        return nil
    }

    func eval(_ assignment: (Int) -> Bool) -> Bool {
        switch self {
        case .constant(let b): return b
        case .atom(let n): return assignment(n)
        case .not(let f): return !f.eval(assignment)
        case .and(let fs): return fs.allSatisfy { $0.eval(assignment) }
        case .or(let fs): return fs.contains { $0.eval(assignment) }
        }
    }

    /// Disjunctive normal form: a list of conjunctions of (atom, positive). Nil when it
    /// would exceed `limit` conjunctions.
    func dnf(limit: Int) -> [[Literal]]? {
        switch self {
        case .constant(true): return [[]]
        case .constant(false): return []
        case .atom(let n): return [[Literal(atom: n, positive: true)]]
        case .not(let f):
            switch f {
            case .constant(let b): return Formula.constant(!b).dnf(limit: limit)
            case .atom(let n): return [[Literal(atom: n, positive: false)]]
            case .not(let g): return g.dnf(limit: limit)
            case .and(let gs): return Formula.or(gs.map { Formula.negate($0) }).dnf(limit: limit)
            case .or(let gs): return Formula.and(gs.map { Formula.negate($0) }).dnf(limit: limit)
            }
        case .or(let fs):
            var out: [[Literal]] = []
            for f in fs {
                guard let d = f.dnf(limit: limit) else { return nil }
                out += d
                if out.count > limit { return nil }
            }
            return out
        case .and(let fs):
            var acc: [[Literal]] = [[]]
            for f in fs {
                guard let d = f.dnf(limit: limit) else { return nil }
                var next: [[Literal]] = []
                for a in acc {
                    for b in d {
                        guard let merged = Literal.conjoin(a, b) else { continue }  // contradictory
                        next.append(merged)
                        if next.count > limit { return nil }
                    }
                }
                acc = next
                if acc.isEmpty { return [] }
            }
            return acc
        }
    }
}

struct Literal: Hashable, Sendable {
    let atom: Int
    let positive: Bool

    /// The conjunction of two conjunctions, sorted and deduplicated; nil when it holds a
    /// literal and its negation.
    static func conjoin(_ a: [Literal], _ b: [Literal]) -> [Literal]? {
        var out = a
        for l in b where !out.contains(l) {
            if out.contains(Literal(atom: l.atom, positive: !l.positive)) { return nil }
            out.append(l)
        }
        return out.sorted { $0.atom != $1.atom ? $0.atom < $1.atom : (!$0.positive && $1.positive) }
    }
}

/// Simplifies a DNF exactly: drops repeated and absorbed conjunctions, then any literal
/// or conjunction whose removal leaves the same boolean function of the atoms (checked
/// over every assignment when there are few atoms — the atoms treated as independent, so
/// an equivalence found this way holds for every real context).
enum DNFSimplifier {
    static let exhaustiveAtoms = 14

    static func simplify(_ terms: [[Literal]]) -> [[Literal]] {
        var t = absorb(terms)
        let atoms = Array(Set(t.joined().map(\.atom))).sorted()
        guard atoms.count <= exhaustiveAtoms, !t.isEmpty else { return t }
        let reference = truthTable(t, atoms)
        // Drop literals that do not matter.
        var i = 0
        while i < t.count {
            var j = 0
            while j < t[i].count {
                var candidate = t
                candidate[i].remove(at: j)
                if truthTable(candidate, atoms) == reference {
                    t = candidate
                } else {
                    j += 1
                }
            }
            i += 1
        }
        t = absorb(t)
        // Drop conjunctions that the others cover.
        i = 0
        while i < t.count && t.count > 1 {
            var candidate = t
            candidate.remove(at: i)
            if truthTable(candidate, atoms) == reference { t = candidate } else { i += 1 }
        }
        return t
    }

    static func absorb(_ terms: [[Literal]]) -> [[Literal]] {
        var unique: [[Literal]] = []
        for t in terms where !unique.contains(t) { unique.append(t) }
        unique.sort { $0.count < $1.count }
        var out: [[Literal]] = []
        for t in unique where !out.contains(where: { s in s.allSatisfy { t.contains($0) } }) { out.append(t) }
        return out
    }

    static func truthTable(_ terms: [[Literal]], _ atoms: [Int]) -> [Bool] {
        var index: [Int: Int] = [:]
        for (n, a) in atoms.enumerated() { index[a] = n }
        return (0..<(1 << atoms.count)).map { bits in
            terms.contains { t in t.allSatisfy { l in ((bits >> (index[l.atom] ?? 0)) & 1 == 1) == l.positive } }
        }
    }

    /// Whether a formula is the same for every assignment of its atoms (when few).
    static func constant(_ f: Formula, atoms: Int) -> Bool? {
        guard atoms <= exhaustiveAtoms else { return nil }
        let first = f.eval { _ in false }
        for bits in 1..<max(1, 1 << atoms) where f.eval({ (bits >> $0) & 1 == 1 }) != first { return nil }
        return first
    }
}
