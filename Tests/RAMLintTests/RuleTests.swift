import RAMLint
import RAMPolicy
import StrictJSON
import TestSupport
import Testing

/// One document and the rule ids (in order) its findings must carry.
struct RuleCase: CustomTestStringConvertible, Sendable {
    let note: String
    let doc: String
    let expected: [String]
    var testDescription: String { note }
}

private func stmt(_ body: String) -> String { "{\"Version\": \"1\", \"Statement\": [\(body)]}" }

let ruleCases: [RuleCase] = [
    // Every rule fires on its case and stays quiet on the near miss.
    RuleCase(
        note: "PolicySize: over 6,144 characters",
        doc: stmt(
            "{\"Effect\": \"Allow\", \"Action\": [" + Array(repeating: "\"ecs:DescribeInstances\"", count: 300).joined(separator: ",")
                + "], \"Resource\": \"*\"}"), expected: ["PolicySize", "UnknownService"] + Array(repeating: "DuplicateEntry", count: 299)),
    RuleCase(
        note: "UnknownService: a RAM code the catalog does not cover",
        doc: stmt(#"{"Effect": "Allow", "Action": "ecs:DescribeInstances", "Resource": "*"}"#), expected: ["UnknownService"]),
    RuleCase(
        note: "UnknownAction: a misspelt Spark action, with did-you-mean",
        doc: stmt(#"{"Effect": "Allow", "Action": "emr-serverless-spark:CreateWorkspac", "Resource": "*"}"#), expected: ["UnknownAction"]),
    RuleCase(
        note: "UnknownAction: quiet for a known action",
        doc: stmt(#"{"Effect": "Allow", "Action": "emr-serverless-spark:CreateWorkspace", "Resource": "*"}"#), expected: []),
    RuleCase(
        note: "PatternMatchesNothing", doc: stmt(#"{"Effect": "Allow", "Action": "emr-serverless-spark:Frobnicate*", "Resource": "*"}"#),
        expected: ["PatternMatchesNothing"]),
    RuleCase(note: "MalformedARN", doc: stmt(#"{"Effect": "Allow", "Action": "ram:GetUser", "Resource": "user/alice"}"#), expected: ["MalformedARN"]),
    RuleCase(
        note: "ARNServiceMismatch", doc: stmt(#"{"Effect": "Allow", "Action": "ram:GetUser", "Resource": "acs:oss:*:*:bucket/x"}"#),
        expected: ["ARNServiceMismatch"]),
    RuleCase(
        note: "ARNServiceMismatch: quiet for sts:AssumeRole on a ram role",
        doc: stmt(#"{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "acs:ram::1:role/x"}"#), expected: []),
    RuleCase(
        note: "AllResourcesIneffective: CreateWorkspace on an ARN",
        doc: stmt(#"{"Effect": "Allow", "Action": "emr-serverless-spark:CreateWorkspace", "Resource": "acs:emr-serverless-spark:*:*:workspace/*"}"#),
        expected: ["AllResourcesIneffective"]),
    RuleCase(
        note: "AllResourcesIneffective: a wildcard covering All Resources actions",
        doc: stmt(#"{"Effect": "Allow", "Action": "emr-serverless-spark:List*", "Resource": "acs:emr-serverless-spark:*:*:*"}"#),
        expected: ["AllResourcesIneffective"]),
    RuleCase(
        note: "ConditionKeyOtherService",
        doc: stmt(
            #"{"Effect": "Allow", "Action": "ram:GetUser", "Resource": "acs:ram:*:*:user/a", "Condition": {"StringLike": {"oss:Prefix": "a/*"}}}"#),
        expected: ["ConditionKeyOtherService"]),
    RuleCase(
        note: "ConditionKeyOtherService: quiet for acs: keys",
        doc: stmt(
            #"{"Effect": "Allow", "Action": "ram:GetUser", "Resource": "acs:ram:*:*:user/a", "Condition": {"IpAddress": {"acs:SourceIp": ["10.0.0.0/8"]}}}"#
        ), expected: []),
    RuleCase(note: "FullAdministrator", doc: stmt(#"{"Effect": "Allow", "Action": "*", "Resource": "*"}"#), expected: ["FullAdministrator"]),
    RuleCase(
        note: "FullAdministrator: quiet with a condition",
        doc: stmt(#"{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"Bool": {"acs:MFAPresent": ["true"]}}}"#), expected: []),
    RuleCase(
        note: "AllowNotAction", doc: stmt(#"{"Effect": "Allow", "NotAction": "ram:*", "Resource": "*"}"#),
        expected: ["AllowNotAction", "PrivilegeEscalation"]),
    RuleCase(
        note: "PrivilegeEscalation: ram:*", doc: stmt(#"{"Effect": "Allow", "Action": "ram:*", "Resource": "*"}"#),
        expected: ["PrivilegeEscalation", "CredentialExposure", "ServiceWildcard"]),
    RuleCase(
        note: "PrivilegeEscalation: PassRole on *", doc: stmt(#"{"Effect": "Allow", "Action": "ram:PassRole", "Resource": "*"}"#),
        expected: ["PrivilegeEscalation"]),
    RuleCase(
        note: "PrivilegeEscalation: quiet for PassRole on one role",
        doc: stmt(#"{"Effect": "Allow", "Action": "ram:PassRole", "Resource": "acs:ram:*:*:role/MyApplicationRole"}"#), expected: []),
    RuleCase(
        note: "CredentialExposure", doc: stmt(#"{"Effect": "Allow", "Action": ["ram:CreateAccessKey"], "Resource": "*"}"#),
        expected: ["UnknownAction", "CredentialExposure"]),
    RuleCase(
        note: "ServiceWildcard", doc: stmt(#"{"Effect": "Allow", "Action": "emr-serverless-spark:*", "Resource": "*"}"#),
        expected: ["ServiceWildcard"]),
    RuleCase(
        note: "TrustAnyPrincipal", doc: stmt(#"{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"RAM": "*"}}"#),
        expected: ["TrustAnyPrincipal"]),
    RuleCase(
        note: "TrustForeignAccount: quiet without a snapshot",
        doc: stmt(#"{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"RAM": "acs:ram::999:root"}}"#), expected: []),
    RuleCase(
        note: "DuplicateEntry",
        doc: stmt(#"{"Effect": "Allow", "Action": ["emr-serverless-spark:GetJobRun", "emr-serverless-spark:getjobrun"], "Resource": "*"}"#),
        expected: ["DuplicateEntry"]),
    RuleCase(
        note: "ConditionNeverHolds",
        doc: stmt(
            #"{"Effect": "Allow", "Action": "emr-serverless-spark:GetJobRun", "Resource": "*", "Condition": {"DateLessThan": {"acs:CurrentTime": "2019-08-12T17:00:00+08:00"}}}"#
        ), expected: ["ConditionNeverHolds"]),
    RuleCase(
        note: "ConditionNeverHolds: quiet for a future date",
        doc: stmt(
            #"{"Effect": "Allow", "Action": "emr-serverless-spark:GetJobRun", "Resource": "*", "Condition": {"DateLessThan": {"acs:CurrentTime": "2999-01-01T00:00:00Z"}}}"#
        ), expected: []),
    RuleCase(
        note: "RedundantStatement",
        doc: stmt(
            #"{"Effect": "Allow", "Action": "emr-serverless-spark:Get*", "Resource": "*"}, {"Effect": "Allow", "Action": "emr-serverless-spark:GetJobRun", "Resource": "*"}"#
        ), expected: ["RedundantStatement"]),
    RuleCase(
        note: "RedundantStatement: quiet when the other has a condition",
        doc: stmt(
            #"{"Effect": "Allow", "Action": "emr-serverless-spark:Get*", "Resource": "*", "Condition": {"Bool": {"acs:MFAPresent": ["true"]}}}, {"Effect": "Allow", "Action": "emr-serverless-spark:GetJobRun", "Resource": "*"}"#
        ), expected: []),
    RuleCase(
        note: "DenyNeverMatches: a Deny of CreateWorkspace on an ARN",
        doc: stmt(#"{"Effect": "Deny", "Action": "emr-serverless-spark:CreateWorkspace", "Resource": "acs:emr-serverless-spark:*:*:*"}"#),
        expected: ["DenyNeverMatches"]),
    RuleCase(
        note: "DenyNeverMatches: NotResource *", doc: stmt(#"{"Effect": "Deny", "Action": "emr-serverless-spark:GetJobRun", "NotResource": "*"}"#),
        expected: ["DenyNeverMatches"]),
    // Documents that do not load are findings with the core's codes.
    RuleCase(note: "a trailing comma", doc: #"{"Version": "1", "Statement": [],}"#, expected: ["json-trailing-comma"]),
    RuleCase(
        note: "schema errors, all of them", doc: #"{"Version": "2", "Statement": [{"Effect": "allow", "Action": "x", "Resource": []}]}"#,
        expected: ["policy-version", "policy-effect", "policy-action-syntax", "policy-empty-array"]),
    RuleCase(
        note: "a bad CIDR value",
        doc: stmt(
            #"{"Effect": "Allow", "Action": "emr-serverless-spark:GetJobRun", "Resource": "*", "Condition": {"IpAddress": {"acs:SourceIp": "10.0.0.0/33"}}}"#
        ), expected: ["policy-condition-value"]),
]

@Suite("Lint rules")
struct RuleTests {
    @Test("findings", arguments: ruleCases)
    func findings(_ c: RuleCase) {
        let linter = Linter(now: "2026-12-04T00:00:00Z")
        let found = linter.lint(SourceFile(name: "doc.json", text: c.doc))
        #expect(found.map(\.code) == c.expected)
        for d in found {
            #expect(d.range != nil, "every finding has a position")
            #expect(!(d.help ?? "").isEmpty, "every finding has help: \(d.code)")
            #expect(!d.message.hasSuffix("."))
        }
    }

    @Test("a snapshot's trust policy that trusts a foreign account")
    func foreignAccount() {
        let snap =
            #"{"accountId": "111", "policies": {}, "roles": {"r": {"trustPolicy": {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"RAM": ["acs:ram::999:root", "acs:ram::111:root"]}}]}}}}"#
        let found = Linter(now: "2026-12-04T00:00:00Z").lint(SourceFile(name: "acct.json", text: snap))
        #expect(found.map(\.code) == ["TrustForeignAccount"])
        #expect(found.first?.message.contains("`999`") == true)
    }

    @Test("every rule has an id, a summary, help and a severity")
    func metadata() {
        #expect(Linter.rules.count >= 19)
        let ids = Linter.rules.map { $0.id }
        #expect(Set(ids).count == ids.count)
        for r in Linter.rules {
            #expect(!r.summary.isEmpty && !r.help.isEmpty)
            #expect(r.severity != .note)
        }
    }
}

@Suite("Lint on hostile input")
struct LintMutationTests {
    @Test("mutated documents give findings, never a crash")
    func mutated() throws {
        let linter = Linter(now: "2026-12-04T00:00:00Z")
        var g = SplitMix64(seed: 7)
        for c in ruleCases {
            let original = Array(c.doc.utf8)
            for _ in 0..<60 {
                var b = original
                let at = Int(g.next() % UInt64(b.count))
                switch g.next() % 3 {
                case 0: b.remove(at: at)
                case 1: b.insert(UInt8(truncatingIfNeeded: g.next()), at: at)
                default: b[at] = Array("{}[]\":,*?\\".utf8)[Int(g.next() % 10)]
                }
                for d in linter.lint(SourceFile(name: "m.json", bytes: b)) {
                    #expect(d.range != nil)
                    _ = d.range?.file.lineText(d.range?.start.line ?? 1)
                }
            }
        }
    }
}
