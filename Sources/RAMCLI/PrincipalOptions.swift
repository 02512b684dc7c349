import ArgumentKit
import Foundation
import RAMCatalog
import RAMPolicy
import StrictJSON

/// The options that say who the principal is and what the request carries,
/// shared by `can` and `eval` (INTERFACE.md "Who the principal is").
enum PrincipalOptions {
    static let specs: [OptionSpec] =
        [
            OptionSpec("policy", value: "FILE", repeatable: true, help: "an account-level identity policy of an ad-hoc principal"),
            OptionSpec("control-policy", value: "FILE", repeatable: true, help: "a control policy over the ad-hoc principal"),
            OptionSpec("account", value: "SNAPSHOT", help: "an account snapshot (users, groups, roles, policies)"),
            OptionSpec("principal", value: "PRINCIPAL", help: "with --account: `user/NAME`, `role/NAME` or `root`"),
            OptionSpec("session-policy", value: "FILE", help: "a session policy (role sessions only)"),
            OptionSpec("no-default-context", help: "do not fill `acs:CurrentTime` with the current time"),
            OptionSpec("lenient", help: "skip statements with an unknown condition operator (decisions they touch are inconclusive)"),
        ] + limitSpecs

    /// The limits of what is read, each raised by its flag (the README's Reliability section).
    static let limitSpecs: [OptionSpec] = [
        OptionSpec("max-depth", value: "N", help: "deepest JSON nesting accepted (default 64)"),
        OptionSpec("max-file-size", value: "BYTES", help: "largest input file accepted (default 16777216)"),
        OptionSpec("max-statements", value: "N", help: "most statements in one policy document (default 10000)"),
        OptionSpec("max-policies", value: "N", help: "most policies in one snapshot (default 100000)"),
    ]

    static let requestSpecs: [OptionSpec] = [
        OptionSpec("resource", value: "ARN", help: "the resource (default `*`; ignored for All Resources actions)"),
        OptionSpec("context", value: "KEY=VALUE", repeatable: true, help: "a request context value; repeat a key for a multi-valued key"),
        OptionSpec("resource-group", value: "ID", help: "the resource group the resource belongs to"),
    ]

    static let openContextSpec = OptionSpec(
        "open-context", help: "keys not given are unknown: answer allow, a denial, or `conditional` with the residual condition over them")

    static let formatSpec = OptionSpec("format", value: "text|json", help: "output format (default text)")

    enum Format: String { case text, json }

    static func format(_ p: ParsedArguments) throws(ArgumentError) -> Format {
        guard let v = p.value("format") else { return .text }
        guard let f = Format(rawValue: v) else { throw ArgumentError("unknown format `\(v)`", help: "use `--format text` or `--format json`") }
        return f
    }

    static func limits(_ p: ParsedArguments) throws(ArgumentError) -> JSONLimits {
        var l = JSONLimits.default
        if let d = p.value("max-depth") {
            guard let n = Int(d), n >= 1, n <= 10_000 else { throw ArgumentError("`--max-depth` takes a whole number from 1 to 10000, not `\(d)`") }
            l.maxDepth = n
        }
        if let s = p.value("max-file-size") {
            guard let n = Int(s), n >= 1, n <= 1 << 30 else {
                throw ArgumentError("`--max-file-size` takes a number of bytes from 1 to 1073741824, not `\(s)`")
            }
            l.maxBytes = n
        }
        for (flag, range, set) in [
            ("max-statements", 1...10_000_000, { (l: inout JSONLimits, n: Int) in l.maxStatements = n }),
            ("max-policies", 1...10_000_000, { (l: inout JSONLimits, n: Int) in l.maxPolicies = n }),
        ] as [(String, ClosedRange<Int>, (inout JSONLimits, Int) -> Void)] {
            guard let v = p.value(flag) else { continue }
            guard let n = Int(v), range.contains(n) else {
                throw ArgumentError("`--\(flag)` takes a whole number from 1 to \(range.upperBound), not `\(v)`")
            }
            set(&l, n)
        }
        return l
    }

    /// What the options describe: an evaluator and the principal to ask about.
    struct Setup: Sendable {
        let evaluator: Evaluator
        let principal: Principal
        let sessionPolicy: Policy?
        let hasSnapshot: Bool
        let limits: JSONLimits
        let defaultContext: Bool
        let lenient: Bool
        /// Warnings of the documents that loaded (printed on stderr).
        let warnings: [Diagnostic]
        /// Every document loaded (for renderers that precompute per statement).
        let policies: [Policy]
    }

    enum SetupError: Error {
        case usage(ArgumentError)
        case input([Diagnostic])
    }

