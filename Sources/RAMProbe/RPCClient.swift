import Foundation

/// Why an API call failed: the service's error code and message, or a transport failure.
public struct APIError: Error, Sendable, CustomStringConvertible {
    public let code: String
    public let message: String
    public let status: Int?
    public let requestId: String?

    public init(code: String, message: String, status: Int? = nil, requestId: String? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.requestId = requestId
    }

    public var description: String {
        var s = code
        if !message.isEmpty { s += ": \(message)" }
        if let status { s += " (HTTP \(status)" + (requestId.map { ", request \($0)" } ?? "") + ")" }
        return s
    }
}

/// Calls an RPC-style Alibaba Cloud API (RAM 2015-05-01, STS 2015-04-01) with ACS3 V3
/// signatures: `POST /`, the parameters in the query, an empty body
/// (`../shared/spec/signing-and-probe.md` §1.9 and §6). Throttling (`Throttling*`, or a
/// positive `x-acs-retry-after`) and 5xx answers are retried with backoff.
public struct RPCClient: Sendable {
    public let transport: any HTTPTransport
    public let credentials: Credentials
    public let endpoint: URL
    public let version: String
    public let timeout: Double
    public let retries: Int
    public let wait: @Sendable (Double) -> Void
    /// The first backoff in seconds (doubled each retry) when the service gives no `x-acs-retry-after`.
    public let backoff: Double

    public init(
        transport: any HTTPTransport, credentials: Credentials, endpoint: URL, version: String, timeout: Double = 10, retries: Int = 4,
        backoff: Double = 0.5, wait: @escaping @Sendable (Double) -> Void = { Thread.sleep(forTimeInterval: $0) }
    ) {
        self.transport = transport
        self.credentials = credentials
        self.endpoint = endpoint
        self.version = version
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.wait = wait
    }

    /// Checks an endpoint URL: `https://`, or `http://` for loopback hosts only (INTERFACE.md "Endpoints").
    public static func endpoint(_ text: String) throws(ProbeError) -> URL {
        guard var c = URLComponents(string: text), let scheme = c.scheme?.lowercased(), let host = c.host, !host.isEmpty else {
            throw ProbeError(code: "endpoint", message: "`\(text)` is not a URL", help: "write `https://host[:port]`")
        }
        if scheme != "https" && !(scheme == "http" && Prober.isLoopback(host)) {
            throw ProbeError(
                code: "endpoint", message: "`\(text)` is not HTTPS",
                help: "plain http:// is accepted only for loopback hosts (127.0.0.0/8, ::1, localhost)")
        }
        c.path = "/"
        c.query = nil
        guard let url = c.url else { throw ProbeError(code: "endpoint", message: "`\(text)` is not a URL", help: nil) }
        return url
    }

    /// The signed request for one call.
    public func prepare(_ action: String, _ params: [(String, String)], date: String, nonce: String) -> HTTPRequest {
        var c = URLComponents(url: endpoint, resolvingAgainstBaseURL: false) ?? URLComponents()
        c.path = "/"
        c.percentEncodedQuery = params.isEmpty ? nil : ACS3Signer.canonicalQuery(params)
        let url = c.url ?? endpoint
        let host = endpoint.port.map { "\(endpoint.host ?? ""):\($0)" } ?? (endpoint.host ?? "")
        let signing = SigningRequest(
            method: "POST", path: "/", query: params,
            headers: [("host", host), ("x-acs-action", action), ("x-acs-version", version), ("accept", "application/json")], body: [])
        let sig = ACS3Signer.sign(signing, credentials: credentials, date: date, nonce: nonce)
        return HTTPRequest(url: url, method: "POST", headers: sig.headers, body: [])
    }

    /// Calls `action`; the answer's body as a tree, or the service's error.
    public func call(_ action: String, _ params: [(String, String)] = []) -> Result<APINode, APIError> {
        var attempt = 0
        while true {
            attempt += 1
            let request = prepare(action, params, date: Prober.timestamp(), nonce: Prober.nonce())
            let response: HTTPResponse
            do {
                response = try transport.send(request, timeout: timeout)
            } catch {
                if attempt <= retries {
                    wait(backoff * pow(2, Double(attempt - 1)))
                    continue
                }
                return .failure(APIError(code: "Transport", message: error.message))
            }
            if (200..<300).contains(response.status) {
                guard let node = APINode.parse(response.body) else {
                    return .failure(APIError(code: "BadResponse", message: "the answer is neither JSON nor XML", status: response.status))
                }
                return .success(node)
            }
            let body = ErrorBody.parse(response.body)
            let code = body?.code ?? "HTTP\(response.status)"
            let retryAfter = response.headers["x-acs-retry-after"].flatMap(Double.init).flatMap { $0 > 0 ? $0 : nil }
            let retryable = code.hasPrefix("Throttling") || retryAfter != nil || response.status >= 500
            if retryable && attempt <= retries {
                wait(min(retryAfter ?? backoff * pow(2, Double(attempt - 1)), 30))
                continue
            }
            return .failure(APIError(code: code, message: body?.message ?? "", status: response.status, requestId: body?.requestId))
        }
    }
}
