import RAMPolicy
import StrictJSON

/// The decision object of INTERFACE.md ("Decision"), written without Foundation.
enum DecisionJSON {
    /// - Parameter id: the request's `id`, already serialized (echoed as given).
    /// - Parameter open: the open-context answer (`--open-context`): a `conditional` one is
    ///   written as `"decision": "conditional"` with its `residual`.
    static func write(
        _ d: Decision, request: Request, id: ArraySlice<UInt8>?, heads: StatementHeads? = nil, open: OpenDecision? = nil, into w: inout JSONWriter
    ) {
        w.raw("{")
        if let id {
            w.key("id")
            w.append(contentsOf: id)
            w.comma()
        }
        if request.principal != .adHoc {
            w.key("principal")
            w.string(request.principal.description)
            w.comma()
        }
        w.key("action")
        w.string(request.action)
        w.raw(",\"resource\":")
        w.string(d.resource)
        w.raw(",\"decision\":")
        w.string(open?.kind.rawValue ?? d.kind.rawValue)
        w.raw(",\"policyType\":")
        if let t = d.policyType { w.string(t.rawValue) } else { w.null() }
        if let a = d.deniedAction {
            w.raw(",\"deniedAction\":")
            w.string(a)
        }
        w.raw(",\"statements\":")
        w.raw("[")
        for (n, s) in d.statements.enumerated() {
            if n > 0 { w.comma() }
            statement(s, request: request, heads: heads, into: &w)
        }
        w.raw("]")
        w.raw(",\"missingContextKeys\":")
        w.stringArray(d.missingContextKeys)
        w.raw(",\"assumptions\":")
        w.stringArray(d.assumptions.map(\.rawValue))
        if let r = open?.residual {
            w.raw(",\"residual\":")
            residual(r, into: &w)
        }
        if d.inconclusive || open?.residualTooLarge == true { w.raw(",\"inconclusive\":true") }
        if !d.notes.isEmpty {
            w.raw(",\"notes\":")
            w.stringArray(d.notes)
        }
        w.raw("}")
    }

    /// `{"anyOf": [{"allOf": [{"key", "operator", "values", "negated"}]}]}` (INTERFACE.md).
    static func residual(_ r: Residual, into w: inout JSONWriter) {
        w.raw("{\"anyOf\":[")
        for (n, alt) in r.anyOf.enumerated() {
            if n > 0 { w.comma() }
            w.raw("{\"allOf\":[")
            for (k, t) in alt.enumerated() {
                if k > 0 { w.comma() }
                w.raw("{\"key\":")
                w.string(t.key)
                w.raw(",\"operator\":")
                w.string(t.op.rawValue)
                w.raw(",\"values\":")
                w.stringArray(t.values)
                w.raw(",\"negated\":")
                w.bool(t.negated)
                w.raw("}")
            }
            w.raw("]}")
        }
        w.raw("]}")
    }

    static func statement(_ s: StatementResult, request: Request, heads: StatementHeads?, into w: inout JSONWriter) {
        if let head = heads?.head(s.statementRef) {
            w.append(contentsOf: head)
        } else {
            head(s.document, s.statementRef, into: &w)
        }
        w.raw(",\"layer\":")
        w.string(s.layer.rawValue)
        w.raw(",\"role\":")
        w.string(s.role.rawValue)
        if let sid = s.sid {
            w.raw(",\"sid\":")
            w.string(sid)
        }
        if s.action != request.action {
            w.raw(",\"action\":")
            w.string(s.action)
        }
        if let r = s.reason {
            w.raw(",\"reason\":")
            w.string(r.text)
            w.raw(",\"detail\":")
            detail(r, into: &w)
        }
        w.raw("}")
    }

    /// `{"policy":…,"statement":…,"effect":…,"location":…` — the part of a statement
    /// object that depends on the statement alone.
    static func head(_ p: Policy, _ s: Statement, into w: inout JSONWriter) {
        w.raw("{")
        w.key("policy")
        w.string(p.name)
        w.raw(",\"statement\":")
        w.int(s.index)
        w.raw(",\"effect\":")
        w.string(s.effect.rawValue)
        w.raw(",\"location\":")
        let loc = s.location
        w.location(loc.file, loc.line, loc.column)
    }

    static func detail(_ r: IneffectiveReason, into w: inout JSONWriter) {
        w.raw("{")
        switch r {
        case .resource(let patterns, let resource, let negated, let allOnly):
            w.key("kind")
            w.string("resource")
            w.comma()
            w.key(negated ? "notResource" : "patterns")
            w.stringArray(patterns)
            w.raw(",\"requestResource\":")
            w.string(resource)
            w.raw(",\"allResourcesOnly\":")
            w.bool(allOnly)
        case .condition(let f):
            w.key("kind")
            w.string("condition")
            w.raw(",\"failure\":")
            w.string(f.kind.rawValue)
            w.raw(",\"key\":")
            w.string(f.key)
            w.raw(",\"operator\":")
            w.string(f.op.rawValue)
            w.raw(",\"expected\":")
            w.stringArray(f.expected)
            w.raw(",\"actual\":")
            w.stringArray(f.actual)
        case .skipped(let why):
            w.key("kind")
            w.string("skipped")
            w.raw(",\"why\":")
            w.string(why)
        case .principal(let caller):
            w.key("kind")
            w.string("principal")
            w.raw(",\"caller\":")
            w.stringArray(caller)
        }
        w.raw("}")
    }

    static func error(id: ArraySlice<UInt8>?, code: String, message: String, into w: inout JSONWriter) {
        w.raw("{")
        if let id {
            w.key("id")
            w.append(contentsOf: id)
            w.comma()
        }
        w.key("error")
        w.raw("{")
        w.key("code")
        w.string(code)
        w.raw(",\"message\":")
        w.string(message)
        w.raw("}}")
    }
}

/// Statement heads rendered once for every statement of the loaded documents, so that
/// `eval` writes each with one copy.
struct StatementHeads: Sendable {
    let table: [ObjectIdentifier: [UInt8]]

    init(_ policies: [Policy]) {
        var t: [ObjectIdentifier: [UInt8]] = [:]
        for p in policies {
            for s in p.statements {
                var w = JSONWriter()
                DecisionJSON.head(p, s, into: &w)
                t[ObjectIdentifier(s)] = w.bytes
            }
        }
        table = t
    }

    @inline(__always) func head(_ s: Statement) -> [UInt8]? { table[ObjectIdentifier(s)] }
}
