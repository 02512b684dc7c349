/// Credentials for signing. The secret is never printed: `description` redacts it.
public struct Credentials: Sendable, CustomStringConvertible {
    public let accessKeyId: String
    let secret: String
    public let securityToken: String?

    public init(accessKeyId: String, secret: String, securityToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.secret = secret
        self.securityToken = securityToken
    }

    public var description: String {
        // An id that holds the secret or the token (a file written wrongly) is not shown either.
        let leaks = (!secret.isEmpty && accessKeyId.contains(secret)) || (securityToken.map { !$0.isEmpty && accessKeyId.contains($0) } ?? false)
        let id = leaks ? "<redacted>" : accessKeyId
        return "Credentials(accessKeyId: \(id), secret: <redacted>\(securityToken == nil ? "" : ", securityToken: <redacted>"))"
    }
}

/// A request to sign: method, canonical URI (already percent-encoded, `/` for RPC),
/// query parameters and headers in any order, and the body.
public struct SigningRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [(String, String)]
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(method: String, path: String, query: [(String, String)] = [], headers: [(String, String)] = [], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}

/// The pieces of a V3 signature, for `--print-request` and for comparing with a
/// server's string-to-sign on `SignatureDoesNotMatch`.
public struct Signature: Sendable {
    public let canonicalRequest: String
    public let stringToSign: String
    public let signature: String
    public let authorization: String
    /// Every header to send, `Authorization` included.
    public let headers: [(String, String)]
}

/// ACS3-HMAC-SHA256 (Alibaba Cloud's "Request syntax and signature method V3"): a pure
/// function of the request, the credentials, the date and the nonce.
public enum ACS3Signer {
    public static let algorithm = "ACS3-HMAC-SHA256"

    /// Signs a request as the SDK does: adds `x-acs-date`, `x-acs-signature-nonce`,
    /// `x-acs-content-sha256` and, for STS credentials, `x-acs-security-token`.
    public static func sign(_ request: SigningRequest, credentials: Credentials, date: String, nonce: String) -> Signature {
        let payloadHash = Crypto.hex(Crypto.sha256(request.body))
        var headers = request.headers
        headers.append(("x-acs-date", date))
        headers.append(("x-acs-signature-nonce", nonce))
        headers.append(("x-acs-content-sha256", payloadHash))
        if let token = credentials.securityToken { headers.append(("x-acs-security-token", token)) }
        var r = request
        r.headers = headers
        return signExactly(r, credentials: credentials, hashedPayload: payloadHash)
    }

    /// Signs exactly the given headers (those that must be signed: `host`, `x-acs-*`,
    /// `content-type`), with the payload hash given.
    public static func signExactly(_ r: SigningRequest, credentials: Credentials, hashedPayload: String) -> Signature {
        let (canonicalHeaders, signedHeaders) = canonicalHeaders(r.headers)
        let canonicalRequest = [
            r.method.uppercased(), r.path.isEmpty ? "/" : r.path, canonicalQuery(r.query), canonicalHeaders, signedHeaders, hashedPayload,
        ]
        .joined(separator: "\n")
        let stringToSign = algorithm + "\n" + Crypto.hex(Crypto.sha256(Array(canonicalRequest.utf8)))
        let signature = Crypto.hex(Crypto.hmacSHA256(key: Array(credentials.secret.utf8), data: Array(stringToSign.utf8)))
        let authorization = "\(algorithm) Credential=\(credentials.accessKeyId),SignedHeaders=\(signedHeaders),Signature=\(signature)"
        return Signature(
            canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature, authorization: authorization,
            headers: r.headers + [("Authorization", authorization)])
    }

    /// RFC 3986: `A–Z a–z 0–9 - _ . ~` as is, every other byte `%XX` in upper-case hex.
    public static func percentEncode(_ s: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(b)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Encoded names and values, sorted by name then value, `k=v` joined with `&`
    /// (a parameter without a value is `k=`).
    public static func canonicalQuery(_ query: [(String, String)]) -> String {
        query.map { (percentEncode($0.0), percentEncode($0.1)) }
            .sorted { $0.0 != $1.0 ? $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) : $0.1.utf8.lexicographicallyPrecedes($1.1.utf8) }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// `host`, `x-acs-*` and `content-type` headers: lower-case names, sorted; values
    /// trimmed, a repeated header's values sorted and joined with `,`. Returns the
    /// canonical headers (each line ending in `\n`) and the signed-header list.
    public static func canonicalHeaders(_ headers: [(String, String)]) -> (String, String) {
        var byName: [String: [String]] = [:]
        for (name, value) in headers {
            let n = name.lowercased()
            guard n == "host" || n == "content-type" || n.hasPrefix("x-acs-") else { continue }
            byName[n, default: []].append(trim(value))
        }
        let names = byName.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var canonical = ""
        for n in names {
            canonical += n + ":" + (byName[n] ?? []).sorted().joined(separator: ",") + "\n"
        }
        return (canonical, names.joined(separator: ";"))
    }

    static func trim(_ s: String) -> String {
        var sub = Substring(s)
        while let f = sub.first, f == " " || f == "\t" { sub = sub.dropFirst() }
        while let l = sub.last, l == " " || l == "\t" { sub = sub.dropLast() }
        return String(sub)
    }
}
