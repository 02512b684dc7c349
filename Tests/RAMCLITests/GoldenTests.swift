import Foundation
import StrictJSON
import TestSupport
import Testing

/// End-to-end tests of the built `ramcheck` binary: stdout, stderr and exit status
/// against golden files in `Tests/Golden`. Run with `RAMCHECK_RECORD=1` to re-record.
struct GoldenCase: CustomTestStringConvertible, Sendable {
    let name: String
    let args: [String]
    var testDescription: String { "\(name): ramcheck \(args.joined(separator: " "))" }
}

let acct = ["--account", "policies/account.json"]
let denials = "Tests/Golden/inputs/denials"
let diffs = "Tests/Golden/inputs/diff"

let goldenCases: [GoldenCase] = [
    // can, ad hoc
    GoldenCase(name: "can-grant", args: ["can", "--policy", "policies/grant-create-workspace.json"]),
    GoldenCase(
        name: "can-explicit-deny",
        args: ["can", "--policy", "policies/grant-create-workspace.json", "--policy", "policies/deny-create-workspace.json"]),
    GoldenCase(name: "can-arn-scoped", args: ["can", "--policy", "policies/arn-scoped-grant.json"]),
    GoldenCase(name: "can-ip-missing", args: ["can", "--policy", "policies/ip-conditioned-grant.json"]),
    GoldenCase(name: "can-ip-inside", args: ["can", "--policy", "policies/ip-conditioned-grant.json", "--context", "acs:SourceIp=10.1.2.3"]),
    GoldenCase(name: "can-ip-outside", args: ["can", "--policy", "policies/ip-conditioned-grant.json", "--context", "acs:SourceIp=8.8.8.8"]),
    GoldenCase(name: "can-ip-malformed", args: ["can", "--policy", "policies/ip-conditioned-grant.json", "--context", "acs:SourceIp=10.1.2"]),
    GoldenCase(name: "can-full-access", args: ["can", "--policy", "policies/system/AliyunEMRServerlessSparkFullAccess.json"]),
    GoldenCase(name: "can-developer-access", args: ["can", "--policy", "policies/system/AliyunEMRServerlessSparkDeveloperAccess.json"]),
    GoldenCase(
        name: "can-readonly-list",
        args: ["can", "emr-serverless-spark:ListWorkspaces", "--policy", "policies/system/AliyunEmrServerlessSparkReadOnlyAccess.json"]),
    GoldenCase(name: "can-json", args: ["can", "--policy", "policies/arn-scoped-grant.json", "--format", "json"]),
    GoldenCase(
        name: "can-json-allow",
        args: ["can", "--policy", "policies/ip-conditioned-grant.json", "--context", "acs:SourceIp=10.1.2.3", "--format", "json"]),
    GoldenCase(
        name: "can-resource-ignored",
        args: ["can", "--policy", "policies/grant-create-workspace.json", "--resource", "acs:emr-serverless-spark:cn-hangzhou:1:workspace/w"]),
    GoldenCase(
        name: "can-control-adhoc",
        args: [
            "can", "ecs:StartInstance", "--policy", "Tests/Corpus/ram-examples/30-sts-assumerole-session-policy-example.json", "--control-policy",
            "policies/system/AliyunEMRServerlessSparkFullAccess.json",
        ]),
    // can, account snapshot
    GoldenCase(name: "account-alice", args: ["can"] + acct + ["--principal", "user/alice"]),
    GoldenCase(name: "account-bob", args: ["can"] + acct + ["--principal", "user/bob"]),
    GoldenCase(name: "account-carol", args: ["can"] + acct + ["--principal", "user/carol"]),
    GoldenCase(name: "account-carol-rg", args: ["can"] + acct + ["--principal", "user/carol", "--resource-group", "rg-spark-prod"]),
    GoldenCase(name: "account-dave", args: ["can"] + acct + ["--principal", "user/dave"]),
    GoldenCase(name: "account-erin", args: ["can"] + acct + ["--principal", "user/erin", "--context", "acs:SourceIp=192.168.4.4"]),
    GoldenCase(name: "account-mfa-false", args: ["can"] + acct + ["--principal", "user/alice", "--context", "acs:MFAPresent=false"]),
    GoldenCase(name: "account-root", args: ["can"] + acct + ["--principal", "root"]),
    GoldenCase(
        name: "account-role-session", args: ["can"] + acct + ["--principal", "role/spark-runner", "--session-policy", "policies/session-policy.json"]),
    GoldenCase(
        name: "account-assume-alice",
        args: ["can", "sts:AssumeRole"] + acct + ["--principal", "user/alice", "--resource", "acs:ram::1234567890123456:role/spark-runner"]),
    GoldenCase(
        name: "account-assume-bob",
        args: ["can", "sts:AssumeRole"] + acct + ["--principal", "user/bob", "--resource", "acs:ram::1234567890123456:role/spark-runner"]),
    GoldenCase(name: "account-json", args: ["can"] + acct + ["--principal", "user/dave", "--format", "json"]),
    // eval and actions
    GoldenCase(name: "eval-account", args: ["eval", "--requests", "Tests/Golden/inputs/requests.jsonl", "--no-default-context"] + acct),
    GoldenCase(name: "actions-create", args: ["actions", "emr-serverless-spark:Create*"]),
    GoldenCase(name: "actions-level", args: ["actions", "--access-level", "create"]),
    GoldenCase(name: "actions-json", args: ["actions", "sts:*", "--format", "json"]),
    GoldenCase(name: "actions-none", args: ["actions", "nosuch:*"]),
    GoldenCase(name: "version", args: ["--version"]),
    GoldenCase(name: "help", args: ["--help"]),
    GoldenCase(name: "can-help", args: ["can", "--help"]),
    // bad input: a clear message, exit 2, nothing on stdout
    GoldenCase(name: "bad-trailing-comma", args: ["can", "--policy", "policies/bad/trailing-comma.json"]),
    GoldenCase(name: "bad-comment", args: ["can", "--policy", "policies/bad/comment.json"]),
    GoldenCase(name: "bad-schema", args: ["can", "--policy", "policies/bad/schema-errors.json"]),
    GoldenCase(name: "bad-account", args: ["can", "--account", "policies/bad/bad-account.json", "--principal", "user/alice"]),
    GoldenCase(name: "bad-utf8", args: ["can", "--policy", "Tests/Golden/inputs/invalid-utf8.json"]),
    GoldenCase(name: "bad-deep", args: ["can", "--policy", "Tests/Golden/inputs/deep.json"]),
    GoldenCase(name: "bad-too-large", args: ["can", "--policy", "policies/grant-create-workspace.json", "--max-file-size", "10"]),
    GoldenCase(name: "bad-missing-file", args: ["can", "--policy", "policies/nope.json"]),
    GoldenCase(name: "bad-directory", args: ["can", "--policy", "policies"]),
    GoldenCase(name: "bad-flag", args: ["can", "--polcy", "policies/grant-create-workspace.json"]),
    GoldenCase(name: "bad-format", args: ["can", "--policy", "policies/grant-create-workspace.json", "--format", "yaml"]),
    GoldenCase(name: "bad-no-policy", args: ["can"]),
    GoldenCase(name: "bad-both", args: ["can", "--policy", "policies/grant-create-workspace.json"] + acct + ["--principal", "root"]),
    GoldenCase(name: "bad-no-principal", args: ["can"] + acct),
    GoldenCase(name: "bad-unknown-principal", args: ["can"] + acct + ["--principal", "user/mallory"]),
    GoldenCase(name: "bad-principal-syntax", args: ["can"] + acct + ["--principal", "alice"]),
    GoldenCase(name: "bad-action", args: ["can", "CreateWorkspace", "--policy", "policies/grant-create-workspace.json"]),
    GoldenCase(name: "bad-context", args: ["can", "--policy", "policies/grant-create-workspace.json", "--context", "acs:SourceIp"]),
    GoldenCase(name: "bad-session-user", args: ["can"] + acct + ["--principal", "user/alice", "--session-policy", "policies/session-policy.json"]),
    GoldenCase(name: "bad-extra-argument", args: ["can", "a:B", "c:D", "--policy", "policies/grant-create-workspace.json"]),
    GoldenCase(name: "bad-command", args: ["cna"]),
    GoldenCase(name: "fetch-no-out", args: ["fetch", "--all"]),
    // --open-context: residual conditions over the keys not given
    GoldenCase(
        name: "open-context-text", args: ["can", "--policy", "Tests/Golden/inputs/open-context.json", "--open-context", "--no-default-context"]),
    GoldenCase(
        name: "open-context-json",
        args: [
            "can", "--policy", "Tests/Golden/inputs/open-context.json", "--open-context", "--context", "acs:CurrentTime=2026-12-04T00:00:00Z",
            "--format", "json",
        ]),
    GoldenCase(name: "open-context-account", args: ["can"] + acct + ["--principal", "user/alice", "--open-context"]),
    GoldenCase(
        name: "open-context-eval",
        args: [
            "eval", "--policy", "Tests/Golden/inputs/open-context.json", "--requests", "Tests/Golden/inputs/open-requests.jsonl", "--open-context",
            "--no-default-context",
        ]),
    GoldenCase(name: "open-context-fixed", args: ["can"] + acct + ["--principal", "user/dave", "--open-context"]),
    // audit
    GoldenCase(name: "audit-create", args: ["audit"] + acct + ["--access-level", "create", "--no-default-context"]),
    GoldenCase(
        name: "audit-json",
        args: ["audit"] + acct + [
            "--actions", "emr-serverless-spark:CreateWorkspace", "--actions", "emr-serverless-spark:List*", "--format", "json",
            "--no-default-context",
        ]),
    GoldenCase(
        name: "audit-csv",
        args: ["audit"] + acct + [
            "--actions", "emr-serverless-spark:CreateWorkspace", "--actions", "ecs:StartInstance", "--format", "csv", "--no-default-context",
        ]),
    GoldenCase(
        name: "audit-closed",
        args: ["audit"] + acct + ["--actions", "emr-serverless-spark:CreateWorkspace", "--closed-context", "--no-default-context"]),
    GoldenCase(name: "audit-bad-level", args: ["audit"] + acct + ["--access-level", "write"]),
    GoldenCase(name: "audit-no-account", args: ["audit"]),
    GoldenCase(name: "audit-nothing", args: ["audit"] + acct + ["--actions", "nosuch:Thing*"]),
    // diff: exact new and removed access
    GoldenCase(name: "diff-files", args: ["diff", "\(diffs)/old.json", "\(diffs)/new.json"]),
    GoldenCase(name: "diff-same", args: ["diff", "\(diffs)/old.json", "\(diffs)/old.json"]),
    GoldenCase(name: "diff-json", args: ["diff", "\(diffs)/old.json", "\(diffs)/new.json", "--format", "json"]),
    GoldenCase(name: "diff-sarif", args: ["diff", "\(diffs)/old.json", "\(diffs)/new.json", "--format", "sarif"]),
    GoldenCase(name: "diff-markdown", args: ["diff", "\(diffs)/old.json", "\(diffs)/new.json", "--format", "markdown"]),
    GoldenCase(name: "diff-allow", args: ["diff", "\(diffs)/old.json", "\(diffs)/new.json", "--allow", "\(diffs)/allow.json"]),
    GoldenCase(name: "diff-bad-allow", args: ["diff", "\(diffs)/old.json", "\(diffs)/new.json", "--allow", "\(diffs)/bad-allow.json"]),
    GoldenCase(name: "diff-accounts", args: ["diff", "policies/account.json", "policies/account-next.json"]),
    GoldenCase(name: "diff-accounts-reverse", args: ["diff", "policies/account-next.json", "policies/account.json", "--format", "markdown"]),
    GoldenCase(name: "diff-folder-same", args: ["diff", "policies", "policies", "--exclude", "bad/*"]),
    GoldenCase(name: "diff-folder-vs-file", args: ["diff", "policies/system", "\(diffs)/new.json"]),
    GoldenCase(name: "diff-missing", args: ["diff", "\(diffs)/old.json", "\(diffs)/nope.json"]),
    GoldenCase(name: "diff-bad-policy", args: ["diff", "\(diffs)/old.json", "policies/bad/trailing-comma.json"]),
    GoldenCase(name: "diff-bad-git", args: ["diff", "git:no-such-revision:policies", "policies", "--exclude", "bad/*"]),
    // explain-denial: every shape of a pasted denial, alone and re-simulated
    GoldenCase(name: "denial-spark-implicit", args: ["explain-denial", "\(denials)/spark-implicit.json"]),
    GoldenCase(name: "denial-spark-implicit-account", args: ["explain-denial", "\(denials)/spark-implicit.json"] + acct),
    GoldenCase(name: "denial-decoded-account", args: ["explain-denial", "\(denials)/decoded.json"] + acct),
    GoldenCase(name: "denial-decoded-json", args: ["explain-denial", "\(denials)/decoded.json", "--format", "json"] + acct),
    GoldenCase(name: "denial-control-lower", args: ["explain-denial", "\(denials)/control-explicit-lower.json"]),
    GoldenCase(name: "denial-control-disagrees", args: ["explain-denial", "\(denials)/control-explicit-lower.json"] + acct),
    GoldenCase(name: "denial-oss-xml", args: ["explain-denial", "\(denials)/oss-explicit.xml"]),
    GoldenCase(name: "denial-cli-output", args: ["explain-denial", "\(denials)/cli-output.txt", "--format", "json"]),
    GoldenCase(name: "denial-adb-detail-alone", args: ["explain-denial", "Tests/Corpus/ram-examples/31-accessdenieddetail-example-adb.json"]),
    GoldenCase(name: "denial-code-only", args: ["explain-denial", "\(denials)/code-only.json"]),
    GoldenCase(name: "denial-broken", args: ["explain-denial", "\(denials)/broken.json"]),
    GoldenCase(name: "denial-not-a-denial", args: ["explain-denial", "\(denials)/not-denial.json"]),
    GoldenCase(name: "denial-user-id-unknown", args: ["explain-denial", "\(denials)/cli-output.txt"] + acct),
    GoldenCase(name: "bad-eval-no-requests", args: ["eval"] + acct),
    GoldenCase(name: "bad-actions-pattern", args: ["actions", "CreateWorkspace"]),
    GoldenCase(name: "bad-unknown-operator", args: ["can", "--policy", "policies/bad/unknown-operator.json"]),
    // lint
    GoldenCase(name: "lint-text", args: ["lint", "Tests/Golden/inputs/lint"]),
    GoldenCase(name: "lint-json", args: ["lint", "Tests/Golden/inputs/lint", "--format", "json"]),
    GoldenCase(name: "lint-sarif", args: ["lint", "Tests/Golden/inputs/lint", "--format", "sarif"]),
    GoldenCase(name: "lint-github", args: ["lint", "Tests/Golden/inputs/lint", "--format", "github"]),
    GoldenCase(name: "lint-clean", args: ["lint", "policies/grant-create-workspace.json", "policies/session-policy.json"]),
    GoldenCase(name: "lint-fail-on-warning", args: ["lint", "Tests/Golden/inputs/lint/spark-team.json", "--fail-on", "warning"]),
    GoldenCase(name: "lint-fail-on-default", args: ["lint", "Tests/Golden/inputs/lint/spark-team.json"]),
    GoldenCase(name: "lint-snapshot", args: ["lint", "policies/account.json", "--disable", "UnknownService"]),
    GoldenCase(name: "lint-junit", args: ["lint", "Tests/Golden/inputs/lint", "--format", "junit"]),
    GoldenCase(name: "lint-config", args: ["lint", "Tests/Golden/inputs/lint", "--config", "Tests/Golden/inputs/lint-config.json"]),
    GoldenCase(name: "lint-baseline", args: ["lint", "Tests/Golden/inputs/lint", "--baseline", "Tests/Golden/inputs/lint-baseline.json"]),
    GoldenCase(name: "bad-lint-config", args: ["lint", "policies", "--config", "Tests/Golden/inputs/bad-config.json"]),
    GoldenCase(name: "bad-lint-missing", args: ["lint", "policies/nope"]),
    GoldenCase(name: "gate-pass", args: ["gate", "policies/gate-pass.json"]),
    GoldenCase(name: "gate-fail", args: ["gate", "policies/gate-fail.json"]),
    GoldenCase(name: "gate-fail-junit", args: ["gate", "policies/gate-fail.json", "--format", "junit"]),
    GoldenCase(name: "gate-fail-github", args: ["gate", "policies/gate-fail.json", "--format", "github"]),
    GoldenCase(name: "gate-pass-sarif", args: ["gate", "policies/gate-pass.json", "--format", "sarif"]),
    GoldenCase(name: "bad-gate-config", args: ["gate", "Tests/Golden/inputs/bad-gate.json"]),
    GoldenCase(name: "bad-lint-level", args: ["lint", "policies", "--fail-on", "info"]),
    GoldenCase(name: "bad-lint-rule", args: ["lint", "policies", "--disable", "NoSuchRule"]),
    GoldenCase(name: "can-lenient", args: ["can", "--policy", "policies/bad/unknown-operator.json", "--lenient"]),
    GoldenCase(name: "can-lenient-json", args: ["can", "--policy", "policies/bad/unknown-operator.json", "--lenient", "--format", "json"]),
]

