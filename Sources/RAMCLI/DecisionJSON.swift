import RAMPolicy
import StrictJSON

/// The decision object of INTERFACE.md ("Decision"), written without Foundation.
enum DecisionJSON {
    static func write(_ d: Decision, request: Request, id: JSONValue?, into w: inout JSONWriter) {
        w.raw("{")
        if let id {
            w.key("id")
            w.value(id)
            w.comma()
        }
        if request.principal != .adHoc {
            w.key("principal")
            w.string(request.principal.description)
            w.comma()
        }
        w.key("action")
        w.string(request.action)
        w.comma()
        w.key("resource")
        w.string(d.resource)
        w.comma()
        w.key("decision")
        w.string(d.kind.rawValue)
        w.comma()
        w.key("policyType")
        if let t = d.policyType { w.string(t.rawValue) } else { w.null() }
        if let a = d.deniedAction {
            w.comma()
            w.key("deniedAction")
            w.string(a)
        }
        w.comma()
        w.key("statements")
        w.raw("[")
        for (n, s) in d.statements.enumerated() {
            if n > 0 { w.comma() }
            statement(s, request: request, into: &w)
        }
        w.raw("]")
        w.comma()
        w.key("missingContextKeys")
        w.stringArray(d.missingContextKeys)
        w.comma()
        w.key("assumptions")
        w.stringArray(d.assumptions.map(\.rawValue))
        if !d.notes.isEmpty {
            w.comma()
            w.key("notes")
            w.stringArray(d.notes)
        }
        w.raw("}")
    }

    static func statement(_ s: StatementResult, request: Request, into w: inout JSONWriter) {
        w.raw("{")
        w.key("policy")
        w.string(s.policy)
        w.comma()
        w.key("statement")
        w.int(s.statement)
        w.comma()
        w.key("effect")
        w.string(s.effect.rawValue)
        w.comma()
        w.key("location")
        let loc = s.location
        w.location(loc.file, loc.line, loc.column)
        w.comma()
        w.key("layer")
        w.string(s.layer.rawValue)
        w.comma()
        w.key("role")
        w.string(s.role.rawValue)
        if let sid = s.sid {
            w.comma()
            w.key("sid")
            w.string(sid)
        }
        if s.action != request.action {
            w.comma()
            w.key("action")
            w.string(s.action)
        }
        if let r = s.reason {
            w.comma()
            w.key("reason")
            w.string(r.text)
            w.comma()
            w.key("detail")
            detail(r, into: &w)
        }
        w.raw("}")
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
            w.comma()
            w.key("requestResource")
            w.string(resource)
            w.comma()
            w.key("allResourcesOnly")
            w.bool(allOnly)
        case .condition(let f):
            w.key("kind")
            w.string("condition")
            w.comma()
            w.key("failure")
            w.string(f.kind.rawValue)
            w.comma()
            w.key("key")
            w.string(f.key)
            w.comma()
            w.key("operator")
            w.string(f.op.rawValue)
            w.comma()
            w.key("expected")
            w.stringArray(f.expected)
            w.comma()
            w.key("actual")
            w.stringArray(f.actual)
        case .principal(let caller):
            w.key("kind")
            w.string("principal")
            w.comma()
            w.key("caller")
            w.stringArray(caller)
        }
        w.raw("}")
    }

    static func error(id: JSONValue?, code: String, message: String, into w: inout JSONWriter) {
        w.raw("{")
        if let id {
            w.key("id")
            w.value(id)
            w.comma()
        }
        w.key("error")
        w.raw("{")
        w.key("code")
        w.string(code)
        w.comma()
        w.key("message")
        w.string(message)
        w.raw("}}")
    }
}
