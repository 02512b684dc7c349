import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A tiny, obviously-correct evaluator written straight from SEMANTICS.md, with
/// its own model and its own matching code, to check the real one against
/// (differential testing). Slow on purpose: recursion, Foundation dates, inet_pton.
public enum Reference {
    public struct Statement: Sendable {
        public var allow: Bool
        public var notAction: Bool
        public var actions: [String]
        public var notResource: Bool
        /// nil in trust policies.
        public var resources: [String]?
        public var conditions: [(op: String, key: String, values: [String])]
        /// `Principal.RAM` (trust policies), and whether a Service principal is given instead.
        public var principalRAM: [String]?
    }

    public struct Policy: Sendable {
        public var statements: [Statement]
    }

    public struct Principal: Sendable {
        public var accountLevel: [Policy]
        public var resourceGroupLevel: [(group: String, policy: Policy)]
        public var trust: Policy?
    }

    public struct World: Sendable {
        public var accountId: String
        public var control: [Policy]
        public var users: [String: Principal]
        public var roles: [String: Principal]
    }

    public struct Request: Sendable {
        /// `root`, `user/NAME` or `role/NAME`.
        public var principal: String
        public var action: String
        public var resource: String?
        public var context: [(String, [String])]
        public var session: Policy?
        public var resourceGroup: String?
    }