@Suite("ramcheck binary, golden files")
struct GoldenTests {
    static var binary: URL {
        // The test runner lives in the build products folder, beside the executable.
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = runner.deletingLastPathComponent()
        for _ in 0..<4 where !FileManager.default.fileExists(atPath: dir.appendingPathComponent("ramcheck").path) {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("ramcheck")
    }

    struct Result {
        let stdout: String
        let stderr: String
        let status: Int32
    }

    static func run(_ args: [String], stdin: Data? = nil, environment: [String: String]? = nil, in directory: URL? = nil) throws -> Result {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        p.currentDirectoryURL = directory ?? CorpusPaths.root
        var env = environment ?? ProcessInfo.processInfo.environment
        if environment != nil { env["PATH"] = ProcessInfo.processInfo.environment["PATH"] }
        env["NO_COLOR"] = "1"
        p.environment = env
        let out = Pipe()
        let err = Pipe()
        let inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        if let stdin { inp.fileHandleForWriting.write(stdin) }
        try inp.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self), status: p.terminationStatus)
    }

    static func render(_ args: [String], _ r: Result) -> String {
        "$ ramcheck \(args.joined(separator: " "))\nexit: \(r.status)\n--- stdout\n\(r.stdout)--- stderr\n\(r.stderr)"
    }

    @Test("output matches the golden file", arguments: goldenCases)
    func golden(_ c: GoldenCase) throws {
        let r = try Self.run(c.args)
        let text = Self.render(c.args, r)
        let url = CorpusPaths.tests.appendingPathComponent("Golden/\(c.name).golden")
        if ProcessInfo.processInfo.environment["RAMCHECK_RECORD"] != nil {
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(text == expected, "re-record with RAMCHECK_RECORD=1 swift test --filter Golden")
        // Exit 2 always comes with a message on stderr and nothing on stdout.
        if r.status == 2 && !c.name.hasPrefix("eval") {
            #expect(r.stdout.isEmpty)
            #expect(!r.stderr.isEmpty)
        }
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Swift runtime failure"))
    }

    @Test("requests on standard input")
    func stdinRequests() throws {
        let line = "{\"id\": 1, \"action\": \"emr-serverless-spark:CreateWorkspace\"}\n"
        let r = try Self.run(["eval", "--requests", "-", "--policy", "policies/grant-create-workspace.json"], stdin: Data(line.utf8))
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("{\"id\":1,\"action\":\"emr-serverless-spark:CreateWorkspace\",\"resource\":\"*\",\"decision\":\"allow\""))
    }

    @Test("eval gives the same lines, in input order, on one thread and on several")
    func jobsAgree() throws {
        let principals = ["user/alice", "user/bob", "user/carol", "user/dave", "user/erin", "role/spark-runner", "root", "user/nobody"]
        let actions = ["emr-serverless-spark:CreateWorkspace", "emr-serverless-spark:ListWorkspaces", "sts:AssumeRole", "ecs:StartInstance", "bad"]
        var lines = ""
        for k in 0..<9000 {
            let ip = k % 3 == 0 ? "10.1.2.3" : "8.8.8.8"
            lines += "{\"id\": \(k), \"principal\": \"\(principals[k % principals.count])\", \"action\": \"\(actions[k % actions.count])\", "
            lines += "\"context\": {\"acs:SourceIp\": \"\(ip)\"}, \"resourceGroup\": \"rg-spark-prod\"}\n"
        }
        let one = try Self.run(["eval", "--requests", "-", "--jobs", "1", "--no-default-context"] + acct, stdin: Data(lines.utf8))
        let two = try Self.run(["eval", "--requests", "-", "--jobs", "2", "--no-default-context"] + acct, stdin: Data(lines.utf8))
        let four = try Self.run(["eval", "--requests", "-", "--jobs", "4", "--no-default-context"] + acct, stdin: Data(lines.utf8))
        let outLines = one.stdout.split(separator: "\n")
        #expect(outLines.count == 9000)
        #expect(one.stdout == two.stdout)
        #expect(one.stdout == four.stdout)
        #expect(one.status == 2)  // the `bad` action lines are error lines
        for (k, line) in outLines.enumerated() where k % 997 == 0 {
            #expect(line.hasPrefix("{\"id\":\(k),"))
        }
    }

    @Test("eval's fast path gives exactly the general path's output, on good lines and hostile ones")
    func fastPathAgrees() throws {
        let templates = [
            #"{"id": "r1", "principal": "user/alice", "action": "emr-serverless-spark:CreateWorkspace"}"#,
            #"{"id": 7, "principal": "user/erin", "action": "emr-serverless-spark:CreateWorkspace", "context": {"acs:SourceIp": ["10.1.2.3", "8.8.8.8"]}}"#,
            #"{"id": -0.5e3, "principal": "role/spark-runner", "action": "sts:AssumeRole", "resource": "acs:ram::1234567890123456:role/spark-runner"}"#,
            #"{"principal": "user/carol", "resourceGroup": "rg-spark-prod", "action": "emr-serverless-spark:CreateWorkspace", "context": {}}"#,
            #"{"id": "é", "principal": "user/alice", "action": "emr-serverless-spark:CreateWorkspace"}"#,
            #"{"id": "a\"b", "principal": "user/alice", "action": "emr-serverless-spark:CreateWorkspace"}"#,
            #"{"id": "s", "principal": "role/spark-runner", "action": "emr-serverless-spark:CreateWorkspace", "sessionPolicy": {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}"#,
            #"{"id": "d", "principal": "user/alice", "principal": "user/bob", "action": "x:Y"}"#,
            #"{"id": "c", "principal": "user/alice", "action": "x:Y", "context": {"k": "1", "k": "2"}}"#,
            #"{"id": "n", "principal": "user/alice", "action": "x:Y", "context": {"k": 1, "b": true}}"#,
            #"{"id": "p", "principal": "alice", "action": "x:Y"}"#,
            #"{"id": "q", "action": "x:Y"}"#,
            #"{"id": "m", "principal": "user/alice"}"#,
            #"{"id": 01, "principal": "user/alice", "action": "x:Y"}"#,
            #"{"id": "t", "principal": "user/alice", "action": "x:Y",}"#,
            "{\"id\": \"tab\",\t\"principal\": \"user/alice\", \"action\": \"a:B\"}\r",
            #"  {"id": "w", "principal": "user/mallory", "action": "emr-serverless-spark:CreateWorkspace"}  "#,
            #"{"id": "x", "principal": "user/alice", "action": "emr-serverless-spark:Create*"}"#,
            #"[1, 2]"#,
            #"{}"#,
        ]
        let replacements = Array(#"{}[]",: \x"#.utf8)
        var g = SplitMix64(seed: 99)
        var lines: [String] = []
        for _ in 0..<40 {
            for t in templates {
                lines.append(t)
                // A mutated copy: one byte deleted, duplicated or replaced.
                var b = Array(t.utf8)
                let at = Int(g.next() % UInt64(b.count))
                switch g.next() % 3 {
                case 0: b.remove(at: at)
                case 1: b.insert(b[at], at: at)
                default: b[at] = replacements[Int(g.next() % UInt64(replacements.count))]
                }
                lines.append(String(decoding: b, as: UTF8.self))
            }
        }
        let input = Data((lines.joined(separator: "\n") + "\n").utf8)
        let fast = try Self.run(["eval", "--requests", "-", "--no-default-context"] + acct, stdin: input)
        let slow = try Self.run(["eval", "--requests", "-", "--no-default-context", "--no-fast-path"] + acct, stdin: input)
        #expect(fast.stdout.split(separator: "\n", omittingEmptySubsequences: false).count == lines.count + 1)
        #expect(fast.stdout == slow.stdout)
        #expect(fast.status == slow.status)
        let adhoc = ["--policy", "policies/grant-create-workspace.json"]
        let fast2 = try Self.run(["eval", "--requests", "-", "--no-default-context"] + adhoc, stdin: input)
        let slow2 = try Self.run(["eval", "--requests", "-", "--no-default-context", "--no-fast-path"] + adhoc, stdin: input)
        #expect(fast2.stdout == slow2.stdout)
    }

    @Test("a baseline written now accepts every current finding")
    func baselineRoundTrip() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ramcheck-baseline-\(getpid()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let w = try Self.run(["lint", "Tests/Golden/inputs/lint", "--write-baseline", path])
        #expect(w.status == 0)
        #expect(w.stdout.isEmpty)
        let r = try Self.run(["lint", "Tests/Golden/inputs/lint", "--baseline", path, "--fail-on", "suggestion"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("no findings"))
        #expect(r.stderr.contains("7 findings in the baseline"))
    }

    @Test("SARIF output is SARIF 2.1.0 with a region for every result")
    func sarifShape() throws {
        let r = try Self.run(["lint", "Tests/Golden/inputs/lint", "--format", "sarif"])
        #expect(r.status == 1)
        let v = try JSONParser.parse(SourceFile(name: "sarif", text: r.stdout))
        let top = try #require(v.objectValue)
        #expect(top["version"]?.stringValue == "2.1.0")
        let run = try #require(top["runs"]?.arrayValue?.first?.objectValue)
        let rules = try #require(run["tool"]?.objectValue?["driver"]?.objectValue?["rules"]?.arrayValue)
        let ruleIds = rules.compactMap { $0.objectValue?["id"]?.stringValue }
        let results = try #require(run["results"]?.arrayValue)
        #expect(results.count == 7)
        for res in results {
            let o = try #require(res.objectValue)
            let id = try #require(o["ruleId"]?.stringValue)
            #expect(ruleIds.contains(id))
            let region = o["locations"]?.arrayValue?.first?.objectValue?["physicalLocation"]?.objectValue?["region"]?.objectValue
            guard case .number(let line)? = region?["startLine"]?.kind else {
                Issue.record("no startLine")
                continue
            }
            #expect(Int(line) ?? 0 >= 1)
        }
    }

    @Test("a policy on standard input")
    func stdinPolicy() throws {
        let doc = try Data(contentsOf: CorpusPaths.root.appendingPathComponent("policies/deny-create-workspace.json"))
        let r = try Self.run(["can", "--policy", "-"], stdin: doc)
        #expect(r.status == 1)
        #expect(r.stdout.hasPrefix("DENIED (explicit deny by AccountLevelIdentityBasedPolicy)"))
        #expect(r.stdout.contains("<stdin>:4:5"))
    }
}
