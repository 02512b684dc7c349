import Foundation

/// A refused probe: usage or endpoint problems found before anything is sent.
public struct ProbeError: Error, Sendable, Equatable {
    public let code: String
    public let message: String
    public let help: String?
}

/// What the live service answered, classified.
public struct ProbeResult: Sendable {
    public let outcome: ProbeOutcome
    public let status: Int?
    public let body: ErrorBody?
    public let attempts: Int
    /// Our signature of the last request (to compare with the server's on a mismatch).
    public let signature: Signature
    /// Set when the request could not be sent.
    public let transportError: String?
}

/// Signs and sends a recipe's dry request, retrying throttling (honouring
/// `x-acs-retry-after`) and 5xx answers a few times, and classifies the answer.
public struct Prober: Sendable {
    public let transport: any HTTPTransport
    public let credentials: Credentials
    public let timeout: Double
    public let retries: Int
    /// Waits between attempts (tests pass a recorder instead of sleeping).
    public let wait: @Sendable (Double) -> Void

    public init(
        transport: any HTTPTransport, credentials: Credentials, timeout: Double = 10, retries: Int = 3,
        wait: @escaping @Sendable (Double) -> Void = { Thread.sleep(forTimeInterval: $0) }
    ) {
        self.transport = transport
        self.credentials = credentials
        self.timeout = timeout
        self.retries = retries
        self.wait = wait
    }

    /// The URL to send to: the recipe's endpoint for the region, or `--endpoint`. Plain
    /// `http://` only for loopback hosts.
    public static func url(_ recipe: ProbeRecipe, region: String, endpoint: String?) throws(ProbeError) -> URL {
        let base = endpoint ?? "https://\(recipe.host(region))"
        guard let comps = URLComponents(string: base), let scheme = comps.scheme?.lowercased(), let host = comps.host, !host.isEmpty else {
            throw ProbeError(code: "probe-endpoint", message: "`\(base)` is not a URL", help: "write `https://host[:port]`")
        }
        if scheme != "https" && !(scheme == "http" && isLoopback(host)) {
            throw ProbeError(
                code: "probe-endpoint", message: "`\(base)` is not HTTPS",
                help: "plain http:// is accepted only for loopback hosts (127.0.0.0/8, ::1, localhost)")
        }
        var c = comps
        c.path = recipe.path
        c.percentEncodedQuery = ACS3Signer.canonicalQuery(recipe.query(region))
        guard let url = c.url else { throw ProbeError(code: "probe-endpoint", message: "`\(base)` is not a URL", help: nil) }
        return url
    }

    public static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if h == "localhost" || h == "::1" { return true }
        let parts = h.split(separator: ".")
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// The signed request for a recipe.
    public func prepare(_ recipe: ProbeRecipe, url: URL, date: String, nonce: String) -> (HTTPRequest, Signature) {
        let hostHeader = url.port.map { "\(url.host ?? ""):\($0)" } ?? (url.host ?? "")
        let body = Array(recipe.body.utf8)
        // The query is signed as it is sent: the URL's.
        let query = URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems?.map { ($0.name, $0.value ?? "") } ?? []
        let signing = SigningRequest(
            method: recipe.method, path: recipe.path, query: query,
            headers: [
                ("host", hostHeader), ("x-acs-action", String(recipe.action.split(separator: ":").last ?? "")),
                ("x-acs-version", recipe.version), ("content-type", "application/json; charset=utf-8"), ("accept", "application/json"),
            ], body: body)
        let sig = ACS3Signer.sign(signing, credentials: credentials, date: date, nonce: nonce)
        return (HTTPRequest(url: url, method: recipe.method, headers: sig.headers, body: body), sig)
    }

    public static func timestamp(_ d: Date = Date()) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: d)
    }

    public static func nonce() -> String { UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "") }

    public func run(_ recipe: ProbeRecipe, url: URL) -> ProbeResult {
        var attempt = 0
        while true {
            attempt += 1
            let (request, sig) = prepare(recipe, url: url, date: Self.timestamp(), nonce: Self.nonce())
            precondition(recipe.isImpossible(recipe.body), "a probe body must be impossible")
            let response: HTTPResponse
            do {
                response = try transport.send(request, timeout: timeout)
            } catch {
                if attempt <= retries {
                    wait(Double(attempt))
                    continue
                }
                return ProbeResult(outcome: .inconclusive, status: nil, body: nil, attempts: attempt, signature: sig, transportError: error.message)
            }
            let body = ErrorBody.parse(response.body)
            let outcome = ProbeOutcome.classify(status: response.status, code: body?.code)
            let retryable = outcome == .throttled || (outcome == .inconclusive && response.status >= 500)
            if retryable && attempt <= retries {
                let after = response.headers["x-acs-retry-after"].flatMap(Double.init) ?? pow(2, Double(attempt - 1))
                wait(min(after, 30))
                continue
            }
            return ProbeResult(outcome: outcome, status: response.status, body: body, attempts: attempt, signature: sig, transportError: nil)
        }
    }
}
