/// An exact decimal number, as RAM's Numeric operators read it:
/// `-?[0-9]+(\.[0-9]+)?` (no `+`, no exponent, no bare `.5`). Compared digit by
/// digit, so no value is too large and none loses precision.
public struct DecimalNumber: Sendable, Hashable, Comparable {
    let negative: Bool
    let integer: [UInt8]  // no leading zeros ("" for zero)
    let fraction: [UInt8]  // no trailing zeros

    public init?(_ text: String) {
        var b = Array(text.utf8)
        var neg = false
        if b.first == UInt8(ascii: "-") { neg = true; b.removeFirst() }
        guard !b.isEmpty else { return nil }
        var intPart: [UInt8] = []
        var fracPart: [UInt8] = []
        var k = 0
        while k < b.count && b[k] >= 0x30 && b[k] <= 0x39 { intPart.append(b[k]); k += 1 }
        guard !intPart.isEmpty else { return nil }
        if k < b.count {
            guard b[k] == UInt8(ascii: ".") else { return nil }
            k += 1
            while k < b.count && b[k] >= 0x30 && b[k] <= 0x39 { fracPart.append(b[k]); k += 1 }
            guard !fracPart.isEmpty, k == b.count else { return nil }
        }
        while intPart.first == 0x30 { intPart.removeFirst() }
        while fracPart.last == 0x30 { fracPart.removeLast() }
        self.integer = intPart
        self.fraction = fracPart
        self.negative = neg && !(intPart.isEmpty && fracPart.isEmpty)
    }

    private static func compareMagnitude(_ a: DecimalNumber, _ b: DecimalNumber) -> Int {
        if a.integer.count != b.integer.count { return a.integer.count < b.integer.count ? -1 : 1 }
        for (x, y) in zip(a.integer, b.integer) where x != y { return x < y ? -1 : 1 }
        let n = max(a.fraction.count, b.fraction.count)
        for k in 0..<n {
            let x = k < a.fraction.count ? a.fraction[k] : 0x30
            let y = k < b.fraction.count ? b.fraction[k] : 0x30
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }

    /// -1, 0 or 1.
    public static func compare(_ a: DecimalNumber, _ b: DecimalNumber) -> Int {
        if a.negative != b.negative { return a.negative ? -1 : 1 }
        let m = compareMagnitude(a, b)
        return a.negative ? -m : m
    }

    public static func < (a: DecimalNumber, b: DecimalNumber) -> Bool { compare(a, b) < 0 }
}

/// An instant in time, as RAM's Date operators read it: `YYYY-MM-DDThh:mm:ss(.f+)?(Z|±hh:mm)`
/// (upper-case `T` and `Z`) or a date alone (midnight UTC). Instants compare across
/// time zones (`…T17:00:00+08:00` equals `…T09:00:00Z`).
public struct DateInstant: Sendable, Hashable, Comparable {
    /// Seconds since 0000-03-01T00:00:00Z of the proleptic Gregorian calendar.
    let seconds: Int64
    /// Fractional-second digits, trailing zeros removed.
    let fraction: [UInt8]