    static func setup(_ p: ParsedArguments, requirePrincipal: Bool) throws(SetupError) -> Setup {
        let limits: JSONLimits
        do { limits = try self.limits(p) } catch { throw .usage(error) }
        let policies = p.all("policy")
        let account = p.value("account")
        if account != nil && !policies.isEmpty {
            throw .usage(
                ArgumentError("give either `--policy` or `--account`, not both", help: "policies of a snapshot are attached in the snapshot"))
        }
        if account == nil && policies.isEmpty {
            throw .usage(ArgumentError("no policies given", help: "give `--policy FILE` (repeatable), or `--account SNAPSHOT --principal user/NAME`"))
        }
        if account == nil && p.value("principal") != nil {
            throw .usage(
                ArgumentError(
                    "`--principal` needs `--account`", help: "with `--policy` the principal is ad hoc: the given documents are its policies"))
        }
        var diagnostics: [Diagnostic] = []
        let lenient = p.flag("lenient")
        var warnings: [Diagnostic] = []
        var all: [Policy] = []
        var session: Policy? = nil
        if let sp = p.value("session-policy") {
            do {
                let src = try SourceLoader.read(sp, maxBytes: limits.maxBytes)
                let pol = try PolicyParser.parse(src, name: sp, kind: .session, limits: limits, lenient: lenient)
                warnings += pol.warnings
                all.append(pol)
                session = pol
            } catch {
                diagnostics += RAMCLI.diagnostics(of: error)
            }
        }
        let evaluator: Evaluator
        var principal = Principal.adHoc
        if let account {
            var snapshot: AccountSnapshot? = nil
            do {
                let src = try SourceLoader.read(account, maxBytes: limits.maxBytes)
                snapshot = try SnapshotLoader.load(src, limits: limits, lenient: lenient)
            } catch {
                diagnostics += RAMCLI.diagnostics(of: error)
            }
            if !diagnostics.isEmpty { throw .input(diagnostics) }
            guard let snapshot else { throw .input(diagnostics) }
            evaluator = Evaluator(snapshot: snapshot, facts: Catalog.shared)
            releaseFreedMemory()
            for (_, pol) in snapshot.policies {
                warnings += pol.warnings
                all.append(pol)
            }
            for (_, role) in snapshot.roles {
                guard let t = role.trustPolicy else { continue }
                warnings += t.warnings
                all.append(t)
            }
            if let text = p.value("principal") {
                guard let pr = Principal(parsing: text) else {
                    throw .usage(ArgumentError("`\(text)` is not a principal", help: "write `user/NAME`, `role/NAME` or `root`"))
                }
                guard evaluator.knows(pr) else {
                    let names = snapshot.principals.map(\.description).prefix(8).joined(separator: ", ")
                    throw .input([
                        Diagnostic(
                            .error, code: "unknown-principal", "the snapshot has no principal `\(text)`", file: account,
                            help: "principals in the snapshot: \(names)")
                    ])
                }
                principal = pr
            } else if requirePrincipal {
                throw .usage(ArgumentError("`--account` needs `--principal`", help: "write `--principal user/NAME`, `role/NAME` or `root`"))
            }
        } else {
            var loaded: [Policy] = []
            var control: [Policy] = []
            for (list, kind) in [(policies, PolicyKind.identity), (p.all("control-policy"), PolicyKind.control)] {
                for path in list {
                    do {
                        let src = try SourceLoader.read(path, maxBytes: limits.maxBytes)
                        let pol = try PolicyParser.parse(src, name: path, kind: kind, limits: limits, lenient: lenient)
                        warnings += pol.warnings
                        all.append(pol)
                        if kind == .identity { loaded.append(pol) } else { control.append(pol) }
                    } catch {
                        diagnostics += RAMCLI.diagnostics(of: error)
                    }
                }
            }
            if !diagnostics.isEmpty { throw .input(diagnostics) }
            evaluator = Evaluator(policies: loaded, controlPolicies: control, facts: Catalog.shared)
        }
        if !diagnostics.isEmpty { throw .input(diagnostics) }
        return Setup(
            evaluator: evaluator, principal: principal, sessionPolicy: session, hasSnapshot: account != nil, limits: limits,
            defaultContext: !p.flag("no-default-context"), lenient: lenient, warnings: warnings, policies: all)
    }

    /// Parses `--context KEY=VALUE` options.
    static func context(_ p: ParsedArguments) throws(ArgumentError) -> RequestContext {
        var ctx = RequestContext()
        for item in p.all("context") {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                throw ArgumentError("`--context \(item)` is not KEY=VALUE", help: "for example `--context acs:SourceIp=10.1.2.3`")
            }
            ctx.add(String(item[..<eq]), values: [String(item[item.index(after: eq)...])])
        }
        return ctx
    }

    /// Hands the pages of the freed parse tree back to the system after a snapshot is
    /// loaded (glibc keeps them otherwise), so a large account stays small in memory.
    static func releaseFreedMemory() {
        #if os(Linux)
            _ = mallocTrim(0)
        #endif
    }

    /// The current time as RAM writes `acs:CurrentTime` (ISO 8601, UTC, seconds).
    static func now() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: Date())
    }
}

#if os(Linux)
    /// glibc's `malloc_trim` (malloc.h is not part of the Glibc module).
    @_silgen_name("malloc_trim") func mallocTrim(_ pad: Int) -> Int32
#endif
