import StrictJSON
import Testing

@testable import RAMPolicy

/// Every limit stops the input with an error naming the limit and the flag that raises it.
@Suite("limits")
struct LimitsTests {
    func statements(_ n: Int) -> String {
        #"{"Version":"1","Statement":["# + Array(repeating: #"{"Effect":"Allow","Action":"a:b","Resource":"*"}"#, count: n).joined(separator: ",")
            + "]}"
    }

    @Test("statements per document: at the limit accepted, one more refused with `--max-statements`")
    func statementsPerDocument() throws {
        var limits = JSONLimits.default
        limits.maxStatements = 5
        _ = try PolicyParser.parse(SourceFile(name: "p.json", text: statements(5)), name: "p", kind: .identity, limits: limits)
        do {
            _ = try PolicyParser.parse(SourceFile(name: "p.json", text: statements(6)), name: "p", kind: .identity, limits: limits)
            Issue.record("six statements were accepted")
        } catch {
            let d = try #require(error.diagnostics.first)
            #expect(d.code == "limit-statements" && d.help?.contains("--max-statements") == true)
            #expect(d.range?.start.line == 1 && d.range?.start.column == 28)
        }
    }

    @Test("policies per snapshot: one more than the limit refused with `--max-policies`, before any is parsed")
    func policiesPerSnapshot() throws {
        let entries = (0..<4).map {
            #""P\#($0)": {"type": "Custom", "document": {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "a:b", "Resource": "*"}]}}"#
        }
        let text = #"{"accountId": "1", "policies": {"# + entries.joined(separator: ", ") + "}}"
        var limits = JSONLimits.default
        limits.maxPolicies = 4
        _ = try SnapshotLoader.load(SourceFile(name: "s.json", text: text), limits: limits)
        limits.maxPolicies = 3
        do {
            _ = try SnapshotLoader.load(SourceFile(name: "s.json", text: text), limits: limits)
            Issue.record("four policies were accepted")
        } catch {
            #expect(error.diagnostics.map(\.code) == ["limit-policies"])
            #expect(error.diagnostics.first?.help?.contains("--max-policies") == true)
        }
    }

    @Test("huge numbers, prefixes and dates in conditions are values, not traps")
    func hostileValues() throws {
        let doc = """
            {"Version":"1","Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*","Condition":{
              "NumericLessThan":{"k:n":"99999999999999999999999999999999999999999999999999999999"},
              "IpAddress":{"acs:SourceIp":"10.0.0.0/32"},
              "DateLessThan":{"acs:CurrentTime":"9999-12-31T23:59:59.999999999999Z"}}}]}
            """
        let p = try PolicyParser.parse(SourceFile(name: "p.json", text: doc), name: "p", kind: .identity)
        let e = Evaluator(policies: [p])
        var ctx = RequestContext()
        ctx.add("k:n", values: ["-99999999999999999999999999999999999999999999999999999999999.5"])
        ctx.add("acs:SourceIp", values: ["10.0.0.0"])
        ctx.add("acs:CurrentTime", values: ["0000-03-01T00:00:00Z"])
        #expect(try e.decide(Request(action: "a:b", context: ctx)).0 == .allow)
        for bad in ["10.0.0.0/33", "10.0.0.0/99999999999999999999", "::/129", "10.0.0.0/-1"] {
            let d = doc.replacingOccurrences(of: "10.0.0.0/32", with: bad)
            #expect(throws: DiagnosticList.self) { try PolicyParser.parse(SourceFile(name: "p.json", text: d), name: "p", kind: .identity) }
        }
    }
}