    /// (decision, policy type) in the JSON output's words.
    public static func evaluate(_ w: World, _ r: Request, allResources: (String) -> Bool) -> (String, String?) {
        if r.principal == "root" { return ("allow", nil) }
        let isRole = r.principal.hasPrefix("role/")
        let name = String(r.principal.drop { $0 != "/" }.dropFirst())
        guard let p = isRole ? w.roles[name] : w.users[name] else { return ("error", nil) }
        let resource = allResources(r.action.lowercased()) ? "*" : (r.resource ?? "*")
        if !w.control.isEmpty {
            let c = layer(w.control, r.action, resource, r.context, caller: nil)
            if c != "allow" { return (c, "ControlPolicy") }
        }
        if let s = r.session {
            let c = layer([s], r.action, resource, r.context, caller: nil)
            if c != "allow" { return (c, "SessionPolicy") }
        }
        var identity = layer(p.accountLevel, r.action, resource, r.context, caller: nil)
        var identityType = "AccountLevelIdentityBasedPolicy"
        if identity == "implicitDeny", let g = r.resourceGroup {
            let scoped = p.resourceGroupLevel.filter { $0.group == g }.map(\.policy)
            if !scoped.isEmpty {
                identity = layer(scoped, r.action, resource, r.context, caller: nil)
                identityType = "ResourceGroupLevelIdentityBasedPolicy"
            }
        }
        if r.action.lowercased() == "sts:assumerole" {
            let parts = resource.split(separator: ":", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
            if parts.count == 5, parts[0] == "acs", parts[1] == "ram", parts[3] == w.accountId, parts[4].hasPrefix("role/"),
                let role = w.roles[String(parts[4].dropFirst(5))], let trust = role.trust
            {
                let caller =
                    isRole ? ["acs:ram::\(w.accountId):role/\(name)"] : ["acs:ram::\(w.accountId):root", "acs:ram::\(w.accountId):user/\(name)"]
                let t = layer([trust], r.action, resource, r.context, caller: caller)
                if identity == "explicitDeny" { return ("explicitDeny", identityType) }
                if t == "explicitDeny" { return ("explicitDeny", "AssumeRolePolicy") }
                if identity == "allow" && t == "allow" { return ("allow", nil) }
                return ("implicitDeny", identity != "allow" ? identityType : "AssumeRolePolicy")
            }
        }
        return identity == "allow" ? ("allow", nil) : (identity, identityType)
    }

    static func layer(_ ps: [Policy], _ action: String, _ resource: String, _ ctx: [(String, [String])], caller: [String]?) -> String {
        var allow = false
        for p in ps {
            for s in p.statements where applies(s, action, resource, ctx, caller) {
                if !s.allow { return "explicitDeny" }
                allow = true
            }
        }
        return allow ? "allow" : "implicitDeny"
    }

    static func applies(_ s: Statement, _ action: String, _ resource: String, _ ctx: [(String, [String])], _ caller: [String]?) -> Bool {
        let a = s.actions.contains { glob(Array($0.lowercased().unicodeScalars), Array(action.lowercased().unicodeScalars)) }
        if a == s.notAction { return false }
        if let rs = s.resources {
            let m = rs.contains { glob(Array($0.unicodeScalars), Array(resource.unicodeScalars)) }
            if m == s.notResource { return false }
        }
        if let caller {
            guard let named = s.principalRAM, named.contains(where: { caller.contains($0) }) else { return false }
        }
        return s.conditions.allSatisfy { holds($0.op, $0.key, $0.values, ctx) }
    }

    /// `*` any run, `?` one scalar; plain recursion.
    public static func glob(_ p: [Unicode.Scalar], _ t: [Unicode.Scalar]) -> Bool {
        guard let first = p.first else { return t.isEmpty }
        if first == "*" {
            return glob(Array(p.dropFirst()), t) || (!t.isEmpty && glob(p, Array(t.dropFirst())))
        }
        guard let c = t.first else { return false }
        if first == "?" || first == c { return glob(Array(p.dropFirst()), Array(t.dropFirst())) }
        return false
    }

    static let negated: Set<String> = [
        "StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "NumericNotEquals", "DateNotEquals", "NotIpAddress",
    ]

    static func holds(_ op: String, _ key: String, _ listed: [String], _ ctx: [(String, [String])]) -> Bool {
        let given = ctx.filter { $0.0.lowercased() == key.lowercased() }.flatMap(\.1)
        let neg = negated.contains(op)
        if given.isEmpty { return neg }
        var any = false
        for v in given {
            guard let m = matchOne(op, v, listed) else { return false }
            if m { any = true }
        }
        return neg ? !any : any
    }

    /// nil when the request value is not of the operator's type.
    static func matchOne(_ op: String, _ v: String, _ listed: [String]) -> Bool? {
        if op.hasPrefix("String") {
            switch op {
            case "StringEquals", "StringNotEquals": return listed.contains(v)
            case "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase": return listed.contains { $0.lowercased() == v.lowercased() }
            default: return listed.contains { glob(Array($0.unicodeScalars), Array(v.unicodeScalars)) }
            }
        }
        if op.hasPrefix("Numeric") {
            guard let x = number(v) else { return nil }
            return listed.contains { l in
                guard let y = number(l) else { return false }
                return compare(op.dropFirst(7), x < y ? -1 : (x > y ? 1 : 0))
            }
        }
        if op.hasPrefix("Date") {
            guard let x = date(v) else { return nil }
            return listed.contains { l in
                guard let y = date(l) else { return false }
                return compare(op.dropFirst(4), x < y ? -1 : (x > y ? 1 : 0))
            }
        }
        if op == "Bool" {
            let x = v.lowercased()
            guard x == "true" || x == "false" else { return nil }
            return listed.contains { $0.lowercased() == x }
        }
        guard let a = address(v) else { return nil }
        return listed.contains { cidrContains($0, a) }
    }

    static func compare(_ suffix: Substring, _ c: Int) -> Bool {
        switch suffix {
        case "Equals", "NotEquals": return c == 0
        case "LessThan": return c < 0
        case "LessThanEquals": return c <= 0
        case "GreaterThan": return c > 0
        default: return c >= 0
        }
    }

    static func number(_ s: String) -> Decimal? {
        var t = Substring(s)
        if t.first == "-" { t = t.dropFirst() }
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0 >= "0" && $0 <= "9" } }) else { return nil }
        return Decimal(string: s, locale: Locale(identifier: "en_US_POSIX"))
    }

    static func date(_ s: String) -> Date? {
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        let frac = ISO8601DateFormatter()
        frac.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if s.count == 10 { return plain.date(from: s + "T00:00:00Z") }
        guard s.count > 19, s.contains("T"), !s.contains("t"), !s.contains("z") else { return nil }
        return plain.date(from: s) ?? frac.date(from: s)
    }

    /// (is IPv6, 16 bytes).
    static func address(_ s: String) -> (Bool, [UInt8])? {
        var b = [UInt8](repeating: 0, count: 16)
        if s.contains(":") {
            return inet_pton(AF_INET6, s, &b) == 1 ? (true, b) : nil
        }
        return inet_pton(AF_INET, s, &b) == 1 ? (false, Array(b.prefix(4))) : nil
    }

    static func cidrContains(_ c: String, _ a: (Bool, [UInt8])) -> Bool {
        let parts = c.split(separator: "/")
        guard let net = address(String(parts[0])), net.0 == a.0 else { return false }
        let bits = parts.count == 2 ? Int(parts[1]) ?? 0 : net.1.count * 8
        for i in 0..<bits {
            let byte = i / 8
            let mask = UInt8(0x80) >> UInt8(i % 8)
            if net.1[byte] & mask != a.1[byte] & mask { return false }
        }
        return true
    }
}
