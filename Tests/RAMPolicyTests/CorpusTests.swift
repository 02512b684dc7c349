import RAMCatalog
import RAMPolicy
import StrictJSON
import TestSupport
import Testing

extension DecisionCase: CustomTestStringConvertible {
    public var testDescription: String { name }
}

extension ParseCase: CustomTestStringConvertible {
    public var testDescription: String { name }
}

private let decisionCases: [DecisionCase] = {
    do { return try Corpus.decisionCases(facts: Catalog.shared) } catch {
        Issue.record("corpus did not load: \(error)")
        return []
    }
}()

@Suite("Corpus")
struct CorpusTests {
    @Test("the corpus loads and is not empty")
    func loads() throws {
        #expect(try Corpus.decisionCases(facts: Catalog.shared).count > 150)
        #expect(try Corpus.parseCases().count > 20)
    }

    @Test("decision", arguments: decisionCases)
    func decision(_ c: DecisionCase) throws {
        if let expectedError = c.error {
            #expect(throws: RequestError.self) { try c.evaluator.evaluate(c.request) }
            do {
                _ = try c.evaluator.evaluate(c.request)
            } catch {
                #expect(error.code == expectedError)
            }
            return
        }
        let d = try c.evaluator.evaluate(c.request)
        #expect(d.kind.rawValue == c.decision)
        #expect(d.policyType?.rawValue == c.policyType)
        if d.kind != .allow {
            #expect(d.deniedAction == (c.deniedAction ?? c.request.action))
        }
        if let a = c.assumptions { #expect(d.assumptions.map(\.rawValue) == a) }
        if let m = c.missing { #expect(d.missingContextKeys == m) }
        if let s = c.statements {
            #expect(d.statements.map { "\($0.policy)#\($0.statement):\($0.role.rawValue)" } == s)
        }
        #expect(d.inconclusive == c.inconclusive)
        // The fast path gives the same answer.
        let fast = try c.evaluator.decide(c.request)
        #expect(fast.0 == d.kind)
        #expect(fast.1 == d.policyType)
    }

    @Test("documents that must not load, or load with warnings", arguments: try Corpus.parseCases())
    func parse(_ c: ParseCase) {
        do {
            let p = try PolicyParser.parse(c.source, name: "doc", kind: c.kind)
            #expect(c.errors.isEmpty, "expected errors \(c.errors)")
            #expect(p.warnings.map(\.code) == c.warnings)
        } catch {
            #expect(error.diagnostics.map(\.code) == c.errors)
            if let positions = c.positions {
                #expect(error.diagnostics.map { d in d.range.map { "\($0.start.line):\($0.start.column)" } ?? "-" } == positions)
            }
            for d in error.diagnostics {
                #expect(d.range != nil, "every error has a position: \(d)")
                #expect(!d.message.hasSuffix("."), "no final period: \(d.message)")
            }
        }
    }
}
