import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

public struct HTTPRequest: Sendable {
    public var url: URL
    public var method: String
    public var headers: [(String, String)]
    public var body: [UInt8]
}

public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

public struct TransportError: Error, Sendable {
    public let message: String
}

/// Sends one request. Tests use a loopback stand-in server; nothing here reaches the
/// internet unless the user runs `probe` without `--endpoint`.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest, timeout: Double) throws(TransportError) -> HTTPResponse
}

/// URLSession (FoundationNetworking on Linux), used synchronously. One session for all
/// requests, so that connections are kept alive between calls (fetch makes hundreds).
public struct URLSessionTransport: HTTPTransport {
    let session: URLSession

    public init() {
        let config = URLSessionConfiguration.ephemeral
        config.httpMaximumConnectionsPerHost = 32
        session = URLSession(configuration: config)
    }

    public func send(_ request: HTTPRequest, timeout: Double) throws(TransportError) -> HTTPResponse {
        var r = URLRequest(url: request.url, timeoutInterval: timeout)
        r.httpMethod = request.method
        for (k, v) in request.headers { r.addValue(v, forHTTPHeaderField: k) }
        if !request.body.isEmpty { r.httpBody = Data(request.body) }
        final class Box: @unchecked Sendable {
            var response: HTTPResponse?
            var error: String?
        }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let task = session.dataTask(with: r) { data, response, error in
            if let error {
                box.error = error.localizedDescription
            } else if let http = response as? HTTPURLResponse {
                var headers: [String: String] = [:]
                for (k, v) in http.allHeaderFields { headers[String(describing: k).lowercased()] = String(describing: v) }
                box.response = HTTPResponse(status: http.statusCode, headers: headers, body: [UInt8](data ?? Data()))
            } else {
                box.error = "no HTTP response"
            }
            done.signal()
        }
        task.resume()
        done.wait()
        if let response = box.response { return response }
        throw TransportError(message: box.error ?? "the request failed")
    }
}
