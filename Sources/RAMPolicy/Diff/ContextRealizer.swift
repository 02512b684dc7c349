/// Finds concrete request values for one condition key that make a set of condition
/// entries over it hold or fail as required — or proves there are none.
///
/// Candidates cover every part of the value space the entries distinguish: for strings, a
/// witness of every part of the partition by the entries' exact values, folded values and
/// `StringLike` patterns (``StringPartition``); for numbers and dates, every constant, a
/// value strictly between each two neighbours, one below and one above; for booleans `true`
/// and `false`; for IP addresses every network's first and last address and the addresses
/// just outside each; and one value of the wrong type. A requirement is a conjunction of
/// "some value …" and "every value …" conditions (SEMANTICS §3.2, §3.5), so one value per
/// "some" condition, all meeting every "every" condition, decides it; the key may also be
/// left out (§3.4).
enum ContextRealizer {
    /// What is known of a key's value set: absent, or these values.
    enum Choice: Equatable {
        case absent
        case values([String])
    }

    /// Values that make `requirements` (entry, must hold) all true, or nil.
    static func realize(_ requirements: [(entry: ConditionEntry, holds: Bool)]) -> Choice? {
        func satisfied(_ values: [String]) -> Bool {
            var ctx = RequestContext()
            if let key = requirements.first?.entry.key, !values.isEmpty { ctx.add(key, values: values) }
            var flags = AssumptionSet()
            return requirements.allSatisfy { (Evaluator.evalEntry($0.entry, ctx, &flags) == nil) == $0.holds }
        }
        if satisfied([]) { return .absent }
        let candidates = self.candidates(requirements.map(\.entry))
        // Per value and entry: nil malformed, else whether it matched (the positive form).
        let outcomes = candidates.map { v in requirements.map { Evaluator.matches(v, $0.entry) } }
        // Each requirement is "every value …" and/or "some value …" (k indexes the requirement):
        //   positive, holds:  every value well-formed, some value matches
        //   negated, holds:   every value well-formed and not matching
        //   positive, fails:  some value malformed, OR every value not matching  (a choice)
        //   negated, fails:   some value malformed or matching
        let choices = requirements.indices.filter { !requirements[$0].entry.op.isNegated && !requirements[$0].holds }
        guard choices.count <= 12 else { return nil }
        for combo in 0..<(1 << choices.count) {
            var every: [(Int, (Bool?) -> Bool)] = []
            var some: [(Int, (Bool?) -> Bool)] = []
            for (k, r) in requirements.enumerated() {
                switch (r.entry.op.isNegated, r.holds) {
                case (false, true):
                    every.append((k, { $0 != nil }))
                    some.append((k, { $0 == true }))
                case (true, true):
                    every.append((k, { $0 == false }))
                case (false, false):
                    let n = choices.firstIndex(of: k) ?? 0
                    if (combo >> n) & 1 == 0 { every.append((k, { $0 != true })) } else { some.append((k, { $0 == nil })) }
                case (true, false):
                    some.append((k, { $0 != false }))
                }
            }
            let pool = candidates.indices.filter { i in every.allSatisfy { $0.1(outcomes[i][$0.0]) } }
            guard let any = pool.first else { continue }
            // One value that meets every "some value" condition makes the plainest example.
            if let one = pool.first(where: { i in some.allSatisfy { $0.1(outcomes[i][$0.0]) } }), satisfied([candidates[one]]) {
                return .values([candidates[one]])
            }
            var chosen: [Int] = []
            var ok = true
            for (k, test) in some {
                if chosen.contains(where: { test(outcomes[$0][k]) }) { continue }
                guard let i = pool.first(where: { test(outcomes[$0][k]) }) else {
                    ok = false
                    break
                }
                chosen.append(i)
            }
            guard ok else { continue }
            let values = (chosen.isEmpty ? [any] : chosen).map { candidates[$0] }
            if satisfied(values) { return .values(values) }
        }
        return nil
    }

    /// Candidate values for a key from the entries over it (deduplicated, in a stable order).
    static func candidates(_ entries: [ConditionEntry]) -> [String] {
        var out: [String] = []
        var seen = Set<String>()
        func add(_ s: String) { if seen.insert(s).inserted { out.append(s) } }
        var stringPatterns: [[StringPartition.Element]] = []
        var numbers: [DecimalNumber] = []
        var numberTexts: [String] = []
        var dates: [(DateInstant, String)] = []
        var networks: [IPNetwork] = []
        var sawBool = false
        for e in entries {
            switch e.values {
            case .strings(let l):
                for s in l { stringPatterns.append(StringPartition.literal(s)) }
            case .folded:
                for s in e.texts { stringPatterns.append(StringPartition.literal(s, fold: true)) }
            case .globs:
                for s in e.texts { stringPatterns.append(StringPartition.glob(s)) }
            case .numbers(let l):
                numbers += l
                numberTexts += e.texts
            case .dates(let l):
                for (d, t) in zip(l, e.texts) { dates.append((d, t)) }
            case .bools:
                sawBool = true
            case .networks(let l):
                networks += l
            }
        }
        if !stringPatterns.isEmpty {
            let parts = (try? StringPartition.parts(stringPatterns, shape: .any, maxStates: 50_000)) ?? []
            for p in parts { add(p.witness) }
            if parts.isEmpty { for e in entries { for t in e.texts { add(t) } } }
        }
        if !numbers.isEmpty {
            for t in numberTexts { add(t) }
            for t in numberCandidates(numbers) { add(t) }
            add("not-a-number")
        }
        if !dates.isEmpty {
            for (_, t) in dates { add(t) }
            for t in dateCandidates(dates.map(\.0)) { add(t) }
            add("not-a-date")
        }
        if sawBool {
            add("true")
            add("false")
            add("not-a-bool")
        }
        if !networks.isEmpty {
            for t in ipCandidates(networks) { add(t) }
            add("not-an-ip")
        }
        return out
    }

