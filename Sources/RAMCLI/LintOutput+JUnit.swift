import FoundationXML
import RAMLint
import StrictJSON

extension LintOutput {
    /// JUnit XML (written with FoundationXML): one `testsuite` per file, one `testcase`
    /// per rule checked (plus `load` for the document itself), a `failure` carrying the
    /// findings of a rule in that file. GitLab and Jenkins render it.
    /// One test case: its name, class, the findings that fail it, and the failure type.
    struct Case {
        let name: String
        let classname: String
        let hits: [Diagnostic]
        let type: String
    }

    static func junit(_ r: Linter.Report, _ output: Output, expectations: [(name: String, failure: Diagnostic?)] = []) {
        var suites: [(name: String, cases: [Case])] = []
        // Files a snapshot names (`file` entries) carry their own findings too.
        var files = r.files
        for d in r.findings where d.code != "ExpectationFailed" {
            let f = d.range?.start.file ?? d.fileName ?? ""
            if !files.contains(f) { files.append(f) }
        }
        for file in files {
            let inFile = r.findings.filter { ($0.range?.start.file ?? $0.fileName) == file }
            let cases = (["load"] + r.rulesRun).map { rule in
                let hits = inFile.filter { rule == "load" ? !r.rulesRun.contains($0.code) && $0.code != "ExpectationFailed" : $0.code == rule }
                return Case(name: rule, classname: file, hits: hits, type: hits.first?.severity.rawValue ?? "")
            }
            suites.append((file, cases))
        }
        if !expectations.isEmpty {
            suites.append(
                (
                    "expectations",
                    expectations.map { Case(name: $0.name, classname: "expectations", hits: $0.failure.map { [$0] } ?? [], type: "expectation") }
                ))
        }
        let root = XMLElement(name: "testsuites")
        root.addAttribute(attribute("name", "ramcheck lint"))
        var totalTests = 0
        var totalFailures = 0
        for (name, cases) in suites {
            let suite = XMLElement(name: "testsuite")
            suite.addAttribute(attribute("name", name))
            for c in cases {
                let tc = XMLElement(name: "testcase")
                tc.addAttribute(attribute("name", c.name))
                tc.addAttribute(attribute("classname", c.classname))
                if let first = c.hits.first {
                    let f = XMLElement(name: "failure")
                    f.addAttribute(attribute("message", first.message))
                    f.addAttribute(attribute("type", c.type))
                    f.stringValue = c.hits.map { DiagnosticPrinter.render($0, colour: false) }.joined(separator: "\n")
                    tc.addChild(f)
                }
                suite.addChild(tc)
            }
            let failures = cases.filter { !$0.hits.isEmpty }.count
            suite.addAttribute(attribute("tests", String(cases.count)))
            suite.addAttribute(attribute("failures", String(failures)))
            suite.addAttribute(attribute("errors", "0"))
            root.addChild(suite)
            totalTests += cases.count
            totalFailures += failures
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
