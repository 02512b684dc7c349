import Foundation
import FoundationXML
import TestSupport
import Testing

/// `ramcheck audit --format html`: one self-contained file (nothing fetched from anywhere),
/// well-formed, with every cell explained. Rendering in a real browser is checked by
/// `Scripts/check-audit-html.sh` (headless Chromium), which CI runs.
@Suite("audit report")
struct AuditTests {
    @Test("the HTML report is well-formed, self-contained, and explains every cell")
    func html() throws {
        let r = try GoldenTests.run(["audit", "--account", "policies/account.json", "--format", "html"])
        #expect(r.status == 0)
        let data = Data(r.stdout.utf8)
        // Well-formed XML (the markup is written so), parsed with external entities off.
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        final class Counter: NSObject, XMLParserDelegate {
            var cells = 0
            var titled = 0
            var external: [String] = []
            func parser(
                _ p: XMLParser, didStartElement e: String, namespaceURI: String?, qualifiedName: String?, attributes a: [String: String] = [:]
            ) {
                if e == "td", (a["class"] ?? "").hasPrefix("cell") {
                    cells += 1
                    if let t = a["title"], t.contains("→"), t.count > 20 { titled += 1 }
                }
                for k in ["src", "href"] { if let v = a[k] { external.append(v) } }
                if e == "link" || e == "img" || e == "iframe" { external.append(e) }
            }
        }
        let counter = Counter()
        parser.delegate = counter
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(counter.cells == 6 * 88, "6 principals × 88 actions")
        #expect(counter.titled == counter.cells, "every cell explains itself")
        #expect(counter.external.isEmpty, "nothing is loaded: \(counter.external)")
        #expect(!r.stdout.contains("http://") && !r.stdout.contains("https://"))
        #expect(r.stdout.contains("@media print"))
        #expect(r.stdout.contains("emr-serverless-spark:CreateWorkspace"))
    }

    @Test("--out writes the file whole; the same cells in every format")
    func formats() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ramcheck-audit-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let out = dir.appendingPathComponent("report.csv").path
        let args = ["audit", "--account", "policies/account.json", "--no-default-context", "--access-level", "create"]
        let w = try GoldenTests.run(args + ["--format", "csv", "--out", out])
        #expect(w.status == 0 && w.stdout.isEmpty)
        let csv = try String(contentsOfFile: out, encoding: .utf8)
        let rows = csv.split(separator: "\r\n").dropFirst()
        #expect(rows.count == 6 * 11)
        let json = try GoldenTests.run(args + ["--format", "json"])
        let conditionalCSV = rows.filter { $0.contains(",conditional,") }.count
        let conditionalJSON = json.stdout.components(separatedBy: #""decision":"conditional""#).count - 1
        #expect(conditionalCSV == conditionalJSON && conditionalCSV > 0)
        let bad = try GoldenTests.run(args + ["--out", dir.appendingPathComponent("no/such/dir/x").path])
        #expect(bad.status == 2 && bad.stderr.contains("cannot write"))
    }
}
