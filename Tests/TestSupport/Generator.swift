/// A small deterministic random generator (SplitMix64), so that a failing seed can be replayed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random worlds and requests over a small vocabulary chosen so that patterns,
/// conditions and layers collide often.
public struct WorldGenerator {
    public var rng: SplitMix64
    public init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    static let actions = [
        "ecs:DescribeInstances", "ecs:StartInstance", "oss:GetObject", "emr-serverless-spark:CreateWorkspace",
        "emr-serverless-spark:ListWorkspaces", "sts:AssumeRole", "ram:DecodeDiagnosticMessage",
    ]
    static let actionPatterns = [
        "*", "ecs:*", "ecs:Describe*", "ECS:describeinstances", "ecs:?tartInstance", "*:Get*", "oss:*Object", "emr-serverless-spark:*",
        "emr-serverless-spark:Create*", "emr-serverless-spark:CreateWorkspace", "sts:AssumeRole", "sts:*", "*:*Workspace*", "ram:Decode*",
    ]
    static let resources: [String?] = [
        "acs:ecs:cn-hangzhou:111:instance/i-1", "acs:oss:*:111:bucket/a.txt", "acs:ram::111:role/r1", "acs:ram::111:role/r2",
        "acs:ram:cn-beijing:111:role/r1", "acs:ram::999:role/r1", nil, "*",
    ]
    static let resourcePatterns = [
        "*", "acs:ecs:*:*:instance/*", "acs:ecs:cn-hangzhou:*:*", "acs:oss:*:*:bucket/*", "acs:ram::111:role/*", "acs:ram:*:*:role/r1",
        "acs:emr-serverless-spark:*:*:*", "acs:ECS:*:*:*", "?", "acs:*",
    ]
    public static let conditions: [(ops: [String], key: String, values: [String], given: [String])] = [
        (
            ["StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike"],
            "acs:SourceVpc", ["vpc-1", "VPC-1", "vpc-*", "v?c-2"], ["vpc-1", "VPC-1", "vpc-2", "vpc-12", ""]
        ),
        (
            ["NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals"],
            "k:n", ["1", "2.5", "-3", "0"], ["0", "1", "1.0", "2.50", "-3.01", "x", "12345678901234567890"]
        ),
        (
            ["DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals"],
            "acs:CurrentTime", ["2026-01-01T00:00:00Z", "2026-06-01T08:00:00+08:00", "2026-03-01"],
            ["2026-01-01T00:00:00Z", "2025-12-31T23:59:59Z", "2026-06-01T00:00:00Z", "2026-03-01T00:00:00+01:00", "bad", "2026-03-01"]
        ),
        (["Bool"], "acs:MFAPresent", ["true", "false"], ["true", "FALSE", "maybe"]),
        (
            ["IpAddress", "NotIpAddress"], "acs:SourceIp", ["10.0.0.0/8", "10.1.2.3", "192.168.0.0/16", "2001:db8::/32", "10.9.9.9/16"],
            ["10.1.2.3", "192.168.5.5", "2001:db8::1", "8.8.8.8", "nope", "10.9.1.1"]
        ),
    ]

    public mutating func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }
    public mutating func chance(_ percent: UInt64) -> Bool { rng.next() % 100 < percent }
    mutating func count(_ max: Int) -> Int { Int(rng.next() % UInt64(max + 1)) }

    mutating func statement(trust: Bool) -> Reference.Statement {
        var conds: [(op: String, key: String, values: [String])] = []
        for _ in 0..<(chance(50) ? count(2) : 0) {
            let c = pick(Self.conditions)
            let op = pick(c.ops)
            var values: [String] = []
            for _ in 0...count(1) { values.append(pick(c.values)) }
            conds.append((op, chance(20) ? c.key.uppercased() : c.key, values))
        }
        var acts: [String] = []
        for _ in 0...count(1) { acts.append(trust ? pick(["sts:AssumeRole", "sts:*", "*"]) : pick(Self.actionPatterns)) }
        var res: [String]? = nil
        if !trust {
            res = []
            for _ in 0...count(1) { res?.append(pick(Self.resourcePatterns)) }
        }
        var principal: [String]? = nil
        if trust {
            principal = []
            for _ in 0...count(1) {
                principal?.append(
                    pick(["acs:ram::111:root", "acs:ram::111:user/u1", "acs:ram::111:role/r1", "acs:ram::111:role/r2", "acs:ram::999:root"]))
            }
        }
        return Reference.Statement(
            allow: chance(70), notAction: !trust && chance(10), actions: acts, notResource: !trust && chance(10), resources: res,
            conditions: conds, principalRAM: principal)
    }

    mutating func policy(trust: Bool = false) -> Reference.Policy {
        var s: [Reference.Statement] = []
        for _ in 0...count(2) { s.append(statement(trust: trust)) }
        return Reference.Policy(statements: s)
    }

    mutating func principal(role: Bool) -> Reference.Principal {
        var acct: [Reference.Policy] = []
        for _ in 0..<count(3) { acct.append(policy()) }
        var rg: [(group: String, policy: Reference.Policy)] = []
        for _ in 0..<count(2) { rg.append((pick(["rg-1", "rg-2"]), policy())) }
        return Reference.Principal(accountLevel: acct, resourceGroupLevel: rg, trust: role && chance(85) ? policy(trust: true) : nil)
    }

    public mutating func world() -> Reference.World {
        var control: [Reference.Policy] = []
        if chance(40) { for _ in 0...count(1) { control.append(policy()) } }
        return Reference.World(
            accountId: "111", control: control, users: ["u1": principal(role: false)],
            roles: ["r1": principal(role: true), "r2": principal(role: true)])
    }

    public mutating func request() -> Reference.Request {
        let principal = pick(["user/u1", "user/u1", "role/r1", "role/r2", "root"])
        var ctx: [(String, [String])] = []
        for c in Self.conditions where chance(55) {
            var values = [pick(c.given)]
            if chance(15) { values.append(pick(c.given)) }
            ctx.append((chance(15) ? c.key.lowercased() : c.key, values))
        }
        return Reference.Request(
            principal: principal, action: pick(Self.actions), resource: pick(Self.resources), context: ctx,
            session: principal.hasPrefix("role/") && chance(30) ? policy() : nil, resourceGroup: pick([nil, "rg-1", "rg-2", "rg-3"]))
    }
}

