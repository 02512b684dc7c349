import Foundation
import TestSupport
import Testing

/// `ramcheck probe` against a loopback stand-in gateway (Tests/StandIn/standin.py) that
/// verifies every signature with its own code. Nothing leaves 127.0.0.1.
@Suite("probe against a loopback stand-in", .serialized)
struct ProbeTests {
    final class StandIn {
        let process = Process()
        let port: Int

        init(script: String = "standin.py") throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", CorpusPaths.tests.appendingPathComponent("StandIn/\(script)").path, "--idle", "20"]
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            var line = Data()
            while let b = try out.fileHandleForReading.read(upToCount: 1), !b.isEmpty, b != Data([0x0A]) { line += b }
            port = Int(String(decoding: line, as: UTF8.self)) ?? 0
        }

        deinit { process.terminate() }

        var endpoint: String { "http://127.0.0.1:\(port)" }

        func violations() throws -> String { try get("__violations") }

        func get(_ path: String) throws -> String {
            guard let url = URL(string: "\(endpoint)/\(path)") else { return "no url" }
            let data = try Data(contentsOf: url)
            return String(decoding: data, as: UTF8.self)
        }
    }

    func probe(_ standIn: StandIn, key: String, secret: String? = nil, token: String? = nil, extra: [String] = []) throws -> GoldenTests.Result {
        var env = ["ALIBABA_CLOUD_ACCESS_KEY_ID": key, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": secret ?? "secret-\(key)", "HOME": "/nonexistent"]
        if let token { env["ALIBABA_CLOUD_SECURITY_TOKEN"] = token }
        return try GoldenTests.run(["probe", "--region", "cn-hangzhou", "--endpoint", standIn.endpoint] + extra, environment: env)
    }

    @Test("every answer of the gateway is classified, and no request could create a workspace")
    func answers() throws {
        let s = try StandIn()
        #expect(s.port > 0)
        let authorized = try probe(s, key: "AKAUTH")
        #expect(authorized.status == 0)
        #expect(authorized.stdout.hasPrefix("AUTHORIZED"))
        let denied = try probe(s, key: "AKDENY")
        #expect(denied.status == 1)
        #expect(denied.stdout.contains("Forbidden.RAM") && denied.stdout.contains("PolicyType: AccountLevelIdentityBasedPolicy"))
        let explicit = try probe(s, key: "AKEXPL")
        #expect(explicit.status == 1 && explicit.stdout.contains("noPermissionType: ExplicitDeny"))
        let xml = try probe(s, key: "AKXML")
        #expect(xml.status == 1 && xml.stdout.contains("PolicyType: SessionPolicy"))
        let unknown = try probe(s, key: "AKNOBODY")
        #expect(unknown.status == 2 && unknown.stderr.contains("probe-credentials"))
        let badSecret = try probe(s, key: "AKAUTH", secret: "wrong-secret-value")
        #expect(badSecret.status == 2 && badSecret.stderr.contains("probe-signature"))
        #expect(!badSecret.stderr.contains("wrong-secret-value") && !badSecret.stdout.contains("wrong-secret-value"))
        let clock = try probe(s, key: "AKCLOCK")
        #expect(clock.status == 2 && clock.stderr.contains("probe-clock"))
        let throttled = try probe(s, key: "AKTHROTTLE", extra: ["--verbose"])
        #expect(throttled.status == 0 && throttled.stderr.contains("attempts: 2"))
        let unavailable = try probe(s, key: "AK5XX")
        #expect(unavailable.status == 3 && unavailable.stdout.hasPrefix("INCONCLUSIVE"))
        let sts = try probe(s, key: "AKTOKEN", token: "tok-1")
        #expect(sts.status == 0)
        #expect(try s.violations() == #"{"violations": 0}"#)
    }

    @Test("--compare: agreement, and disagreement with its likely causes (exit 3)")
    func compare() throws {
        let s = try StandIn()
        let agree = try probe(s, key: "AKDENY", extra: ["--compare", "--policy", "policies/arn-scoped-grant.json"])
        #expect(agree.status == 1)
        #expect(agree.stdout.contains("agree"))
        let disagree = try probe(s, key: "AKDENY", extra: ["--compare", "--policy", "policies/grant-create-workspace.json"])
        #expect(disagree.status == 3)
        #expect(disagree.stdout.contains("DISAGREE") && disagree.stdout.contains("control policy"))
        let bad = try probe(s, key: "AKDENY", extra: ["--compare", "--policy", "policies/bad/trailing-comma.json"])
        #expect(bad.status == 2)
    }

    @Test("--print-request prints the signed request, sends nothing, and redacts the token")
    func printRequest() throws {
        let s = try StandIn()
        let r = try probe(s, key: "AKAUTH", token: "secret-token-value", extra: ["--print-request"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("POST \(s.endpoint)/api/v1/workspaces?regionId=cn-hangzhou"))
        #expect(r.stdout.contains("Authorization: ACS3-HMAC-SHA256 Credential=AKAUTH,"))
        #expect(!r.stdout.contains("secret-token-value") && !r.stdout.contains("secret-AKAUTH"))
        #expect(try s.violations() == #"{"violations": 0}"#)
    }

    @Test("refusals before sending: no recipe, not HTTPS, no region")
    func refusals() throws {
        let env = ["ALIBABA_CLOUD_ACCESS_KEY_ID": "AKAUTH", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "x", "HOME": "/nonexistent"]
        let noRecipe = try GoldenTests.run(["probe", "ecs:StartInstance", "--region", "cn-hangzhou"], environment: env)
        #expect(noRecipe.status == 2 && noRecipe.stderr.contains("emr-serverless-spark:CreateWorkspace"))
        let plain = try GoldenTests.run(["probe", "--region", "cn-hangzhou", "--endpoint", "http://example.com"], environment: env)
        #expect(plain.status == 2 && plain.stderr.contains("not HTTPS"))
        let noRegion = try GoldenTests.run(["probe"], environment: env)
        #expect(noRegion.status == 2)
    }
}
