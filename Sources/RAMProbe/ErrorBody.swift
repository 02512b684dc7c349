import Foundation
import FoundationXML
import StrictJSON

/// An Alibaba Cloud error response, JSON or XML, with `Code`/`code`-style keys alike, and
/// its `AccessDeniedDetail` (an object, or a string holding JSON, or nested XML).
public struct ErrorBody: Sendable, Equatable {
    public var code: String?
    public var message: String?
    public var requestId: String?
    /// The detail's fields as given (`PolicyType`, `NoPermissionType`, `AuthAction` …).
    public var accessDeniedDetail: [(key: String, value: String)] = []

    public static func == (a: ErrorBody, b: ErrorBody) -> Bool {
        a.code == b.code && a.message == b.message && a.requestId == b.requestId
            && a.accessDeniedDetail.map { "\($0.key)=\($0.value)" } == b.accessDeniedDetail.map { "\($0.key)=\($0.value)" }
    }

    public init() {}

    /// A detail field by name, case-insensitively (`PolicyType` or `policyType`).
    public func detail(_ key: String) -> String? {
        accessDeniedDetail.first { $0.key.lowercased() == key.lowercased() }?.value
    }

    /// Parses a body; nil when it is neither a JSON object nor an XML `<Error>`.
    public static func parse(_ bytes: [UInt8]) -> ErrorBody? {
        let first = bytes.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF }
        if first == UInt8(ascii: "<") { return parseXML(bytes) }
        guard let v = try? JSONParser.parse(SourceFile(name: "response", bytes: bytes)), let o = v.objectValue else { return nil }
        var body = ErrorBody()
        func field(_ name: String) -> JSONValue? { o.members.first { $0.key.lowercased() == name.lowercased() }?.value }
        body.code = field("Code")?.stringValue
        body.message = field("Message")?.stringValue
        body.requestId = field("RequestId")?.stringValue
        if let d = field("AccessDeniedDetail") {
            var detail: JSONObject? = d.objectValue
            if let s = d.stringValue, let inner = try? JSONParser.parse(SourceFile(name: "AccessDeniedDetail", text: s)) {
                detail = inner.objectValue
            }
            for m in detail?.members ?? [] {
                switch m.value.kind {
                case .string(let s): body.accessDeniedDetail.append((m.key, s))
                case .number(let t): body.accessDeniedDetail.append((m.key, t))
                case .bool(let b): body.accessDeniedDetail.append((m.key, b ? "true" : "false"))
                default: break
                }
            }
        }
        return body
    }

    /// `<Error><Code>…</Code>…<AccessDeniedDetail><PolicyType>…</PolicyType>…</AccessDeniedDetail></Error>`,
    /// read with XMLParser: external entities are never resolved, no DTD is loaded.
    static func parseXML(_ bytes: [UInt8]) -> ErrorBody? {
        guard SafeXML.refusal(bytes) == nil else { return nil }
        let parser = XMLParser(data: Data(bytes))
        parser.shouldResolveExternalEntities = false
        let collector = XMLCollector()
        parser.delegate = collector
        guard parser.parse(), collector.sawError else { return nil }
        var body = ErrorBody()
        for (path, value) in collector.values {
            switch path.count {
            case 2:
                switch path[1].lowercased() {
                case "code": body.code = value
                case "message": body.message = value
                case "requestid": body.requestId = value
                default: break
                }
            case 3 where path[1].lowercased() == "accessdenieddetail":
                body.accessDeniedDetail.append((path[2], value))
            default: break
            }
        }
        return body
    }

    final class XMLCollector: NSObject, XMLParserDelegate {
        var stack: [String] = []
        var text = ""
        var values: [([String], String)] = []
        var sawError = false

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]
        ) {
            if stack.isEmpty && name == "Error" { sawError = true }
            stack.append(name)
            text = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, foundCDATA data: Data) { text += String(decoding: data, as: UTF8.self) }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !t.isEmpty { values.append((stack, t)) }
            text = ""
            stack.removeLast()
        }
    }
}

/// What a probe's answer means (`../shared/spec/signing-and-probe.md` §3–§4).
public enum ProbeOutcome: String, Sendable {
    /// RAM refused: `Forbidden.RAM`, `NoPermission`, `NotAuthorized`.
    case denied
    /// A parameter error from the service: authorization passed, validation stopped the call
    /// (this rests on the gateway checking RAM before parameters; calibrate once).
    case authorized
    /// `InvalidAccessKeyId.*`, `InvalidSecurityToken.*`.
    case credentials
    /// `SignatureDoesNotMatch`, `IncompleteSignature`.
    case signature
    /// `InvalidTimeStamp.*`.
    case clock
    /// `Throttling*` (retry with backoff).
    case throttled
    /// Anything else, including 5xx after retries.
    case inconclusive
    /// A 2xx: the impossible request was accepted — must never happen.
    case unexpectedSuccess

    /// Classifies an HTTP status and error code.
    public static func classify(status: Int, code: String?) -> ProbeOutcome {
        if (200..<300).contains(status) { return .unexpectedSuccess }
        let c = code ?? ""
        if c == "Forbidden.RAM" || c == "NoPermission" || c == "NotAuthorized" || c.hasPrefix("Forbidden.RAM") { return .denied }
        if c.hasPrefix("InvalidAccessKeyId") || c.hasPrefix("InvalidSecurityToken") { return .credentials }
        if c == "SignatureDoesNotMatch" || c == "IncompleteSignature" { return .signature }
        if c.hasPrefix("InvalidTimeStamp") { return .clock }
        if c.hasPrefix("Throttling") { return .throttled }
        if status >= 500 { return .inconclusive }
        if c.hasPrefix("InvalidParameter") || c.hasPrefix("MissingParameter") { return .authorized }
        return .inconclusive
    }
}