/// Renders reference-model policies and worlds as the JSON the real tool reads.
public enum Render {
    static func str(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    static func list(_ xs: [String]) -> String { "[" + xs.map(str).joined(separator: ", ") + "]" }

    public static func policy(_ p: Reference.Policy) -> String {
        let stmts = p.statements.map { s -> String in
            var parts = ["\"Effect\": \(str(s.allow ? "Allow" : "Deny"))", "\"\(s.notAction ? "NotAction" : "Action")\": \(list(s.actions))"]
            if let r = s.resources { parts.append("\"\(s.notResource ? "NotResource" : "Resource")\": \(list(r))") }
            if let p = s.principalRAM { parts.append("\"Principal\": {\"RAM\": \(list(p))}") }
            if !s.conditions.isEmpty {
                // Group by operator: keys under one operator are ANDed, as are operators.
                var byOp: [(String, [(String, [String])])] = []
                for c in s.conditions {
                    if let k = byOp.firstIndex(where: { $0.0 == c.op }), !byOp[k].1.contains(where: { $0.0 == c.key }) {
                        byOp[k].1.append((c.key, c.values))
                    } else if !byOp.contains(where: { $0.0 == c.op }) {
                        byOp.append((c.op, [(c.key, c.values)]))
                    }
                }
                let inner = byOp.map { op in "\(str(op.0)): {" + op.1.map { "\(str($0.0)): \(list($0.1))" }.joined(separator: ", ") + "}" }
                parts.append("\"Condition\": {" + inner.joined(separator: ", ") + "}")
            }
            return "{" + parts.joined(separator: ", ") + "}"
        }
        return "{\"Version\": \"1\", \"Statement\": [" + stmts.joined(separator: ", ") + "]}"
    }

    /// Conditions that the JSON cannot express as generated (a repeated operator+key)
    /// are dropped from the reference model too, so both sides see the same policy.
    public static func normalized(_ p: Reference.Policy) -> Reference.Policy {
        var q = p
        for k in q.statements.indices {
            var seen: Set<String> = []
            q.statements[k].conditions = q.statements[k].conditions.filter { seen.insert($0.op + "\u{0}" + $0.key).inserted }
        }
        return q
    }

    public static func world(_ w: Reference.World) -> String {
        var policies: [String] = []
        var n = 0
        func add(_ p: Reference.Policy, _ type: String) -> String {
            n += 1
            let name = "p\(n)"
            policies.append("\(str(name)): {\"type\": \(str(type)), \"document\": \(policy(p))}")
            return name
        }
        let control = w.control.map { add($0, "Control") }
        func principal(_ p: Reference.Principal, role: Bool) -> String {
            let acct = p.accountLevel.map { add($0, "Custom") }
            let rg = p.resourceGroupLevel.map { "{\"resourceGroup\": \(str($0.group)), \"policy\": \(str(add($0.policy, "Custom")))}" }
            var parts = ["\"policies\": \(list(acct))", "\"resourceGroupPolicies\": [" + rg.joined(separator: ", ") + "]"]
            if let t = p.trust { parts.append("\"trustPolicy\": \(policy(t))") }
            return "{" + parts.joined(separator: ", ") + "}"
        }
        let users = w.users.sorted { $0.key < $1.key }.map { "\(str($0.key)): \(principal($0.value, role: false))" }
        let roles = w.roles.sorted { $0.key < $1.key }.map { "\(str($0.key)): \(principal($0.value, role: true))" }
        return "{\"accountId\": \(str(w.accountId)), \"policies\": {" + policies.joined(separator: ", ")
            + "}, \"controlPolicies\": \(list(control)), "
            + "\"users\": {" + users.joined(separator: ", ") + "}, \"roles\": {" + roles.joined(separator: ", ") + "}}"
    }

    public static func normalized(_ w: Reference.World) -> Reference.World {
        func np(_ p: Reference.Principal) -> Reference.Principal {
            Reference.Principal(
                accountLevel: p.accountLevel.map(normalized), resourceGroupLevel: p.resourceGroupLevel.map { ($0.group, normalized($0.policy)) },
                trust: p.trust.map(normalized))
        }
        return Reference.World(
            accountId: w.accountId, control: w.control.map(normalized), users: w.users.mapValues(np), roles: w.roles.mapValues(np))
    }
}
