import Foundation
import FoundationXML
import StrictJSON

/// An API response read the same way whether it came as JSON or as XML: objects with
/// members in order (an XML element's children, repeated names kept), lists, and text.
///
/// `{"Users":{"User":[{…},{…}]}}` and `<Users><User>…</User><User>…</User></Users>` give the
/// same ``all(_:)`` of `User`; a single XML child and a one-element JSON list alike.
public indirect enum APINode: Sendable {
    case text(String)
    case object([(key: String, value: APINode)])
    case list([APINode])

    /// The first member named `key` (case-insensitively: `UserName` or `userName`).
    public subscript(key: String) -> APINode? {
        guard case .object(let members) = self else { return nil }
        let k = key.lowercased()
        return members.first { $0.key.lowercased() == k }?.value
    }

    /// Every member named `key`, lists spread out.
    public func all(_ key: String) -> [APINode] {
        guard case .object(let members) = self else { return [] }
        let k = key.lowercased()
        var out: [APINode] = []
        for m in members where m.key.lowercased() == k {
            if case .list(let items) = m.value { out += items } else { out.append(m.value) }
        }
        return out
    }

    /// The text of a member (`nil` when absent or not text).
    public func string(_ key: String) -> String? {
        if case .text(let s)? = self[key] { return s }
        return nil
    }

    /// `true`/`false` members (`IsTruncated`), as text or JSON booleans alike.
    public func bool(_ key: String) -> Bool { string(key)?.lowercased() == "true" }

    /// Reads a body: JSON when it starts with `{`, XML when it starts with `<`; nil otherwise.
    public static func parse(_ bytes: [UInt8], limits: JSONLimits = .default) -> APINode? {
        let first = bytes.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF }
        if first == UInt8(ascii: "<") { return parseXML(bytes) }
        guard let v = try? JSONParser.parse(SourceFile(name: "response", bytes: bytes), limits: limits) else { return nil }
        return from(v)
    }

    static func from(_ v: JSONValue) -> APINode {
        switch v.kind {
        case .null: return .text("")
        case .bool(let b): return .text(b ? "true" : "false")
        case .number(let t): return .text(t)
        case .string(let s): return .text(s)
        case .array(let a): return .list(a.map(from))
        case .object(let o): return .object(o.members.map { ($0.key, from($0.value)) })
        }
    }

    /// XML with external entities and DTDs off; the root element becomes an object of
    /// its children (the root's name is dropped, as in the JSON form).
    static func parseXML(_ bytes: [UInt8]) -> APINode? {
        guard SafeXML.refusal(bytes) == nil else { return nil }
        let parser = XMLParser(data: Data(bytes))
        parser.shouldResolveExternalEntities = false
        let builder = Builder()
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else { return nil }
        return root
    }

    final class Builder: NSObject, XMLParserDelegate {
        struct Frame {
            var name: String
            var children: [(key: String, value: APINode)] = []
            var text = ""
        }
        var stack: [Frame] = []
        var root: APINode?
        /// Where libxml2 first reported an error (the parser's position moves on after it).
        var errorAt: (line: Int, column: Int, code: Int)?
        /// Deeper documents are refused (a hostile body must not exhaust the stack).
        let maxDepth = 64

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]
        ) {
            if stack.count >= maxDepth {
                parser.abortParsing()
                return
            }
            stack.append(Frame(name: name))
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
            if errorAt == nil { errorAt = (parser.lineNumber, parser.columnNumber, (parseError as NSError).code) }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if !stack.isEmpty { stack[stack.count - 1].text += string }
        }

        func parser(_ parser: XMLParser, foundCDATA data: Data) {
            if !stack.isEmpty { stack[stack.count - 1].text += String(decoding: data, as: UTF8.self) }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            guard let frame = stack.popLast() else { return }
            let node: APINode =
                frame.children.isEmpty ? .text(frame.text.trimmingCharacters(in: .whitespacesAndNewlines)) : .object(frame.children)
            if stack.isEmpty {
                root = frame.children.isEmpty ? .object([(frame.name, node)]) : node
            } else {
                stack[stack.count - 1].children.append((frame.name, node))
            }
        }
    }
}
