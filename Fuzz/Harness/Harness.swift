import Foundation
import RAMCatalog
import RAMLint
import RAMPolicy
import RAMProbe
import StrictJSON

/// The fuzz harnesses: one function per parser, each taking arbitrary bytes. A harness
/// returns normally for any input — it may reject it — and traps (`Invariant.check`) only
/// when one of ramcheck's own rules is broken: a crash, a position outside the input, a
/// round trip that changes a value, an evaluation that is not deterministic, a Deny that
/// does not deny, a secret in a message.
///
/// Built with `-sanitize=fuzzer,address -DFUZZING` (Scripts/fuzz.sh) each `fuzz-NAME`
/// executable is a libFuzzer binary; built normally it replays files and folders given as
/// arguments through its harness (and the tests replay the seeds and every regression).
public enum Harness {
    public static let all: [String: @Sendable (UnsafeBufferPointer<UInt8>) -> Void] = [
        "json": json, "policy": policy, "eval": eval, "snapshot": snapshot, "lint": lint, "probe": probe, "credentials": credentials,
    ]

    // MARK: - Strict JSON

    static func json(_ data: UnsafeBufferPointer<UInt8>) {
        let bytes = Array(data)
        let file = SourceFile(name: "fuzz.json", bytes: bytes)
        do {
            let v = try JSONParser.parse(file)
            // The writer's output parses back to the same text, compact and pretty.
            var w = JSONWriter()
            w.value(v)
            let again = try? JSONParser.parse(SourceFile(name: "again.json", bytes: w.bytes))
            Invariant.check(again != nil, "the writer's output does not parse")
            if let again {
                var w2 = JSONWriter()
                w2.value(again)
                Invariant.check(w2.bytes == w.bytes, "a JSON round trip changed the value")
                var p = JSONWriter()
                p.pretty(again)
                var w3 = JSONWriter()
                if let pretty = try? JSONParser.parse(SourceFile(name: "pretty.json", bytes: p.bytes)) { w3.value(pretty) }
                Invariant.check(w3.bytes == w.bytes, "pretty printing changed the value")
            }
        } catch {
            Invariant.position(error, in: file)
        }
    }

    // MARK: - Policies

    static func policy(_ data: UnsafeBufferPointer<UInt8>) {
        let file = SourceFile(name: "fuzz-policy.json", bytes: Array(data))
        for kind in [PolicyKind.identity, .trust] {
            for lenient in [false, true] {
                do {
                    let p = try PolicyParser.parse(file, name: "fuzz", kind: kind, lenient: lenient)
                    for s in p.statements {
                        Invariant.check(s.location.line >= 1 && s.location.column >= 1, "a statement at line \(s.location.line)")
                        Invariant.check(s.location.line <= file.lineCount, "a statement past the last line")
                    }
                } catch {
                    for d in error.diagnostics { Invariant.position(d, in: file) }
                }
            }
        }
    }

    // MARK: - Snapshots

    static func snapshot(_ data: UnsafeBufferPointer<UInt8>) {
        let file = SourceFile(name: "/nonexistent/fuzz-snapshot.json", bytes: Array(data))
        do {
            let snap = try SnapshotLoader.load(file)
            let ev = Evaluator(snapshot: snap, facts: Catalog.shared)
            for p in snap.principals.prefix(16) {
                let r = Request(principal: p, action: "emr-serverless-spark:CreateWorkspace")
                Invariant.deterministic(ev, r)
            }
        } catch {
            for d in error.diagnostics { Invariant.position(d, in: file) }
        }
    }

    // MARK: - Lint

    static func lint(_ data: UnsafeBufferPointer<UInt8>) {
        let file = SourceFile(name: "fuzz-lint.json", bytes: Array(data))
        let findings = Linter(now: "2026-12-04T00:00:00Z").lint(file)
        for d in findings { Invariant.position(d, in: file) }
    }