    // MARK: - Numbers

    static func text(_ n: DecimalNumber) -> String {
        let i = n.integer.isEmpty ? "0" : String(decoding: n.integer, as: UTF8.self)
        let f = n.fraction.isEmpty ? "" : "." + String(decoding: n.fraction, as: UTF8.self)
        let zero = n.integer.isEmpty && n.fraction.isEmpty
        return (n.negative && !zero ? "-" : "") + i + f
    }

    /// `|n|` with `digits` fraction digits ending in 1: `|n| + 10^-digits` (digits longer than n's).
    static func nudgedMagnitude(_ n: DecimalNumber, digits: Int) -> String {
        let i = n.integer.isEmpty ? "0" : String(decoding: n.integer, as: UTF8.self)
        var f = String(decoding: n.fraction, as: UTF8.self)
        while f.count < digits - 1 { f += "0" }
        return i + "." + f + "1"
    }

    /// A value strictly between each two neighbours, one below the least, one above the greatest.
    static func numberCandidates(_ values: [DecimalNumber]) -> [String] {
        let sorted = Array(Set(values)).sorted()
        guard let least = sorted.first, let greatest = sorted.last else { return [] }
        let digits = (sorted.map(\.fraction.count).max() ?? 0) + 2
        func isZero(_ n: DecimalNumber) -> Bool { n.integer.isEmpty && n.fraction.isEmpty }
        var out: [String] = []
        // Below the least: least − ε.
        out.append(least.negative || isZero(least) ? "-" + nudgedMagnitude(least, digits: digits) : "0")
        for k in 0..<(sorted.count - 1) {
            let a = sorted[k]
            let b = sorted[k + 1]
            if !a.negative || isZero(a) {
                out.append(nudgedMagnitude(a, digits: digits))  // a + ε < b
            } else if b.negative && !isZero(b) {
                out.append("-" + nudgedMagnitude(b, digits: digits))  // b − ε > a
            } else {
                out.append("0")
            }
        }
        out.append(!greatest.negative || isZero(greatest) ? nudgedMagnitude(greatest, digits: digits) : "0")
        return out
    }

    // MARK: - Dates

    static func text(_ d: DateInstant) -> String? {
        var z = d.seconds / 86_400
        var secs = d.seconds % 86_400
        if secs < 0 {
            secs += 86_400
            z -= 1
        }
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        var y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        if month <= 2 { y += 1 }
        guard (0...9999).contains(y) else { return nil }
        func pad(_ v: Int64, _ n: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, n - s.count)) + s
        }
        let frac = d.fraction.isEmpty ? "" : "." + String(decoding: d.fraction, as: UTF8.self)
        return "\(pad(y, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secs / 3600, 2)):\(pad(secs % 3600 / 60, 2)):\(pad(secs % 60, 2))\(frac)Z"
    }

    static func dateCandidates(_ values: [DateInstant]) -> [String] {
        let sorted = Array(Set(values)).sorted()
        guard let least = sorted.first, let greatest = sorted.last else { return [] }
        let digits = (sorted.map(\.fraction.count).max() ?? 0) + 1
        func plusEpsilon(_ d: DateInstant) -> DateInstant {
            var f = d.fraction
            while f.count < digits - 1 { f.append(0x30) }
            f.append(0x31)
            return DateInstant(seconds: d.seconds, fraction: f)
        }
        var out: [String] = []
        if let t = text(DateInstant(seconds: least.seconds - 86_400, fraction: least.fraction)) { out.append(t) }
        for k in 0..<(sorted.count - 1) { if let t = text(plusEpsilon(sorted[k])) { out.append(t) } }
        if let t = text(plusEpsilon(greatest)) { out.append(t) }
        if let t = text(DateInstant(seconds: greatest.seconds + 86_400, fraction: greatest.fraction)) { out.append(t) }
        return out
    }

    // MARK: - IP addresses

    static func text(_ v: UInt128, v6: Bool) -> String {
        if !v6 { return [24, 16, 8, 0].map { String((v >> UInt128($0)) & 0xFF) }.joined(separator: ".") }
        return stride(from: 112, through: 0, by: -16).map { String((v >> UInt128($0)) & 0xFFFF, radix: 16) }.joined(separator: ":")
    }

    /// Every network's first and last address and the addresses just outside it, plus
    /// the ends of each family's space: every part of a laminar family of ranges has one.
    static func ipCandidates(_ networks: [IPNetwork]) -> [String] {
        var out: [String] = []
        var families = Set<Bool>()
        for n in networks {
            let width = n.isV6 ? 128 : 32
            families.insert(n.isV6)
            let size: UInt128 = n.prefix == 0 ? 0 : (UInt128(1) << UInt128(width - n.prefix))
            let first = n.network
            let maxValue: UInt128 = n.isV6 ? UInt128.max : UInt128(UInt32.max)
            let last = n.prefix == 0 ? maxValue : first + size - 1
            out.append(text(first, v6: n.isV6))
            out.append(text(last, v6: n.isV6))
            if first > 0 { out.append(text(first - 1, v6: n.isV6)) }
            if last < maxValue { out.append(text(last + 1, v6: n.isV6)) }
        }
        if !families.contains(true) { out.append("2001:db8::1") }
        if !families.contains(false) { out.append("192.0.2.1") }
        return out
    }
}

extension DateInstant {
    init(seconds: Int64, fraction: [UInt8]) {
        self.seconds = seconds
        var f = fraction
        while f.last == 0x30 { f.removeLast() }
        self.fraction = f
    }
}
