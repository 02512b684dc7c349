import Foundation
import RAMPolicy
import StrictJSON

/// The repository's test corpus (`Tests/Corpus`), located from this file.
public enum CorpusPaths {
    public static let tests: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    public static let corpus: URL = tests.appendingPathComponent("Corpus")
    public static let root: URL = tests.deletingLastPathComponent()

    /// Every `*.json` directly in a folder of the corpus, sorted.
    public static func files(_ folder: URL = corpus) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { folder.appendingPathComponent($0) }
    }
}

/// Dependent actions a corpus file declares, on top of the catalog's facts.
public struct OverlayFacts: ActionFacts {
    public let base: any ActionFacts
    public let dependents: [String: [String]]
    public let allResources: Set<String>

    public init(base: any ActionFacts, dependents: [String: [String]] = [:], allResources: Set<String> = []) {
        self.base = base
        self.dependents = dependents
        self.allResources = allResources
    }

    public func isAllResources(_ actionLower: String) -> Bool { allResources.contains(actionLower) || base.isAllResources(actionLower) }
    public func dependentActions(_ actionLower: String) -> [String] { dependents[actionLower] ?? base.dependentActions(actionLower) }
    public func facts(_ actionLower: String) -> (allResources: Bool, dependents: [String]) {
        (isAllResources(actionLower), dependentActions(actionLower))
    }
}

/// One decision case of a corpus file.
public struct DecisionCase: Sendable, CustomTestStringConvertibleShim {
    public let file: String
    public let note: String
    public let evaluator: Evaluator
    public let request: Request
    public let decision: String
    public let policyType: String?
    public let deniedAction: String?
    public let assumptions: [String]?
    public let missing: [String]?
    public let error: String?
    /// `role` of each statement as `policy#index:role`, when the case lists them.
    public let statements: [String]?
    /// Expect the decision to be marked inconclusive (`--lenient`).
    public let inconclusive: Bool

    public var name: String { "\(file): \(note)" }
}

/// Lets the test target conform without this module importing Testing.
public protocol CustomTestStringConvertibleShim {
    var name: String { get }
}

/// A document that must not load, or loads with warnings.
public struct ParseCase: Sendable {
    public let file: String
    public let note: String
    public let source: SourceFile
    public let kind: PolicyKind
    public let errors: [String]
    public let warnings: [String]
    /// `line:column` of each error, in order, when given.
    public let positions: [String]?

    public var name: String { "\(file): \(note)" }
}

public struct CorpusError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

/// Loads corpus files.
public enum Corpus {
    public static func decisionCases(facts: any ActionFacts) throws -> [DecisionCase] {
        var out: [DecisionCase] = []
        for url in CorpusPaths.files() where !url.lastPathComponent.hasPrefix("parse-") {
            out += try decisionCases(url, facts: facts)
        }
        return out
    }

    static func read(_ url: URL) throws -> (SourceFile, JSONObject) {
        let data = try Data(contentsOf: url)
        let src = SourceFile(name: url.path, bytes: [UInt8](data))
        let v = try JSONParser.parse(src)
        guard let o = v.objectValue else { throw CorpusError("\(url.lastPathComponent): not an object") }
        return (src, o)
    }

    static func policy(_ v: JSONValue, _ src: SourceFile, name: String, kind: PolicyKind, lenient: Bool = false) throws -> Policy {
        if let o = v.objectValue, let f = o["file"]?.stringValue {
            let path = CorpusPaths.corpus.appendingPathComponent(f).path
            let inner = try SourceLoader.read(path)
            let display = "Corpus/" + f
            let named = SourceFile(name: display, bytes: inner.bytes)
            if o["wrap"]?.kind != nil {
                // A published statement fragment: wrap it as the only statement of a document.
                let text = "{\"Version\": \"1\", \"Statement\": [" + String(decoding: inner.bytes, as: UTF8.self) + "]}"
                return try PolicyParser.parse(SourceFile(name: display, text: text), name: display, kind: kind)
            }
            return try PolicyParser.parse(named, name: display, kind: kind)
        }
        return try PolicyParser.parse(v, in: src, name: name, kind: kind, lenient: lenient)
    }

    public static func decisionCases(_ url: URL, facts base: any ActionFacts) throws -> [DecisionCase] {
        let (src, top) = try read(url)
        // A file holds one set of policies and its cases, or several under `sets`.
        let sets = top["sets"]?.arrayValue?.compactMap(\.objectValue) ?? [top]
        var out: [DecisionCase] = []
        for o in sets { out += try decisionCases(o, src, file: url.lastPathComponent, facts: base) }
        return out
    }

