import Foundation
import FoundationXML
import StrictJSON

/// A denied call as users paste it, read from any of its published shapes
/// (`../shared/spec/ram-reference.md` §5, `signing-and-probe.md` §3):
/// - an error body, JSON or XML, with `AccessDeniedDetail` as an object, a string holding
///   JSON, or nested XML; keys upper- or lower-camel (`Code`/`code`);
/// - the `AccessDeniedDetail` object alone;
/// - a `DecodeDiagnosticMessage` answer (`DecodedDiagnosticMessage`), or that object alone.
public struct Denial: Sendable {
    public struct MatchedPolicy: Sendable {
        public var policyType: String?
        public var identifier: String?
        public var version: String?
        public var attachedEntityType: String?
        public var attachedScope: String?
        public var effect: String?
    }

    public var code: String?
    public var message: String?
    public var requestId: String?
    /// `PolicyType` / `NoPermissionPolicyType`: the layer, in Alibaba's names.
    public var policyType: String?
    /// `NoPermissionType` (`ExplicitDeny`/`ImplicitDeny`) or `ExplicitDeny` (true/false).
    public var explicit: Bool?
    public var action: String?
    /// `AuthResource` (only decoded messages carry it).
    public var resource: String?
    public var principalType: String?
    public var principalName: String?
    public var accountId: String?
    public var encodedMessage: String?
    /// The request's condition values (`AuthConditions`, decoded messages only).
    public var conditions: [(key: String, values: [String])] = []
    public var matchedPolicies: [MatchedPolicy] = []
    /// Which shape it came in: `error body`, `AccessDeniedDetail`, `DecodeDiagnosticMessage`.
    public var shape = "error body"

    /// Whether this says anything about a RAM denial (a known code, or any detail field).
    public var isDenial: Bool {
        let c = code ?? ""
        let ramCode = c == "Forbidden.RAM" || c == "NoPermission" || c == "NotAuthorized" || c == "AccessDenied" || c.hasPrefix("Forbidden")
        return ramCode || policyType != nil || explicit != nil || action != nil
    }

    /// Reads a pasted denial. A body that is not JSON or XML is searched for its first
    /// `{`…last `}` (the aliyun CLI prints lines before the JSON).
    /// - Throws: a diagnostic at the line and column where the JSON or XML breaks.
    public static func read(_ file: SourceFile, limits: JSONLimits = .default) throws(Diagnostic) -> Denial {
        let bytes = file.bytes
        let first = bytes.firstIndex { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        guard let first else { throw Diagnostic(.error, code: "denial-empty", "`\(file.name)` is empty", file: file.name) }
        var start = first
        if bytes[start] == 0xEF, bytes.count >= start + 3 { start += 3 }  // a BOM
        if start < bytes.count, bytes[start] == UInt8(ascii: "<") { return try readXML(file) }
        let node: APINode
        if start < bytes.count, bytes[start] == UInt8(ascii: "{") || bytes[start] == UInt8(ascii: "[") {
            node = APINode.from(try JSONParser.parse(file, limits: limits))
        } else if let open = bytes.firstIndex(of: UInt8(ascii: "{")), let close = bytes.lastIndex(of: UInt8(ascii: "}")), open < close {
            // Text around a JSON body: read the body where it stands (positions stay the file's).
            var inner = Array(repeating: UInt8(ascii: " "), count: open)
            for (i, b) in bytes[..<open].enumerated() where b == 0x0A || b == 0x0D { inner[i] = b }
            inner += bytes[open...close]
            node = APINode.from(try JSONParser.parse(SourceFile(name: file.name, bytes: inner), limits: limits))
        } else {
            throw Diagnostic(
                .error, code: "denial-format", "`\(file.name)` is neither JSON nor XML", file: file.name,
                help: "paste the response body (JSON or XML), its AccessDeniedDetail, or a DecodeDiagnosticMessage answer")
        }
        guard case .object = node else {
            throw Diagnostic(.error, code: "denial-format", "`\(file.name)` holds JSON that is not an object", file: file.name)
        }
        return from(node)
    }

    static func readXML(_ file: SourceFile) throws(Diagnostic) -> Denial {
        if let why = SafeXML.refusal(file.bytes) {
            throw Diagnostic(
                .error, code: "denial-xml", why, file: file.name, help: "paste the response body as the service sent it (UTF-8, no DOCTYPE)")
        }
        let parser = XMLParser(data: Data(file.bytes))
        parser.shouldResolveExternalEntities = false
        let builder = APINode.Builder()
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            let line = max(1, builder.errorAt?.line ?? parser.lineNumber)
            let column = max(1, builder.errorAt?.column ?? parser.columnNumber)
            let code = builder.errorAt?.code ?? parser.parserError.map { ($0 as NSError).code } ?? 0
            // NSXMLParserError codes (libxml2's) that pasted bodies hit.
            let known = [
                4: "the document is empty", 5: "the document ends early", 9: "an invalid character",
                76: "a closing tag does not match its opening tag",
                73: "a tag is not closed with `>`", 26: "an undeclared entity", 111: "the document is too deep",
            ]
            let why = known[code] ?? "not well-formed XML, libxml2 error \(code)"
            // libxml2 counts lines from 1 and columns in bytes from 1.
            var offset = 0
            var seen = 1
            while offset < file.bytes.count && seen < line {
                if file.bytes[offset] == 0x0A { seen += 1 }
                offset += 1
            }
            offset = min(offset + column - 1, max(0, file.bytes.count - 1))
            throw Diagnostic(
                .error, code: "denial-xml", "the XML does not parse (\(why))",
                at: SourceRange(file: file, span: Span(start: offset, end: min(offset + 1, file.bytes.count))))
        }
        return from(root)
    }

