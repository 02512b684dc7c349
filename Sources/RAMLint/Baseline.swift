import Foundation
import RAMPolicy
import StrictJSON

/// Findings accepted once, so that a gate fails only on new ones. A finding is known
/// by its rule, file and message — not its line, which moves when the file is edited.
///
/// `{"version": 1, "findings": [{"code": "…", "file": "…", "message": "…"}]}`
public struct Baseline: Sendable {
    var keys: [String: Int] = [:]

    public init() {}

    static func key(_ d: Diagnostic) -> String {
        "\(d.code)\u{0}\(d.range?.start.file ?? d.fileName ?? "")\u{0}\(d.message)"
    }

    public init(_ findings: [Diagnostic]) {
        for d in findings { keys[Self.key(d), default: 0] += 1 }
    }

    /// The findings the baseline does not account for (each baseline entry absorbs one finding).
    public func new(_ findings: [Diagnostic]) -> [Diagnostic] {
        var left = keys
        return findings.filter { d in
            let k = Self.key(d)
            if let n = left[k], n > 0 {
                left[k] = n - 1
                return false
            }
            return true
        }
    }

    public static func parse(_ file: SourceFile) throws(DiagnosticList) -> Baseline {
        let v: JSONValue
        do { v = try JSONParser.parse(file) } catch { throw DiagnosticList([error]) }
        guard let items = v.objectValue?["findings"]?.arrayValue else {
            throw DiagnosticList([
                Diagnostic(
                    .error, code: "baseline-invalid", "a baseline is `{\"version\": 1, \"findings\": [ … ]}`",
                    at: SourceRange(file: file, span: v.span),
                    help: "write one with `ramcheck lint --write-baseline FILE`")
            ])
        }
        var b = Baseline()
        for item in items {
            guard let o = item.objectValue, let code = o["code"]?.stringValue, let f = o["file"]?.stringValue, let m = o["message"]?.stringValue
            else {
                throw DiagnosticList([
                    Diagnostic(
                        .error, code: "baseline-invalid", "a baseline entry needs `code`, `file` and `message`",
                        at: SourceRange(file: file, span: item.span))
                ])
            }
            b.keys["\(code)\u{0}\(f)\u{0}\(m)", default: 0] += 1
        }
        return b
    }

    /// The baseline document for findings.
    public static func render(_ findings: [Diagnostic]) -> [UInt8] {
        var w = JSONWriter()
        w.raw("{\"version\": 1, \"findings\": [")
        for (n, d) in findings.enumerated() {
            w.raw(n == 0 ? "\n  {\"code\": " : ",\n  {\"code\": ")
            w.string(d.code)
            w.raw(", \"file\": ")
            w.string(d.range?.start.file ?? d.fileName ?? "")
            w.raw(", \"message\": ")
            w.string(d.message)
            w.raw("}")
        }
        w.raw(findings.isEmpty ? "]}\n" : "\n]}\n")
        return w.bytes
    }

    /// Writes to a temporary name beside `path`, then renames: never half-written.
    public static func write(_ findings: [Diagnostic], to path: String) -> Diagnostic? {
        SourceLoader.writeAtomically(render(findings), to: path)
    }
}
