import Foundation
import RAMCatalog
import RAMPolicy
import StrictJSON

/// Runs every rule over files, folders (every `*.json` below, recursively) and account
/// snapshots (each embedded document, located inside the snapshot), and returns the
/// findings in a deterministic order: file, line, column, rule.
public struct Linter: Sendable {
    /// Every rule, in the order their metadata is listed.
    public static let rules: [any LintRule.Type] = [
        PolicySize.self, UnknownService.self, UnknownAction.self, PatternMatchesNothing.self, MalformedARN.self,
        ARNServiceMismatch.self, AllResourcesIneffective.self, ConditionKeyOtherService.self, FullAdministrator.self,
        AllowNotAction.self, PrivilegeEscalation.self, CredentialExposure.self, ServiceWildcard.self, TrustAnyPrincipal.self,
        TrustForeignAccount.self, DuplicateEntry.self, ConditionNeverHolds.self, RedundantStatement.self, DenyNeverMatches.self,
    ]

    public let limits: JSONLimits
    public let now: String
    /// Rule ids not to run.
    public let disabled: Set<String>

    public init(limits: JSONLimits = .default, now: String, disabled: Set<String> = []) {
        self.limits = limits
        self.now = now
        self.disabled = disabled
    }

    /// What one input gave: the documents checked and the findings.
    public struct Report: Sendable {
        public var files: [String] = []
        public var findings: [Diagnostic] = []
        /// Rule ids that were run (for JUnit's one test case per rule).
        public var rulesRun: [String] = []

        public init() {}
    }

    /// Lints paths. A path that cannot be read is a failure (exit 2); a document that
    /// does not parse is findings.
    public func lint(_ paths: [String]) -> Result<Report, Diagnostic> {
        var report = Report()
        report.rulesRun = Self.rules.map { $0.id }.filter { !disabled.contains($0) }
        for path in paths {
            let files: [String]
            switch Self.expand(path) {
            case .success(let f): files = f
            case .failure(let e): return .failure(e)
            }
            for file in files {
                let src: SourceFile
                do { src = try SourceLoader.read(file, maxBytes: limits.maxBytes) } catch { return .failure(error) }
                report.files.append(src.name)
                report.findings += lint(src)
            }
        }
        report.findings = Self.sorted(report.findings)
        // One finding per cause: a document linted as a file and again through a
        // snapshot that names that file reports each finding once.
        var seen: Set<String> = []
        report.findings = report.findings.filter { d in
            seen.insert("\(d.range?.start.description ?? d.fileName ?? "")\u{0}\(d.code)\u{0}\(d.message)").inserted
        }
        return .success(report)
    }

    /// The `*.json` files a path stands for (a folder: recursively, sorted).
    static func expand(_ path: String) -> Result<[String], Diagnostic> {
        if path == "-" { return .success(["-"]) }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            return .failure(Diagnostic(.error, code: "io-not-found", "no such file or folder `\(path)`", file: path))
        }
        guard isDir.boolValue else { return .success([path]) }
        let items = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String]) ?? []
        return .success(items.filter { $0.hasSuffix(".json") }.sorted().map { (path as NSString).appendingPathComponent($0) })
    }

    /// Lints one source: a policy document, or an account snapshot.
    public func lint(_ src: SourceFile) -> [Diagnostic] {
        let value: JSONValue
        do { value = try JSONParser.parse(src, limits: limits) } catch { return [error] }
        if let o = value.objectValue, o["accountId"] != nil, o["policies"] != nil {
            return lintSnapshot(value, src)
        }
        do {
            let policy = try PolicyParser.parse(value, in: src, name: src.name, kind: kindGuess(value), limits: limits)
            return policy.warnings + check(policy, accountId: nil)
        } catch {
            return error.diagnostics
        }
    }

    /// A document with `Principal` in its statements is read as a trust policy.
    func kindGuess(_ v: JSONValue) -> PolicyKind {
        let statements = v.objectValue?["Statement"]
        let items = statements?.arrayValue ?? (statements.map { [$0] } ?? [])
        return items.contains { $0.objectValue?["Principal"] != nil } ? .trust : .identity
    }

    func lintSnapshot(_ value: JSONValue, _ src: SourceFile) -> [Diagnostic] {
        do {
            let snap = try SnapshotLoader.load(value, in: src, limits: limits)
            var out: [Diagnostic] = []
            for (_, p) in snap.policies { out += p.warnings + check(p, accountId: snap.accountId) }
            for (_, r) in snap.roles {
                if let t = r.trustPolicy { out += t.warnings + check(t, accountId: snap.accountId) }
            }
            return out
        } catch {
            return error.diagnostics
        }
    }

    func check(_ policy: Policy, accountId: String?) -> [Diagnostic] {
        let doc = LintDocument(policy: policy)
        let context = LintContext(accountId: accountId, now: now)
        var out: [Diagnostic] = []
        for rule in Self.rules where !disabled.contains(rule.id) {
            rule.init().check(doc, context, into: &out)
        }
        return out
    }

    /// File, line, column, rule — each finding's position resolved once.
    static func sorted(_ findings: [Diagnostic]) -> [Diagnostic] {
        let keyed = findings.map { d -> (file: String, line: Int, column: Int, d: Diagnostic) in
            let loc = d.range?.start
            return (loc?.file ?? d.fileName ?? "", loc?.line ?? 0, loc?.column ?? 0, d)
        }
        return keyed.sorted { a, b in
            if a.file != b.file { return a.file < b.file }
            if a.line != b.line { return a.line < b.line }
            if a.column != b.column { return a.column < b.column }
            return a.d.code < b.d.code
        }.map(\.d)
    }
}