    static func decisionCases(_ o: JSONObject, _ src: SourceFile, file: String, facts base: any ActionFacts) throws -> [DecisionCase] {
        var dependents: [String: [String]] = [:]
        if let d = o["dependentActions"]?.objectValue {
            for m in d.members { dependents[m.key.lowercased()] = (m.value.arrayValue ?? []).compactMap(\.stringValue) }
        }
        let facts = OverlayFacts(base: base, dependents: dependents)
        let evaluator: Evaluator
        if let acct = o["account"] {
            evaluator = Evaluator(snapshot: try SnapshotLoader.load(acct, in: src), facts: facts)
        } else {
            var ps: [Policy] = []
            let lenient = o["lenient"].map { if case .bool(true) = $0.kind { return true } else { return false } } ?? false
            for (n, p) in (o["policies"]?.arrayValue ?? []).enumerated() {
                ps.append(try policy(p, src, name: "policy\(n)", kind: .identity, lenient: lenient))
            }
            var cs: [Policy] = []
            for (n, p) in (o["controlPolicies"]?.arrayValue ?? []).enumerated() { cs.append(try policy(p, src, name: "control\(n)", kind: .control)) }
            evaluator = Evaluator(policies: ps, controlPolicies: cs, facts: facts)
        }
        var out: [DecisionCase] = []
        for c in o["cases"]?.arrayValue ?? [] {
            guard let co = c.objectValue else { throw CorpusError("\(file): a case is not an object") }
            let note = co["note"]?.stringValue ?? "?"
            var ctx = RequestContext()
            for m in co["context"]?.objectValue?.members ?? [] {
                if let a = m.value.arrayValue {
                    ctx.add(m.key, values: a.compactMap(\.stringValue))
                } else {
                    ctx.add(m.key, values: [m.value.stringValue ?? ""])
                }
            }
            var session: Policy? = nil
            if let sp = co["sessionPolicy"] { session = try policy(sp, src, name: "session", kind: .session) }
            let principal = co["principal"]?.stringValue.flatMap { Principal(parsing: $0) } ?? .adHoc
            guard let action = co["action"]?.stringValue else { throw CorpusError("\(file): \(note): no action") }
            let req = Request(
                principal: principal, action: action, resource: co["resource"]?.stringValue, context: ctx, sessionPolicy: session,
                resourceGroup: co["resourceGroup"]?.stringValue)
            out.append(
                DecisionCase(
                    file: file, note: note, evaluator: evaluator, request: req, decision: co["decision"]?.stringValue ?? "",
                    policyType: co["policyType"]?.stringValue, deniedAction: co["deniedAction"]?.stringValue,
                    assumptions: co["assumptions"]?.arrayValue?.compactMap(\.stringValue),
                    missing: co["missing"]?.arrayValue?.compactMap(\.stringValue),
                    error: co["error"]?.stringValue, statements: co["statements"]?.arrayValue?.compactMap(\.stringValue),
                    inconclusive: co["inconclusive"].map { if case .bool(true) = $0.kind { return true } else { return false } } ?? false))
        }
        return out
    }

    public static func parseCases() throws -> [ParseCase] {
        var out: [ParseCase] = []
        for url in CorpusPaths.files() where url.lastPathComponent.hasPrefix("parse-") {
            let (_, o) = try read(url)
            for c in o["cases"]?.arrayValue ?? [] {
                guard let co = c.objectValue else { continue }
                let note = co["note"]?.stringValue ?? "?"
                let src: SourceFile
                if let t = co["text"]?.stringValue {
                    src = SourceFile(name: "doc.json", text: t)
                } else if let f = co["file"]?.stringValue {
                    let data = try Data(contentsOf: CorpusPaths.corpus.appendingPathComponent(f))
                    src = SourceFile(name: f, bytes: [UInt8](data))
                } else if let h = co["hex"]?.stringValue {
                    var bytes: [UInt8] = []
                    var it = h.makeIterator()
                    while let a = it.next(), let b = it.next() { bytes.append(UInt8(String([a, b]), radix: 16) ?? 0) }
                    src = SourceFile(name: "doc.json", bytes: bytes)
                } else {
                    throw CorpusError("\(url.lastPathComponent): \(note): no text")
                }
                let kind = PolicyKind(rawValue: co["kind"]?.stringValue ?? "identity") ?? .identity
                out.append(
                    ParseCase(
                        file: url.lastPathComponent, note: note, source: src, kind: kind,
                        errors: co["errors"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                        warnings: co["warnings"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                        positions: co["positions"]?.arrayValue?.compactMap(\.stringValue)))
            }
        }
        return out
    }
}
