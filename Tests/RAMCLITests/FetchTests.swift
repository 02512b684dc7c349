import Foundation
import StrictJSON
import TestSupport
import Testing

/// `ramcheck fetch` against a loopback stand-in RAM API (Tests/StandIn/ram_standin.py) that
/// checks every signature, pages list calls two at a time, answers one call in XML, throttles
/// once, and denies or does not know some entities. Nothing leaves 127.0.0.1.
@Suite("fetch against a loopback stand-in RAM API", .serialized)
struct FetchTests {
    typealias StandIn = ProbeTests.StandIn

    static func temp(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ramcheck-fetch-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    func fetch(_ s: StandIn, key: String = "AKRAM", _ args: [String]) throws -> GoldenTests.Result {
        let env = ["ALIBABA_CLOUD_ACCESS_KEY_ID": key, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "secret-\(key)", "HOME": "/nonexistent"]
        return try GoldenTests.run(["fetch", "--endpoint", s.endpoint, "--sts-endpoint", s.endpoint] + args, environment: env)
    }

    @Test("--all: paging, groups, roles, System and Custom documents; a denied user is named and left out; the rest is written")
    func all() throws {
        let s = try StandIn(script: "ram_standin.py")
        let out = Self.temp("all.json")
        let r = try fetch(s, ["--all", "--out", out, "--concurrency", "3"])
        #expect(r.status == 1, "a principal was left out: exit 1")
        #expect(r.stderr.contains("user mallory is not in the snapshot: NoPermission"))
        #expect(r.stderr.contains("fetched 3 users, 2 groups, 1 role and 4 policies of account 5000000000000001"))
        #expect(!r.stderr.contains("secret-AKRAM"))
        // The snapshot reads as is, and its answers follow from the fixtures.
        let alice = try GoldenTests.run(["can", "--account", out, "--principal", "user/alice"])
        #expect(alice.status == 0)
        let bob = try GoldenTests.run(["can", "--account", out, "--principal", "user/bob"])
        #expect(bob.status == 0, "bob has CreateWorkspace through group data-eng")
        let bobList = try GoldenTests.run(["can", "emr-serverless-spark:ListWorkspaces", "--account", out, "--principal", "user/bob"])
        #expect(bobList.status == 0, "and ListWorkspaces through analysts, whose answer came as XML")
        let carol = try GoldenTests.run(["can", "--account", out, "--principal", "user/carol", "--context", "acs:SourceIp=10.2.3.4"])
        #expect(carol.status == 0, "carol's percent-encoded document was decoded")
        let mallory = try GoldenTests.run(["can", "--account", out, "--principal", "user/mallory"])
        #expect(mallory.status == 2)
        let assume = try GoldenTests.run([
            "can", "sts:AssumeRole", "--account", out, "--principal", "root", "--resource", "acs:ram::5000000000000001:role/spark-runner",
        ])
        #expect(assume.status == 0, "the trust policy came from GetRole: it trusts the account: \(assume.stdout)")
        let lint = try GoldenTests.run(["lint", out, "--fail-on", "error"])
        #expect(lint.status == 0, "the snapshot lints without errors: \(lint.stdout)")
        let stats = try s.get("__stats")
        #expect(stats.contains("\"max_inflight\": 3") || stats.contains("\"max_inflight\": 2") || stats.contains("\"max_inflight\": 1"))
    }

    @Test("named principals: an unknown user is reported, the account id comes from STS, nothing half-written on failure")
    func named() throws {
        let s = try StandIn(script: "ram_standin.py")
        let out = Self.temp("named.json")
        let r = try fetch(s, ["--user", "alice", "--user", "ghost", "--out", out])
        #expect(r.status == 1)
        #expect(r.stderr.contains("user ghost is not in the snapshot: EntityNotExist.User"))
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.contains(#""accountId": "5000000000000001""#), "from GetCallerIdentity: no role was read")
        #expect(text.contains(#""alice""#) && !text.contains(#""ghost""#))
        #expect(!text.contains("ReadOnlyAccess"), "policies nobody kept are not written")

        let whole = try fetch(s, ["--user", "bob", "--role", "spark-runner", "--out", "-", "--concurrency", "1"])
        #expect(whole.status == 0)
        #expect(whole.stdout.contains(#""data-eng""#) && whole.stdout.contains(#""analysts""#))
        #expect((try? JSONParser.parse(SourceFile(name: "stdout", text: whole.stdout))) != nil)

        // ListUsers refused: nothing can be written; an existing file is left as it was.
        let keep = Self.temp("keep.json")
        try "old".write(toFile: keep, atomically: true, encoding: .utf8)
        let refused = try fetch(s, key: "AKNOLIST", ["--all", "--out", keep])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("ListUsers failed: NoPermission"))
        #expect(try String(contentsOfFile: keep, encoding: .utf8) == "old")
        let dir = (keep as NSString).deletingLastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).allSatisfy { !$0.contains(".tmp-") })
    }

    @Test("usage errors: nothing to fetch, no --out, plain http to a non-loopback host, a bad concurrency")
    func usage() throws {
        let env = ["ALIBABA_CLOUD_ACCESS_KEY_ID": "AKRAM", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "secret-AKRAM", "HOME": "/nonexistent"]
        for (args, message) in [
            (["fetch", "--out", "x.json"], "nothing to fetch"),
            (["fetch", "--all"], "needs `--out FILE`"),
            (["fetch", "--all", "--out", "-", "--endpoint", "http://ram.example.com"], "is not HTTPS"),
            (["fetch", "--all", "--out", "-", "--concurrency", "0"], "--concurrency"),
            (["fetch", "--all", "--out", "-", "--account-id", "12ab"], "--account-id"),
        ] {
            let r = try GoldenTests.run(args, environment: env)
            #expect(r.status == 2, "\(args)")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
    }
}