    /// Pulls the fields out of a tree, whichever shape it has.
    static func from(_ root: APINode) -> Denial {
        var d = Denial()
        // An XML body's root element was `<Error>`: its children are the members.
        let body = root["Error"] ?? root
        d.code = body.string("Code")
        d.message = body.string("Message")
        d.requestId = body.string("RequestId")
        var detail: APINode? = body["AccessDeniedDetail"]
        if case .text(let s)? = detail {
            detail = try? APINode.from(JSONParser.parse(SourceFile(name: "AccessDeniedDetail", text: s)))
        }
        if let decoded = body["DecodedDiagnosticMessage"] ?? (body["NoPermissionPolicyType"] != nil || body["AuthPrincipal"] != nil ? body : nil) {
            d.shape = "DecodeDiagnosticMessage"
            d.policyType = decoded.string("NoPermissionPolicyType")
            if let e = decoded.string("ExplicitDeny") { d.explicit = e.lowercased() == "true" }
            d.action = decoded.string("AuthAction")
            d.resource = decoded.string("AuthResource")
            let p = decoded["AuthPrincipal"] ?? decoded
            d.principalType = p.string("AuthPrincipalType")
            d.principalName = p.string("AuthPrincipalDisplayName")
            d.accountId = p.string("AuthPrincipalOwnerId")
            for c in decoded["AuthConditions"].map(items) ?? [] {
                guard let k = c.string("ConditionKey") else { continue }
                let values: [String] = (c["ConditionValues"].map(items) ?? []).compactMap { v -> String? in
                    if case .text(let t) = v { return t }
                    return nil
                }
                d.conditions.append((k, values))
            }
            for m in decoded["MatchedPolicies"].map(items) ?? [] {
                d.matchedPolicies.append(
                    MatchedPolicy(
                        policyType: m.string("PolicyType"), identifier: m.string("PolicyIdentifier"), version: m.string("PolicyVersion"),
                        attachedEntityType: m.string("AttachedEntityType"), attachedScope: m.string("AttachedScope"), effect: m.string("Effect")))
            }
            d.requestId = d.requestId ?? root.string("RequestId")
            return d
        }
        if detail == nil && (body["PolicyType"] != nil || body["NoPermissionType"] != nil || body["AuthAction"] != nil) {
            detail = body
            d.shape = "AccessDeniedDetail"
        }
        if let detail {
            d.policyType = detail.string("PolicyType")
            if let t = detail.string("NoPermissionType") { d.explicit = t.lowercased() == "explicitdeny" }
            d.action = detail.string("AuthAction")
            d.principalType = detail.string("AuthPrincipalType")
            d.principalName = detail.string("AuthPrincipalDisplayName")
            d.accountId = detail.string("AuthPrincipalOwnerId")
            d.encodedMessage = detail.string("EncodedDiagnosticMessage") ?? detail.string("EncodedDiagnosticInfo")
        }
        return d
    }

    /// A list's items: a JSON array, or an XML element's repeated children.
    static func items(_ n: APINode) -> [APINode] {
        switch n {
        case .list(let l): return l
        case .object(let members):
            // `<AuthConditions><AuthCondition>…</AuthCondition>…</AuthConditions>`
            if let k = members.first?.key, members.allSatisfy({ $0.key == k }) {
                return members.flatMap { m -> [APINode] in
                    if case .list(let l) = m.value { return l }
                    return [m.value]
                }
            }
            return [n]
        case .text: return [n]
        }
    }
}
