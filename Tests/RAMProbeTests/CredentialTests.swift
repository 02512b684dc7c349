import Foundation
import RAMProbe
import Testing

/// The credential chain, with temporary HOME folders and environments.
@Suite("Credential chain")
struct CredentialTests {
    let secret = "S3cr3t-value-that-must-not-leak"

    func home(cli: String? = nil, ini: String? = nil) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ramcheck-home-\(UUID().uuidString)")
        if let cli {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent(".aliyun"), withIntermediateDirectories: true)
            try cli.write(to: dir.appendingPathComponent(".aliyun/config.json"), atomically: true, encoding: .utf8)
        }
        if let ini {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent(".alibabacloud"), withIntermediateDirectories: true)
            try ini.write(to: dir.appendingPathComponent(".alibabacloud/credentials"), atomically: true, encoding: .utf8)
        }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }

    var cli: String {
        #"{"current": "work", "profiles": [{"name": "work", "mode": "AK", "access_key_id": "AKCLI", "access_key_secret": "\#(secret)"}, {"name": "sts", "mode": "StsToken", "access_key_id": "STS.x", "access_key_secret": "\#(secret)", "sts_token": "tok"}, {"name": "arn", "mode": "RamRoleArn", "access_key_id": "a", "access_key_secret": "\#(secret)", "ram_role_arn": "acs:ram::1:role/r"}]}"#
    }

    var ini: String {
        "[default]\ntype = access_key\naccess_key_id = AKINI  # the key\naccess_key_secret = \(secret)\n\n[ecs]\ntype = ecs_ram_role\nrole_name = r\n"
    }

    @Test("the environment comes first, with an STS token")
    func environment() throws {
        let env = ["ALIBABA_CLOUD_ACCESS_KEY_ID": "AKENV", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": secret, "ALIBABA_CLOUD_SECURITY_TOKEN": "t"]
        let f = try CredentialChain.resolve(environment: env, home: try home(cli: cli, ini: ini))
        #expect(f.credentials.accessKeyId == "AKENV")
        #expect(f.credentials.securityToken == "t")
        #expect(f.source == "environment variables")
    }

    @Test("half a key in the environment is an error that names the missing variable")
    func half() throws {
        #expect(throws: CredentialError.self) {
            try CredentialChain.resolve(environment: ["ALIBABA_CLOUD_ACCESS_KEY_SECRET": secret], home: try home())
        }
    }

    @Test("the aliyun CLI profile: current, --profile, ALIBABA_CLOUD_PROFILE, StsToken")
    func cliProfiles() throws {
        let h = try home(cli: cli, ini: ini)
        #expect(try CredentialChain.resolve(environment: [:], home: h).credentials.accessKeyId == "AKCLI")
        let sts = try CredentialChain.resolve(environment: [:], home: h, profile: "sts")
        #expect(sts.credentials.securityToken == "tok")
        #expect(try CredentialChain.resolve(environment: ["ALIBABA_CLOUD_PROFILE": "sts"], home: h).credentials.accessKeyId == "STS.x")
    }

    @Test("unsupported modes are refused by name, and no message carries the secret")
    func unsupported() throws {
        let h = try home(cli: cli, ini: ini)
        for p in ["arn", "ecs"] {
            do {
                _ = try CredentialChain.resolve(environment: [:], home: h, profile: p)
                Issue.record("expected an error for \(p)")
            } catch {
                #expect(error.code == "credentials-unsupported")
                #expect(error.message.contains(p == "arn" ? "RamRoleArn" : "ecs_ram_role"))
                #expect(!"\(error) \(error.help ?? "")".contains(secret))
            }
        }
    }

    @Test("the INI file: default section, a trailing comment, ALIBABA_CLOUD_CREDENTIALS_FILE")
    func iniFile() throws {
        let h = try home(ini: ini)
        let f = try CredentialChain.resolve(environment: [:], home: h)
        #expect(f.credentials.accessKeyId == "AKINI")
        #expect(!f.source.contains(secret))
        #expect(!"\(f.credentials)".contains(secret))
        let other = try home()
        let g = try CredentialChain.resolve(environment: ["ALIBABA_CLOUD_CREDENTIALS_FILE": h + "/.alibabacloud/credentials"], home: other)
        #expect(g.credentials.accessKeyId == "AKINI")
    }

    @Test("nothing configured, and an unknown profile")
    func none() throws {
        let h = try home()
        #expect(throws: CredentialError.self) { try CredentialChain.resolve(environment: [:], home: h) }
        let withCLI = try home(cli: cli)
        do {
            _ = try CredentialChain.resolve(environment: [:], home: withCLI, profile: "nope")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == "credentials-no-profile")
        }
    }

    @Test("a malformed config.json is an error with its position")
    func malformed() throws {
        let bad = try home(cli: #"{"current": "x",}"#)
        do {
            _ = try CredentialChain.resolve(environment: [:], home: bad)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == "credentials-invalid")
            #expect(error.message.contains(":1:16:"))
        }
    }
}

@Suite("credentials never shown")
struct CredentialRedactionTests {
    @Test("an access key id that holds the secret or the token is not shown either")
    func idHoldingSecret() {
        #expect(Credentials(accessKeyId: "AKID", secret: "s3cr3t-value").description.contains("AKID"))
        #expect(!Credentials(accessKeyId: "AK s3cr3t-value", secret: "s3cr3t-value").description.contains("s3cr3t-value"))
        #expect(!Credentials(accessKeyId: "AK tok-123", secret: "x", securityToken: "tok-123").description.contains("tok-123"))
    }
}
