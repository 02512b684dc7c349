import RAMCatalog
import RAMLint
import StrictJSON

/// Renders lint reports: text, JSON, SARIF 2.1.0 and GitHub workflow commands.
enum LintOutput {
    static func text(_ r: Linter.Report, _ output: Output) {
        for d in r.findings { output.out(DiagnosticPrinter.render(d, colour: false)) }
        var counts: [String] = []
        for s in [Severity.error, .securityWarning, .warning, .suggestion] {
            let n = r.findings.filter { $0.severity == s }.count
            if n > 0 { counts.append("\(n) \(s.rawValue)\(n == 1 ? "" : "s")") }
        }
        let files = "\(r.files.count) file\(r.files.count == 1 ? "" : "s")"
        output.out(counts.isEmpty ? "no findings in \(files)" : "\(counts.joined(separator: ", ")) in \(files)")
    }

    static func position(_ d: Diagnostic) -> (file: String, line: Int, column: Int, endLine: Int, endColumn: Int) {
        guard let r = d.range else { return (d.fileName ?? "", 1, 1, 1, 1) }
        let s = r.start
        let e = r.end
        return (s.file, s.line, s.column, max(e.line, s.line), e.line > s.line ? e.column : max(e.column, s.column + 1))
    }

    static func json(_ r: Linter.Report, _ output: Output) {
        var w = JSONWriter()
        w.raw("{\"catalogVersion\":")
        w.string(Catalog.version)
        w.raw(",\"files\":")
        w.stringArray(r.files)
        w.raw(",\"findings\":[")
        for (n, d) in r.findings.enumerated() {
            if n > 0 { w.comma() }
            let p = position(d)
            w.raw("{\"code\":")
            w.string(d.code)
            w.raw(",\"severity\":")
            w.string(d.severity.rawValue)
            w.raw(",\"message\":")
            w.string(d.message)
            w.raw(",\"file\":")
            w.string(p.file)
            w.raw(",\"line\":")
            w.int(p.line)
            w.raw(",\"column\":")
            w.int(p.column)
            w.raw(",\"endLine\":")
            w.int(p.endLine)
            w.raw(",\"endColumn\":")
            w.int(p.endColumn)
            if let h = d.help {
                w.raw(",\"help\":")
                w.string(h)
            }
            w.raw("}")
        }
        w.raw("]}")
        output.outBytes(w.bytes)
        output.out("")
    }

    /// SARIF levels: errors are `error`, security warnings and warnings `warning`
    /// (security ones tagged, with a security-severity GitHub ranks), suggestions `note`.
    static func level(_ s: Severity) -> String {
        switch s {
        case .error: return "error"
        case .securityWarning, .warning: return "warning"
        case .suggestion, .note: return "note"
        }
    }

