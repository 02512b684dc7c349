import RAMCatalog
import RAMPolicy
import StrictJSON

/// Bytes read as choices: each call takes the next byte (0 once the input is spent).
struct Choices {
    let bytes: [UInt8]
    var at = 0

    mutating func next() -> Int {
        defer { at += 1 }
        return at < bytes.count ? Int(bytes[at]) : 0
    }

    mutating func pick<T>(_ xs: [T]) -> T { xs[next() % xs.count] }
    mutating func chance(_ outOf256: Int) -> Bool { next() < outOf256 }
}

extension Harness {
    static let actions = [
        "emr-serverless-spark:CreateWorkspace", "emr-serverless-spark:ListWorkspaces", "ecs:DescribeInstances", "oss:GetObject", "sts:AssumeRole",
        "ram:GetUser", "x:Y",
    ]
    static let actionPatterns = [
        "*", "emr-serverless-spark:*", "emr-serverless-spark:Create*", "emr-serverless-spark:CreateWorkspace", "ecs:*", "*:Get*", "oss:?etObject",
        "sts:AssumeRole", "ram:*",
    ]
    static let resourcePatterns = ["*", "acs:ecs:*:*:instance/*", "acs:oss:*:*:bucket/*", "acs:ram::1:role/*", "acs:emr-serverless-spark:*:*:*", "?"]
    static let resources = ["*", "acs:ecs:cn-hangzhou:1:instance/i-1", "acs:oss:*:1:bucket/a", "acs:ram::1:role/r", "acs:ram:x:1:role/r"]
    static let conditions: [(op: String, key: String, values: [String])] = [
        ("StringEquals", "acs:SourceVpc", ["vpc-1", "VPC-1"]), ("StringNotLike", "acs:SourceVpc", ["vpc-*"]),
        ("IpAddress", "acs:SourceIp", ["10.0.0.0/8", "2001:db8::/32"]), ("NotIpAddress", "acs:SourceIp", ["10.1.0.0/16"]),
        ("Bool", "acs:MFAPresent", ["true"]), ("NumericLessThan", "k:n", ["2.5", "-1"]), ("DateGreaterThan", "acs:CurrentTime", ["2026-01-01"]),
        ("StringEqualsIgnoreCase", "acs:SourceVpc", ["Vpc-2"]),
    ]
    static let contextValues: [(String, [String])] = [
        ("acs:SourceVpc", ["vpc-1", "VPC-1", "vpc-2", ""]), ("acs:SourceIp", ["10.1.2.3", "10.9.0.1", "2001:db8::1", "bad"]),
        ("acs:MFAPresent", ["true", "false", "x"]), ("k:n", ["0", "2.5", "-3", "1e9"]),
        ("acs:CurrentTime", ["2026-12-04T00:00:00Z", "2025-01-01", "bad"]),
    ]

    static func statement(_ c: inout Choices, deny: Bool? = nil) -> String {
        let effect = deny.map { $0 ? "Deny" : "Allow" } ?? (c.chance(64) ? "Deny" : "Allow")
        var acts: [String] = []
        for _ in 0...(c.next() % 2) { acts.append("\"\(c.pick(actionPatterns))\"") }
        var res: [String] = []
        for _ in 0...(c.next() % 2) { res.append("\"\(c.pick(resourcePatterns))\"") }
        let a = c.chance(24) ? "NotAction" : "Action"
        let r = c.chance(24) ? "NotResource" : "Resource"
        var s = "{\"Effect\":\"\(effect)\",\"\(a)\":[\(acts.joined(separator: ","))],\"\(r)\":[\(res.joined(separator: ","))]"
        // Operator → key → values (one entry per key: JSON keys must not repeat).
        var conds: [String: [String: Set<String>]] = [:]
        for _ in 0..<(c.next() % 3) {
            let k = c.pick(conditions)
            for _ in 0...(c.next() % 2) { conds[k.op, default: [:]][k.key, default: []].insert(c.pick(k.values)) }
        }
        if !conds.isEmpty {
            s +=
                ",\"Condition\":{"
                + conds.sorted { $0.key < $1.key }.map { op, keys in
                    let inner = keys.sorted { $0.key < $1.key }.map { k, vs in
                        "\"\(k)\":[" + vs.sorted().map { "\"\($0)\"" }.joined(separator: ",") + "]"
                    }
                    return "\"\(op)\":{" + inner.joined(separator: ",") + "}"
                }.joined(separator: ",") + "}"
        }
        return s + "}"
    }

    static func document(_ statements: [String]) -> String { "{\"Version\":\"1\",\"Statement\":[\(statements.joined(separator: ","))]}" }

    /// Either the bytes as a policy document evaluated on a request from the remaining
    /// choices, or policies and a request built from the bytes' choices; then every evaluator
    /// invariant, and two of RAM's rules: a Deny of everything denies, and dropping Deny
    /// statements never turns an allow into a denial.
    static func eval(_ data: UnsafeBufferPointer<UInt8>) {
        var c = Choices(bytes: Array(data))
        var policies: [Policy] = []
        var generated: [[(text: String, deny: Bool)]] = []
        if c.chance(64) {
            guard let p = try? PolicyParser.parse(SourceFile(name: "fuzz.json", bytes: Array(data)), name: "fuzz", kind: .identity) else { return }
            policies = [p]
        } else {
            for _ in 0...(c.next() % 2) {
                var stmts: [(String, Bool)] = []
                for _ in 0...(c.next() % 4) {
                    let deny = c.chance(64)
                    stmts.append((statement(&c, deny: deny), deny))
                }
                generated.append(stmts)
            }
            policies = generated.enumerated().compactMap { n, stmts in parse(document(stmts.map(\.text)), "gen\(n)") }
            Invariant.check(policies.count == generated.count, "a generated document does not parse")
        }
        let ev = Evaluator(policies: policies, facts: Catalog.shared)
        var ctx = RequestContext()
        for (k, vs) in contextValues where c.chance(128) {
            var values = [c.pick(vs)]
            if c.chance(32) { values.append(c.pick(vs)) }
            ctx.add(k, values: values)
        }
        let r = Request(action: c.pick(actions), resource: c.chance(128) ? c.pick(resources) : nil, context: ctx)
        Invariant.deterministic(ev, r)
        guard let before = try? ev.decide(r) else { return }
        if let deny = parse(document([#"{"Effect":"Deny","Action":"*","Resource":"*"}"#]), "deny"),
            let d = try? Evaluator(policies: policies + [deny], facts: Catalog.shared).decide(r)
        {
            Invariant.check(d.0 == .explicitDeny, "a Deny of everything did not deny (\(d.0))")
        }
        if before.0 == .allow && !generated.isEmpty {
            let allows = generated.enumerated().compactMap { n, stmts in
                stmts.contains { !$0.deny } ? parse(document(stmts.filter { !$0.deny }.map(\.text)), "allow\(n)") : nil
            }
            let after = try? Evaluator(policies: allows, facts: Catalog.shared).decide(r)
            Invariant.check(after?.0 == .allow, "dropping Deny statements turned an allow into \(String(describing: after?.0))")
        }
    }

    static func parse(_ text: String, _ name: String) -> Policy? {
        try? PolicyParser.parse(SourceFile(name: "\(name).json", text: text), name: name, kind: .identity)
    }
}
