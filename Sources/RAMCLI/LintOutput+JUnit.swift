import FoundationXML
import RAMLint
import StrictJSON

extension LintOutput {
    /// JUnit XML (written with FoundationXML): one `testsuite` per file, one `testcase`
    /// per rule checked (plus `load` for the document itself), a `failure` carrying the
    /// findings of a rule in that file. GitLab and Jenkins render it.
    static func junit(_ r: Linter.Report, _ output: Output, expectations: [(name: String, failure: Diagnostic?)] = []) {
        let root = XMLElement(name: "testsuites")
        root.addAttribute(attribute("name", "ramcheck lint"))
        var totalTests = 0
        var totalFailures = 0
        // Files a snapshot names (`file` entries) carry their own findings too.
        var files = r.files
        for d in r.findings where d.code != "ExpectationFailed" {
            let f = d.range?.start.file ?? d.fileName ?? ""
            if !files.contains(f) { files.append(f) }
        }
        for file in files {
            let inFile = r.findings.filter { ($0.range?.start.file ?? $0.fileName) == file }
            let suite = XMLElement(name: "testsuite")
            let cases = ["load"] + r.rulesRun
            var failures = 0
            for rule in cases {
                let tc = XMLElement(name: "testcase")
                tc.addAttribute(attribute("name", rule))
                tc.addAttribute(attribute("classname", file))
                let hits = inFile.filter { rule == "load" ? !r.rulesRun.contains($0.code) && $0.code != "ExpectationFailed" : $0.code == rule }
                if let first = hits.first {
                    failures += 1
                    let f = XMLElement(name: "failure")
                    f.addAttribute(attribute("message", first.message))
                    f.addAttribute(attribute("type", first.severity.rawValue))
                    f.stringValue = hits.map { DiagnosticPrinter.render($0, colour: false) }.joined(separator: "\n")
                    tc.addChild(f)
                }
                suite.addChild(tc)
            }
            suite.addAttribute(attribute("name", file))
            suite.addAttribute(attribute("tests", String(cases.count)))
            suite.addAttribute(attribute("failures", String(failures)))
            suite.addAttribute(attribute("errors", "0"))
            root.addChild(suite)
            totalTests += cases.count
            totalFailures += failures
        }
        if !expectations.isEmpty {
            let suite = XMLElement(name: "testsuite")
            suite.addAttribute(attribute("name", "expectations"))
            for e in expectations {
                let tc = XMLElement(name: "testcase")
                tc.addAttribute(attribute("name", e.name))
                tc.addAttribute(attribute("classname", "expectations"))
                if let f = e.failure {
                    let x = XMLElement(name: "failure")
                    x.addAttribute(attribute("message", f.message))
                    x.addAttribute(attribute("type", "expectation"))
                    x.stringValue = DiagnosticPrinter.render(f, colour: false)
                    tc.addChild(x)
                }
                suite.addChild(tc)
            }
            let failed = expectations.filter { $0.failure != nil }.count
            suite.addAttribute(attribute("tests", String(expectations.count)))
            suite.addAttribute(attribute("failures", String(failed)))
            suite.addAttribute(attribute("errors", "0"))
            root.addChild(suite)
            totalTests += expectations.count
            totalFailures += failed
        }
        root.addAttribute(attribute("tests", String(totalTests)))
        root.addAttribute(attribute("failures", String(totalFailures)))
        let doc = XMLDocument(rootElement: root)
        doc.characterEncoding = "UTF-8"
        doc.version = "1.0"
        output.out(doc.xmlString(options: [.nodePrettyPrint]))
    }

    static func attribute(_ name: String, _ value: String) -> XMLNode {
        let a = XMLNode(kind: .attribute)
        a.name = name
        a.stringValue = value
        return a
    }
}