    public init?(_ text: String) {
        let b = Array(text.utf8)
        func num(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var v = 0
            for k in from..<(from + count) {
                let c = b[k]
                guard c >= 0x30 && c <= 0x39 else { return nil }
                v = v * 10 + Int(c - 0x30)
            }
            return v
        }
        guard b.count >= 10, let year = num(0, 4), b[4] == UInt8(ascii: "-"), let month = num(5, 2),
            b[7] == UInt8(ascii: "-"), let day = num(8, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= DateInstant.daysIn(month: month, year: year) else { return nil }
        var secs = DateInstant.days(year: year, month: month, day: day) * 86_400
        var frac: [UInt8] = []
        if b.count > 10 {
            guard b[10] == UInt8(ascii: "T"), b.count >= 20, let hh = num(11, 2), b[13] == UInt8(ascii: ":"),
                let mm = num(14, 2), b[16] == UInt8(ascii: ":"), let ss = num(17, 2)
            else { return nil }
            guard hh <= 23, mm <= 59, ss <= 59 else { return nil }
            secs += Int64(hh * 3600 + mm * 60 + ss)
            var k = 19
            if b[k] == UInt8(ascii: ".") {
                k += 1
                let startFrac = k
                while k < b.count && b[k] >= 0x30 && b[k] <= 0x39 { frac.append(b[k]); k += 1 }
                guard k > startFrac else { return nil }
            }
            guard k < b.count else { return nil }  // a zone is required
            if b[k] == UInt8(ascii: "Z") {
                guard k + 1 == b.count else { return nil }
            } else if b[k] == UInt8(ascii: "+") || b[k] == UInt8(ascii: "-") {
                guard k + 6 == b.count, let oh = num(k + 1, 2), b[k + 3] == UInt8(ascii: ":"), let om = num(k + 4, 2),
                    oh <= 23, om <= 59
                else { return nil }
                let offset = Int64(oh * 3600 + om * 60)
                secs += b[k] == UInt8(ascii: "+") ? -offset : offset
            } else {
                return nil
            }
        }
        while frac.last == 0x30 { frac.removeLast() }
        self.seconds = secs
        self.fraction = frac
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days from the civil date (Howard Hinnant's algorithm), as Int64.
    static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe
    }

    public static func < (a: DateInstant, b: DateInstant) -> Bool {
        if a.seconds != b.seconds { return a.seconds < b.seconds }
        return a.fraction.lexicographicallyPrecedes(b.fraction)
    }
}

/// An IPv4 or IPv6 address (IPv4 never equals IPv6; an IPv4-mapped IPv6 address is IPv6).
public struct IPAddress: Sendable, Hashable {
    public let isV6: Bool
    public let value: UInt128

    public init?(_ text: String) {
        if text.utf8.contains(UInt8(ascii: ":")) {
            guard let v = IPAddress.parseV6(Substring(text)) else { return nil }
            isV6 = true
            value = v
        } else {
            guard let v = IPAddress.parseV4(Substring(text)) else { return nil }
            isV6 = false
            value = UInt128(v)
        }
    }

    /// Dotted quad, each part 0–255 without leading zeros.
    static func parseV4(_ s: Substring) -> UInt32? {
        var v: UInt32 = 0
        var part: UInt32 = 0
        var digits = 0
        var parts = 0
        var leadingZero = false
        for b in s.utf8 {
            if b == UInt8(ascii: ".") {
                guard digits > 0, parts < 3 else { return nil }
                v = v << 8 | part
                parts += 1
                part = 0
                digits = 0
                leadingZero = false
            } else if b >= 0x30 && b <= 0x39 {
                if leadingZero { return nil }
                if digits == 0 && b == 0x30 { leadingZero = true }
                digits += 1
                guard digits <= 3 else { return nil }
                part = part * 10 + UInt32(b - 0x30)
                guard part <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard digits > 0, parts == 3 else { return nil }
        return v << 8 | part
    }

    static func parseV6(_ s: Substring) -> UInt128? {
        var groups: [UInt16] = []
        var tail: [UInt16] = []
        var sawDouble = false
        var halves: [String] = []
        if let r = s.firstRange(of: "::") {
            halves = [String(s[..<r.lowerBound]), String(s[r.upperBound...])]
            if halves[1].firstRange(of: "::") != nil { return nil }
        } else {
            halves = [String(s)]
        }
        guard halves.count <= 2 else { return nil }
        func parseGroups(_ part: String, allowV4Tail: Bool) -> [UInt16]? {
            if part.isEmpty { return [] }
            let items = part.split(separator: ":", omittingEmptySubsequences: false)
            var out: [UInt16] = []
            for (n, item) in items.enumerated() {
                if n == items.count - 1 && allowV4Tail && item.utf8.contains(UInt8(ascii: ".")) {
                    guard let v4 = parseV4(item) else { return nil }
                    out.append(UInt16(v4 >> 16))
                    out.append(UInt16(v4 & 0xFFFF))
                    continue
                }
                guard !item.isEmpty, item.count <= 4, let g = UInt16(item, radix: 16),
                    item.allSatisfy({ $0.isHexDigit && $0.isASCII })
                else { return nil }
                out.append(g)
            }
            return out
        }
        if halves.count == 2 {
            sawDouble = true
            guard let a = parseGroups(halves[0], allowV4Tail: false), let b = parseGroups(halves[1], allowV4Tail: true) else { return nil }
            groups = a
            tail = b
            guard groups.count + tail.count <= 7 else { return nil }
        } else {
            guard let a = parseGroups(halves[0], allowV4Tail: true) else { return nil }
            groups = a
        }
        if !sawDouble && groups.count != 8 { return nil }
        let all = groups + Array(repeating: 0, count: 8 - groups.count - tail.count) + tail
        var v: UInt128 = 0
        for g in all { v = v << 16 | UInt128(g) }
        return v
    }
}

/// An IP address or CIDR block. A CIDR with host bits set means its network
/// (`10.1.2.3/8` = `10.0.0.0/8`).
public struct IPNetwork: Sendable, Hashable {
    public let isV6: Bool
    public let network: UInt128
    public let prefix: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(String(parts[0])) else { return nil }
        let width = address.isV6 ? 128 : 32
        var prefix = width
        if parts.count == 2 {
            let p = parts[1]
            guard !p.isEmpty, p.count <= 3, p.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(p), n <= width else { return nil }
            if p.count > 1 && p.first == "0" { return nil }
            prefix = n
        }
        self.isV6 = address.isV6
        self.prefix = prefix
        self.network = address.value & IPNetwork.mask(prefix: prefix, width: width)
    }

    static func mask(prefix: Int, width: Int) -> UInt128 {
        if prefix == 0 { return 0 }
        let all: UInt128 = width == 128 ? ~0 : UInt128(UInt32.max)
        return (all << UInt128(width - prefix)) & all
    }

    public func contains(_ a: IPAddress) -> Bool {
        guard a.isV6 == isV6 else { return false }
        return a.value & IPNetwork.mask(prefix: prefix, width: isV6 ? 128 : 32) == network
    }
}
