import Foundation
import RAMProbe
import StrictJSON
import TestSupport
import Testing

@Suite("libcrypto through CCrypto")
struct CryptoTests {
    @Test("SHA-256: FIPS 180-2 examples and the empty string")
    func sha256() {
        #expect(Crypto.hex(Crypto.sha256(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            Crypto.hex(Crypto.sha256(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(Crypto.hex(Crypto.sha256([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            Crypto.hex(Crypto.sha256([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("HMAC-SHA256: RFC 4231 test cases 1, 2 and 6")
    func hmac() {
        #expect(
            Crypto.hex(Crypto.hmacSHA256(key: [UInt8](repeating: 0x0B, count: 20), data: Array("Hi There".utf8)))
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(
            Crypto.hex(Crypto.hmacSHA256(key: Array("Jefe".utf8), data: Array("what do ya want for nothing?".utf8)))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        // A key longer than the block size is hashed first.
        #expect(
            Crypto.hex(
                Crypto.hmacSHA256(
                    key: [UInt8](repeating: 0xAA, count: 131), data: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }
}

@Suite("ACS3-HMAC-SHA256 signer")
struct SignerTests {
    func vectors() throws -> JSONObject {
        let url = CorpusPaths.root.appendingPathComponent("Data/acs3-vectors.json")
        let v = try JSONParser.parse(SourceFile(name: "acs3-vectors.json", bytes: [UInt8](try Data(contentsOf: url))))
        return try #require(v.objectValue)
    }

    @Test("the official worked example (RunInstances) reproduces exactly")
    func officialVector() throws {
        let v = try #require(try vectors()["official_doc_RunInstances"]?.objectValue)
        let request = SigningRequest(
            method: "POST", path: "/",
            query: [("RegionId", "cn-shanghai"), ("ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd")],
            headers: [("host", "ecs.cn-shanghai.aliyuncs.com"), ("x-acs-action", "RunInstances"), ("x-acs-version", "2014-05-26")])
        let s = ACS3Signer.sign(
            request, credentials: Credentials(accessKeyId: "YourAccessKeyId", secret: "YourAccessKeySecret"), date: "2023-10-26T10:22:32Z",
            nonce: "3156853299f313e23d1673dc12e1703d")
        #expect(s.canonicalRequest == v["canonical_request"]?.stringValue)
        #expect(s.stringToSign == v["string_to_sign"]?.stringValue)
        #expect(s.signature == v["signature"]?.stringValue)
        #expect(s.authorization == v["authorization"]?.stringValue)
    }

    @Test("the SDK's unit-test vector reproduces exactly (repeated header, empty value)")
    func sdkVector() throws {
        let v = try #require(try vectors()["sdk_python_unit_test_vector"]?.objectValue)
        let request = SigningRequest(
            method: "GET", path: "", query: [("test", "ok"), ("empty", "")], headers: [("x-acs-test", "http"), ("x-acs-TEST", "https")])
        let s = ACS3Signer.signExactly(
            request, credentials: Credentials(accessKeyId: "acesskey", secret: "secret"),
            hashedPayload: "55e12e91650d2fec56ec74e1d3e4ddbfce2ef3a65890c2a19ecf88a307e76a23")
        #expect(s.canonicalRequest == v["canonical_request"]?.stringValue)
        #expect(s.stringToSign == v["string_to_sign"]?.stringValue)
        #expect(s.authorization == v["authorization"]?.stringValue)
    }

    @Test("RFC 3986 query encoding: %20, %2A, ~ kept, upper-case hex, sorted by key then value")
    func queryEncoding() {
        #expect(ACS3Signer.percentEncode("a b*c~d/eé") == "a%20b%2Ac~d%2Fe%C3%A9")
        #expect(ACS3Signer.canonicalQuery([("b", "2"), ("a", "z"), ("a", "y"), ("c", "")]) == "a=y&a=z&b=2&c=")
        #expect(ACS3Signer.canonicalQuery([]) == "")
    }

    @Test("canonical headers: lower-case, trimmed, sorted; only host, x-acs-* and content-type")
    func headers() {
        let (c, signed) = ACS3Signer.canonicalHeaders([
            ("X-Acs-Version", " 2023-08-08 "), ("Host", "h"), ("User-Agent", "ua"), ("Content-Type", "application/json"),
        ])
        #expect(c == "content-type:application/json\nhost:h\nx-acs-version:2023-08-08\n")
        #expect(signed == "content-type;host;x-acs-version")
    }

    @Test("STS credentials add a signed x-acs-security-token; the secret is never printed")
    func sts() {
        let creds = Credentials(accessKeyId: "STS.id", secret: "very-secret-value", securityToken: "token-123")
        let s = ACS3Signer.sign(SigningRequest(method: "POST", path: "/", headers: [("host", "h")]), credentials: creds, date: "d", nonce: "n")
        #expect(s.headers.contains { $0.0 == "x-acs-security-token" && $0.1 == "token-123" })
        #expect(s.canonicalRequest.contains("x-acs-security-token:token-123"))
        #expect(!"\(creds)".contains("very-secret-value"))
        #expect(!"\(creds)".contains("token-123"))
        #expect(!s.canonicalRequest.contains("very-secret-value") && !s.authorization.contains("very-secret-value"))
    }
}
