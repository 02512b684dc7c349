import RAMPolicy
import StrictJSON

/// The rules a harness holds ramcheck to; a broken one traps, so libFuzzer keeps the input.
enum Invariant {
    static func check(_ ok: Bool, _ what: @autoclosure () -> String) {
        if !ok { fatalError("invariant broken: \(what())") }
    }

    /// A diagnostic's position lies in the input: line and column from 1, within its lines.
    static func position(_ d: Diagnostic, in root: SourceFile) {
        guard let r = d.range else { return }
        check(r.span.start >= 0 && r.span.start <= r.span.end && r.span.end <= r.file.bytes.count, "a span outside its file: \(d)")
        let at = r.start
        check(at.line >= 1 && at.column >= 1, "a position before the start: \(d)")
        check(at.line <= root.lineCount, "a position past the last line (\(at.line) of \(root.lineCount)): \(d)")
    }

    /// The same request decides the same twice, the fast path agrees with the explained
    /// one, and the open-context answer's closed decision is the explained one.
    static func deterministic(_ ev: Evaluator, _ r: Request) {
        do {
            let a = try ev.evaluate(r)
            let b = try ev.evaluate(r)
            let fast = try ev.decide(r)
            check(a.kind == b.kind && a.policyType == b.policyType, "an evaluation that is not deterministic")
            check(fast.0 == a.kind && fast.1 == a.policyType, "the fast path (\(fast.0)) disagrees with the explained one (\(a.kind))")
            let open = try ev.evaluateOpen(r)
            check(open.closed.kind == a.kind, "the open answer's closed decision differs")
            if open.kind == .conditional, let residual = open.residual {
                // Every key of the residual is absent from the request: it must give the closed answer.
                check(residual.holds(in: r.context) == a.kind.isAllowed, "the residual disagrees with the closed decision")
            } else if !open.residualTooLarge {
                check((open.kind == .allow) == a.kind.isAllowed, "an open answer that disagrees with the closed one")
            }
        } catch {
            // A request the evaluator refuses (bad action, unknown principal) is not a failure.
        }
    }
}