    // MARK: - Probe answers and pasted denials

    static func probe(_ data: UnsafeBufferPointer<UInt8>) {
        let bytes = Array(data)
        if let body = ErrorBody.parse(bytes) {
            _ = ProbeOutcome.classify(status: 403, code: body.code)
            _ = body.detail("PolicyType")
        }
        _ = APINode.parse(bytes)
        let file = SourceFile(name: "fuzz-denial", bytes: bytes)
        do {
            let d = try Denial.read(file)
            _ = d.isDenial
        } catch {
            Invariant.position(error, in: file)
        }
    }

    // MARK: - Credentials files

    /// Reading a profile (config.json) or a section (INI) never shows that profile's secret
    /// or token: what the readers say is the same whatever the secret's value (non-interference).
    /// The file is read twice with the profile's `access_key_secret` (then `sts_token`) set to two
    /// different values — INI: a repeated section at the end (the last assignment wins); JSON: the
    /// document rewritten with the value replaced — and the two outputs must be equal.
    static func credentials(_ data: UnsafeBufferPointer<UInt8>) {
        let bytes = Array(data)
        let text = String(decoding: bytes, as: UTF8.self)
        let variants = ("Aa1-secret-variant-one", "Bb2-secret-variant-two")
        func said(_ body: () throws(CredentialError) -> CredentialChain.Found?) -> String {
            do {
                if let found = try body() { return "\(found.credentials) \(found.source)" }
                return "nil"
            } catch {
                return error.message + " " + (error.help ?? "")
            }
        }
        for (name, section) in CredentialChain.parseINI(text) where !name.contains("]") {
            for key in ["access_key_secret", "sts_token"] where section[key] != nil {
                func read(_ value: String) -> String {
                    let t = text + "\n[\(name)]\n\(key) = \(value)\n"
                    return said { () throws(CredentialError) in try CredentialChain.iniProfile(text: t, path: "credentials", name) }
                }
                Invariant.check(read(variants.0) == read(variants.1), "a section's \(key) changes what is said about it")
            }
        }
        guard let root = try? JSONParser.parse(SourceFile(name: "c", bytes: bytes)) else { return }
        for (n, p) in (root.objectValue?["profiles"]?.arrayValue ?? []).enumerated() {
            guard let o = p.objectValue, let name = o["name"]?.stringValue else { continue }
            for key in ["access_key_secret", "sts_token"] where o[key]?.stringValue != nil {
                func read(_ value: String) -> String {
                    var w = JSONWriter()
                    rewrite(root, profile: n, key: key, value: value, into: &w)
                    return said { () throws(CredentialError) in try CredentialChain.cliProfile(bytes: w.bytes, path: "config.json", name) }
                }
                Invariant.check(read(variants.0) == read(variants.1), "a profile's \(key) changes what is said about it")
            }
        }
    }

    /// The config written back with profile `profile`'s `key` set to `value`.
    static func rewrite(_ root: JSONValue, profile: Int, key: String, value: String, into w: inout JSONWriter) {
        guard let o = root.objectValue else { return w.value(root) }
        w.raw("{")
        for (i, m) in o.members.enumerated() {
            if i > 0 { w.comma() }
            w.string(m.key)
            w.raw(":")
            guard m.key == "profiles", let list = m.value.arrayValue else {
                w.value(m.value)
                continue
            }
            w.raw("[")
            for (k, item) in list.enumerated() {
                if k > 0 { w.comma() }
                guard k == profile, let po = item.objectValue else {
                    w.value(item)
                    continue
                }
                w.raw("{")
                for (j, pm) in po.members.enumerated() {
                    if j > 0 { w.comma() }
                    w.string(pm.key)
                    w.raw(":")
                    if pm.key == key { w.string(value) } else { w.value(pm.value) }
                }
                w.raw("}")
            }
            w.raw("]")
        }
        w.raw("}")
    }
}