    /// - Parameter passes: gate expectations that were met (name, config position),
    ///   written as results of kind `pass` at the expectation's line.
    static func sarif(_ r: Linter.Report, _ output: Output, passes: [(name: String, at: SourceLocation)] = []) {
        var w = JSONWriter()
        w.raw("{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{")
        w.raw("\"name\":\"ramcheck\",\"version\":")
        w.string(RAMCLI.version)
        w.raw(",\"semanticVersion\":")
        w.string(RAMCLI.version)
        w.raw(",\"rules\":[")
        // Every rule, then one entry per load-error code that occurs.
        var rules: [(id: String, summary: String, help: String, severity: Severity)] = Linter.rules.map {
            ($0.id, $0.summary, $0.help, $0.severity)
        }
        if !passes.isEmpty && !r.findings.contains(where: { $0.code == "ExpectationFailed" }) {
            rules.append(("ExpectationFailed", "a gate expectation is not met", "change the policies, or the expectation if it is wrong", .error))
        }
        for d in r.findings where !rules.contains(where: { $0.id == d.code }) {
            if d.code == "ExpectationFailed" {
                rules.append((d.code, "a gate expectation is not met", "change the policies, or the expectation if it is wrong", .error))
            } else {
                rules.append((d.code, "the document does not load (`\(d.code)`)", d.help ?? "fix the document so that RAM accepts it", d.severity))
            }
        }
        for (n, rule) in rules.enumerated() {
            if n > 0 { w.comma() }
            w.raw("{\"id\":")
            w.string(rule.id)
            w.raw(",\"shortDescription\":{\"text\":")
            w.string(rule.summary)
            w.raw("},\"help\":{\"text\":")
            w.string(rule.help)
            w.raw("},\"defaultConfiguration\":{\"level\":")
            w.string(level(rule.severity))
            w.raw("},\"properties\":{\"tags\":[")
            w.string(rule.severity == .securityWarning ? "security" : "correctness")
            w.raw("]")
            if rule.severity == .securityWarning { w.raw(",\"security-severity\":\"7.5\"") }
            w.raw("}}")
        }
        w.raw("]}},\"columnKind\":\"unicodeCodePoints\",\"results\":[")
        for (n, d) in r.findings.enumerated() {
            if n > 0 { w.comma() }
            let p = position(d)
            w.raw("{\"ruleId\":")
            w.string(d.code)
            w.raw(",\"ruleIndex\":")
            w.int(rules.firstIndex { $0.id == d.code } ?? 0)
            w.raw(",\"level\":")
            w.string(level(d.severity))
            w.raw(",\"message\":{\"text\":")
            w.string(d.message + (d.help.map { " (help: \($0))" } ?? ""))
            w.raw("},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":")
            w.string(p.file)
            w.raw("},\"region\":{\"startLine\":")
            w.int(p.line)
            w.raw(",\"startColumn\":")
            w.int(p.column)
            w.raw(",\"endLine\":")
            w.int(p.endLine)
            w.raw(",\"endColumn\":")
            w.int(p.endColumn)
            w.raw("}}}]}")
        }
        for (n, pass) in passes.enumerated() {
            if n > 0 || !r.findings.isEmpty { w.comma() }
            w.raw("{\"ruleId\":\"ExpectationFailed\",\"kind\":\"pass\",\"level\":\"none\",\"message\":{\"text\":")
            w.string("expectation met: \(pass.name)")
            w.raw("},")
            sarifLocation(pass.at, into: &w)
            w.raw("}")
        }
        w.raw("]}]}")
        output.outBytes(w.bytes)
        output.out("")
    }

    /// `"locations":[{"physicalLocation":{…, "region":{"startLine", "startColumn"}}}]` for a point.
    static func sarifLocation(_ at: SourceLocation, into w: inout JSONWriter) {
        w.raw("\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":")
        w.string(at.file)
        w.raw("},\"region\":{\"startLine\":")
        w.int(at.line)
        w.raw(",\"startColumn\":")
        w.int(at.column)
        w.raw("}}}]")
    }

    /// GitHub Actions workflow commands (`::error file=…,line=…,col=…::message`).
    static func github(_ r: Linter.Report, _ output: Output) {
        func escapeData(_ s: String) -> String {
            s.replacingAll("%", "%25").replacingAll("\r", "%0D").replacingAll("\n", "%0A")
        }
        func escapeProperty(_ s: String) -> String { escapeData(s).replacingAll(":", "%3A").replacingAll(",", "%2C") }
        for d in r.findings {
            let p = position(d)
            let kind: String
            switch d.severity {
            case .error, .securityWarning: kind = "error"
            case .warning: kind = "warning"
            case .suggestion, .note: kind = "notice"
            }
            var props = "file=\(escapeProperty(p.file)),line=\(p.line),col=\(p.column),endLine=\(p.endLine),endColumn=\(p.endColumn)"
            props += ",title=\(escapeProperty("ramcheck \(d.code) (\(d.severity.rawValue))"))"
            output.out("::\(kind) \(props)::\(escapeData(d.message + (d.help.map { " — help: \($0)" } ?? "")))")
        }
    }
}

extension String {
    /// Every occurrence of `target` replaced (no Foundation).
    func replacingAll(_ target: String, _ replacement: String) -> String {
        guard !target.isEmpty, contains(target.first ?? " ") else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.firstRange(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}
