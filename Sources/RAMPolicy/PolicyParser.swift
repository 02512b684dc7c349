import StrictJSON

/// Turns JSON into a ``Policy`` by the rules of SEMANTICS §1, collecting every
/// error of the document (each with its position and a help line) rather than
/// stopping at the first.
public struct PolicyParser {
    let file: SourceFile
    let kind: PolicyKind
    var errors: [Diagnostic] = []
    var warnings: [Diagnostic] = []
    var cursor: SourceFile.Cursor

    /// Skip statements with an unknown operator instead of rejecting the document.
    let lenient: Bool
    /// Most statements a document may have (`--max-statements`).
    var maxStatements = JSONLimits.default.maxStatements
    /// Why the statement being parsed cannot be evaluated (lenient mode).
    var unevaluable: String? = nil
    var setOperator = false

    init(file: SourceFile, kind: PolicyKind, cursor: SourceFile.Cursor, lenient: Bool) {
        self.file = file
        self.kind = kind
        self.cursor = cursor
        self.lenient = lenient
    }

    /// Parses a whole source file as a policy document.
    /// - Throws: ``DiagnosticList`` with every error found.
    public static func parse(
        _ file: SourceFile, name: String, kind: PolicyKind, type: String? = nil, limits: JSONLimits = .default, lenient: Bool = false
    ) throws(DiagnosticList) -> Policy {
        let value: JSONValue
        do {
            value = try JSONParser.parse(file, limits: limits)
        } catch {
            throw DiagnosticList([error])
        }
        return try parse(value, in: file, name: name, kind: kind, type: type, limits: limits, lenient: lenient)
    }

    /// Parses a document given as a JSON object, or as a string holding JSON (as the
    /// RAM API returns documents). Positions inside a string point into `file`.
    public static func parse(
        _ value: JSONValue, in file: SourceFile, name: String, kind: PolicyKind, type: String? = nil,
        limits: JSONLimits = .default, lenient: Bool = false
    ) throws(DiagnosticList) -> Policy {
        var cursor = SourceFile.Cursor()
        return try parse(value, in: file, name: name, kind: kind, type: type, limits: limits, lenient: lenient, cursor: &cursor)
    }

    /// As above, resolving positions with a cursor shared by the documents of one file.
    static func parse(
        _ value: JSONValue, in file: SourceFile, name: String, kind: PolicyKind, type: String?, limits: JSONLimits, lenient: Bool,
        cursor: inout SourceFile.Cursor
    ) throws(DiagnosticList) -> Policy {
        if case .string = value.kind {
            guard let inner = JSONParser.embeddedSource(of: value, in: file) else {
                throw DiagnosticList([
                    Diagnostic(
                        .error, code: "policy-invalid-document", "the document string could not be decoded",
                        at: SourceRange(file: file, span: value.span))
                ])
            }
            let innerValue: JSONValue
            do { innerValue = try JSONParser.parse(inner, limits: limits) } catch { throw DiagnosticList([error]) }
            return try parse(innerValue, in: inner, name: name, kind: kind, type: type, limits: limits, lenient: lenient, cursor: &cursor)
        }
        var p = PolicyParser(file: file, kind: kind, cursor: cursor, lenient: lenient)
        p.maxStatements = limits.maxStatements
        let result = p.document(value)
        cursor = p.cursor
        if !p.errors.isEmpty { throw DiagnosticList(p.errors) }
        return Policy(
            name: name, kind: kind, type: type, source: file, statements: result.statements, span: value.span,
            singleStatementObject: result.single, warnings: p.warnings)
    }

    // MARK: - Reporting

    mutating func error(_ code: String, _ message: String, _ span: Span, help: String? = nil) {
        errors.append(Diagnostic(.error, code: code, message, at: SourceRange(file: file, span: span), help: help))
    }

    mutating func warning(_ code: String, _ message: String, _ span: Span, help: String? = nil) {
        warnings.append(Diagnostic(.warning, code: code, message, at: SourceRange(file: file, span: span), help: help))
    }

    // MARK: - Document

    mutating func document(_ value: JSONValue) -> (statements: [Statement], single: Bool) {
        guard let obj = value.objectValue else {
            error("policy-not-object", "a policy document must be a JSON object, not \(value.typeDescription)", value.span)
            return ([], false)
        }
        for m in obj.members where m.key != "Version" && m.key != "Statement" {
            let hint = ["version": "Version", "statement": "Statement"][m.key.lowercased()]
            error(
                "policy-unknown-key", "unknown top-level key `\(m.key)`", m.keySpan,
                help: hint.map { "keys are case-sensitive: write `\($0)`" } ?? "a policy document has only `Version` and `Statement`")
        }
        if let v = obj.member("Version") {
            if v.value.stringValue != "1" {
                let shown = v.value.stringValue.map { "`\($0)`" } ?? v.value.typeDescription
                error("policy-version", "`Version` must be the string `\"1\"`, not \(shown)", v.value.span, help: "write `\"Version\": \"1\"`")
            }
        } else if obj.member("version") == nil {
            error(
                "policy-version-missing", "the document has no `Version`", Span(start: value.span.start, end: value.span.start + 1),
                help: "add `\"Version\": \"1\"`")
        }
        guard let st = obj.member("Statement") else {
            if obj.member("statement") == nil {
                error(
                    "policy-statement-missing", "the document has no `Statement`", Span(start: value.span.start, end: value.span.start + 1),
                    help: "add `\"Statement\": [ … ]` with one or more statements")
            }
            return ([], false)
        }
        switch st.value.kind {
        case .array(let items):
            if items.isEmpty {
                error("policy-statement-empty", "`Statement` is an empty array", st.value.span, help: "a document needs at least one statement")
            }
            if items.count > maxStatements {
                error(
                    "limit-statements", "`Statement` has \(items.count) statements, more than the limit of \(maxStatements)",
                    Span(start: st.value.span.start, end: st.value.span.start + 1), help: "raise the limit with `--max-statements N`")
                return ([], false)
            }
            var out: [Statement] = []
            for (n, item) in items.enumerated() {
                if let s = statement(item, index: n) { out.append(s) }
            }
            return (out, false)
        case .object:
            warning(
                "policy-single-statement", "`Statement` is a single object, not an array", st.value.span,
                help: "write `\"Statement\": [ { … } ]`; a lone object is accepted (assumption `single-statement-object`)")
            return (statement(st.value, index: 0).map { [$0] } ?? [], true)
        default:
            error("policy-statement-type", "`Statement` must be an array of statement objects, not \(st.value.typeDescription)", st.value.span)
            return ([], false)
        }
    }

    // MARK: - Statement

    static let statementKeys: Set<String> = ["Effect", "Action", "NotAction", "Resource", "NotResource", "Condition", "Principal", "Sid"]

    mutating func statement(_ value: JSONValue, index: Int) -> Statement? {
        guard let obj = value.objectValue else {
            error("policy-statement-not-object", "statement \(index) must be an object, not \(value.typeDescription)", value.span)
            return nil
        }
        let before = errors.count
        unevaluable = nil
        setOperator = false
        let open = Span(start: value.span.start, end: value.span.start + 1)
        for m in obj.members where !PolicyParser.statementKeys.contains(m.key) {
            let hint = PolicyParser.statementKeys.first { $0.lowercased() == m.key.lowercased() }
            error(
                "policy-unknown-key", "unknown statement key `\(m.key)`", m.keySpan,
                help: hint.map { "keys are case-sensitive: write `\($0)`" }
                    ?? "a statement has `Effect`, `Action` or `NotAction`, `Resource` or `NotResource`, and optionally `Condition`")
        }
        // Effect
        var effect: Effect? = nil
        if let e = obj.member("Effect") {
            if let s = e.value.stringValue, let eff = Effect(rawValue: s) {
                effect = eff
            } else {
                let shown = e.value.stringValue.map { "`\($0)`" } ?? e.value.typeDescription
                let fix = e.value.stringValue.flatMap { s in Effect(rawValue: s.prefix(1).uppercased() + s.dropFirst().lowercased()) }
                error(
                    "policy-effect", "`Effect` must be `Allow` or `Deny`, not \(shown)", e.value.span,
                    help: fix.map { "values are case-sensitive: write `\($0.rawValue)`" } ?? "write `\"Effect\": \"Allow\"` or `\"Effect\": \"Deny\"`"
                )
            }
        } else {
            error("policy-effect-missing", "statement \(index) has no `Effect`", open, help: "add `\"Effect\": \"Allow\"` or `\"Effect\": \"Deny\"`")
        }
        // Action / NotAction
        let actions = exactlyOne(obj, "Action", "NotAction", index: index, open: open, isAction: true)
        // Resource / NotResource
        var resources: PatternList? = nil
        if kind == .trust {
            for k in ["Resource", "NotResource"] {
                if let m = obj.member(k) {
                    error(
                        "policy-trust-resource", "`\(k)` is not used in a trust policy", m.keySpan,
                        help: "a trust policy names who may assume the role in `Principal`; remove `\(k)`")
                }
            }
        } else {
            resources = exactlyOne(obj, "Resource", "NotResource", index: index, open: open, isAction: false)
        }
        // Principal
        var principal: TrustPrincipal? = nil
        if let m = obj.member("Principal") {
            if kind == .trust {
                principal = trustPrincipal(m.value)
            } else {
                error(
                    "policy-principal", "`Principal` is only used in role trust policies", m.keySpan,
                    help: "an identity policy applies to the principal it is attached to; remove `Principal`")
            }
        } else if kind == .trust {
            error(
                "policy-principal-missing", "trust-policy statement \(index) has no `Principal`", open,
                help: "add `\"Principal\": {\"RAM\": [\"acs:ram::<account-id>:root\"]}`")
        }
        // Condition
        var conditions: [ConditionEntry] = []
        if let m = obj.member("Condition") { conditions = condition(m.value) }
        // Sid
        var sid: String? = nil
        if let m = obj.member("Sid") {
            if let s = m.value.stringValue {
                sid = s
            } else {
                error("policy-sid", "`Sid` must be a string, not \(m.value.typeDescription)", m.value.span)
            }
        }
        guard errors.count == before, let effect, let actions else { return nil }
        return Statement(
            index: index, effect: effect, actions: actions, resources: resources, principal: principal, conditions: conditions, sid: sid,
            span: value.span, location: cursor.location(in: file, ofOffset: value.span.start), unevaluable: unevaluable,
            unevaluableBySetOperator: setOperator)
    }

    mutating func exactlyOne(
        _ obj: JSONObject, _ a: String, _ notA: String, index: Int, open: Span, isAction: Bool
    ) -> PatternList? {
        let ma = obj.member(a)
        let mn = obj.member(notA)
        if ma != nil, let mn {
            error(
                "policy-\(a.lowercased())-both", "statement \(index) has both `\(a)` and `\(notA)`", mn.keySpan,
                help: "keep exactly one of `\(a)` and `\(notA)`")
            return nil
        }
        guard let m = ma ?? mn else {
            error("policy-\(a.lowercased())-missing", "statement \(index) has neither `\(a)` nor `\(notA)`", open, help: "add `\"\(a)\": …`")
            return nil
        }
        guard let items = stringList(m.value, what: "`\(m.key)`") else { return nil }
        var patterns: [PolicyPattern] = []
        patterns.reserveCapacity(items.count)
        for (parsed, span) in items {
            let text = fresh(parsed)
            if isAction {
                if !validAction(text) {
                    error(
                        "policy-action-syntax", "`\(text)` is not an action: expected `*` or `<ram-code>:<action>`", span,
                        help: "write the service's RAM code, one `:`, and the API name, e.g. `emr-serverless-spark:CreateWorkspace`")
                    continue
                }
                let lower = text.lowercased()
                patterns.append(PolicyPattern(text: text, span: span, glob: Glob(lower == text ? text : lower)))
            } else {
                patterns.append(PolicyPattern(text: text, span: span, glob: Glob(text)))
            }
        }
        return PatternList(negated: m.key == notA, patterns: patterns, keySpan: m.keySpan, singleString: m.value.stringValue != nil)
    }

    func validAction(_ t: String) -> Bool {
        if t == "*" { return true }
        let parts = t.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty
    }

    /// A string or a non-empty array of strings.
    mutating func stringList(_ v: JSONValue, what: String) -> [(String, Span)]? {
        switch v.kind {
        case .string(let s): return [(s, v.span)]
        case .array(let items):
            if items.isEmpty {
                error("policy-empty-array", "\(what) is an empty array", v.span, help: "list at least one value, or remove the element")
                return nil
            }
            var out: [(String, Span)] = []
            var ok = true
            for item in items {
                if let s = item.stringValue {
                    out.append((s, item.span))
                } else {
                    error("policy-value-type", "\(what) entries must be strings, not \(item.typeDescription)", item.span)
                    ok = false
                }
            }
            return ok ? out : nil
        default:
            error("policy-value-type", "\(what) must be a string or an array of strings, not \(v.typeDescription)", v.span)
            return nil
        }
    }

    mutating func trustPrincipal(_ v: JSONValue) -> TrustPrincipal? {
        guard let obj = v.objectValue else {
            let help = v.stringValue == "*" ? "a RAM trust policy names principals explicitly; there is no `*`" : nil
            error("policy-principal-type", "`Principal` must be an object such as `{\"RAM\": [ … ]}`, not \(v.typeDescription)", v.span, help: help)
            return nil
        }
        var ram: [String] = []
        var service: [String] = []
        var federated: [String] = []
        for m in obj.members {
            guard let items = stringList(m.value, what: "`Principal.\(m.key)`") else { continue }
            switch m.key {
            case "RAM": ram = items.map(\.0)
            case "Service": service = items.map(\.0)
            case "Federated": federated = items.map(\.0)
            default:
                error("policy-principal-key", "unknown principal type `\(m.key)`", m.keySpan, help: "use `RAM`, `Service` or `Federated`")
            }
        }
        if obj.members.isEmpty { error("policy-principal-empty", "`Principal` is empty", v.span) }
        return TrustPrincipal(ram: ram, service: service, federated: federated, span: v.span)
    }

    // MARK: - Condition

    mutating func condition(_ v: JSONValue) -> [ConditionEntry] {
        guard let obj = v.objectValue else {
            error("policy-condition-type", "`Condition` must be an object, not \(v.typeDescription)", v.span)
            return []
        }
        var out: [ConditionEntry] = []
        for m in obj.members {
            guard let op = ConditionOperator(rawValue: m.key) else {
                unknownOperator(m.key, m.keySpan)
                if lenient, unevaluable == nil {
                    unevaluable = "unknown condition operator `\(m.key)`"
                    setOperator = m.key.hasPrefix("ForAnyValue:") || m.key.hasPrefix("ForAllValues:") || m.key.hasSuffix("IfExists")
                }
                continue
            }
            guard let keys = m.value.objectValue else {
                error(
                    "policy-condition-type", "the value of `\(m.key)` must be an object of condition keys, not \(m.value.typeDescription)",
                    m.value.span)
                continue
            }
            for k in keys.members {
                if let e = conditionEntry(op, opSpan: m.keySpan, key: k) { out.append(e) }
            }
        }
        return out
    }

    mutating func unknownOperator(_ name: String, _ span: Span) {
        let before = errors.count
        defer {
            // With --lenient the statement is kept and skipped at evaluation: a warning.
            if lenient, errors.count > before {
                var d = errors.removeLast()
                d.severity = .warning
                d.help = (d.help.map { $0 + "; " } ?? "") + "with --lenient the statement is skipped and decisions that meet it are inconclusive"
                warnings.append(d)
            }
        }
        if name.hasPrefix("ForAnyValue:") || name.hasPrefix("ForAllValues:") || name.hasSuffix("IfExists") {
            error(
                "policy-unsupported-operator", "`\(name)` is not a RAM condition operator", span,
                help: "RAM documents no `ForAnyValue:`/`ForAllValues:` prefixes or `…IfExists` suffixes (assumption `no-set-operators`)")
            return
        }
        let near = ConditionOperator.allCases.map(\.rawValue).min {
            editDistance($0.lowercased(), name.lowercased()) < editDistance($1.lowercased(), name.lowercased())
        }
        let help: String
        if let near, editDistance(near.lowercased(), name.lowercased()) <= 3 {
            help = "did you mean `\(near)`? operator names are case-sensitive"
        } else {
            help = "RAM's operators are the String…, Numeric…, Date…, `Bool`, `IpAddress` and `NotIpAddress` families"
        }
        error("policy-unknown-operator", "unknown condition operator `\(name)`", span, help: help)
    }

    mutating func conditionEntry(_ op: ConditionOperator, opSpan: Span, key: JSONObject.Member) -> ConditionEntry? {
        var texts: [(String, Span)] = []
        let what = "the value of `\(key.key)`"
        func scalarText(_ item: JSONValue, _ p: inout PolicyParser) -> String? {
            switch item.kind {
            case .string(let s): return s
            case .number(let t):
                p.warning(
                    "policy-condition-nonstring", "\(what) is a JSON number; it is read as the text `\(t)`", item.span,
                    help: "write it as a string: `\"\(t)\"`")
                return t
            case .bool(let b):
                p.warning(
                    "policy-condition-nonstring", "\(what) is a JSON boolean; it is read as the text `\(b)`", item.span,
                    help: "write it as a string: `\"\(b)\"`")
                return b ? "true" : "false"
            default:
                p.error("policy-value-type", "\(what) must be a string or an array of strings, not \(item.typeDescription)", item.span)
                return nil
            }
        }
        var single = false
        switch key.value.kind {
        case .array(let items):
            if items.isEmpty {
                error("policy-empty-array", "\(what) is an empty array", key.value.span, help: "list at least one value")
                return nil
            }
            for item in items {
                guard let t = scalarText(item, &self) else { return nil }
                texts.append((t, item.span))
            }
        default:
            guard let t = scalarText(key.value, &self) else { return nil }
            texts.append((t, key.value.span))
            single = key.value.stringValue != nil
        }
        let type = op.valueType
        var bad = false
        for (t, span) in texts where !ConditionParsing.valid(t, type) {
            error(
                "policy-condition-value", "`\(t)` is not \(type.article), as `\(op.rawValue)` requires", span,
                help: ConditionParsing.formatHelp(type))
            bad = true
        }
        if bad { return nil }
        let kept = texts.map { fresh($0.0) }
        let values = ConditionParsing.compile(kept, op)
        return ConditionEntry(
            op: op, opSpan: opSpan, key: fresh(key.key), keySpan: key.keySpan, texts: kept,
            valueSpans: texts.map(\.1), values: values, singleString: single,
            singleCIDR: single && type == .ip && texts.first?.0.contains(where: { $0 == "/" }) == true)
    }
}

/// A copy of a string in storage of its own. The strings a policy keeps are copied
/// out of the parse tree, so that when the tree is freed its memory is free whole
/// and can go back to the system (10,000 policies stay small).
@inline(__always) func fresh(_ s: String) -> String {
    if s.utf8.count <= 15 { return s }  // small strings live inline
    return String(decoding: Array(s.utf8), as: UTF8.self)
}

/// Parsing of condition values by type, shared by the parser and the evaluator.
enum ConditionParsing {
    static func valid(_ t: String, _ type: ConditionOperator.ValueType) -> Bool {
        switch type {
        case .string: return true
        case .numeric: return DecimalNumber(t) != nil
        case .date: return DateInstant(t) != nil
        case .bool: return parseBool(t) != nil
        case .ip: return IPNetwork(t) != nil
        }
    }

    static func parseBool(_ t: String) -> Bool? {
        switch t.lowercased() {
        case "true": return true
        case "false": return false
        default: return nil
        }
    }

    static func formatHelp(_ type: ConditionOperator.ValueType) -> String {
        switch type {
        case .string: return ""
        case .numeric: return "write a decimal number such as `10` or `-3.5` (no `+`, no exponent)"
        case .date: return "write an ISO 8601 time with a zone, such as `2027-01-01T00:00:00Z` or `2019-08-12T17:00:00+08:00`, or a date `2027-01-01`"
        case .bool: return "write `\"true\"` or `\"false\"`"
        case .ip: return "write an IPv4 or IPv6 address or CIDR block, such as `10.0.0.0/8`"
        }
    }

    static func compile(_ texts: [String], _ op: ConditionOperator) -> ConditionValues {
        switch op.valueType {
        case .string:
            if op.comparison == .like { return .globs(texts.map { Glob($0) }) }
            if op.ignoresCase { return .folded(texts.map { $0.lowercased() }) }
            return .strings(texts)
        case .numeric: return .numbers(texts.compactMap { DecimalNumber($0) })
        case .date: return .dates(texts.compactMap { DateInstant($0) })
        case .bool: return .bools(texts.compactMap { parseBool($0) })
        case .ip: return .networks(texts.compactMap { IPNetwork($0) })
        }
    }
}

/// Levenshtein distance, for "did you mean" help.
public func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a.unicodeScalars)
    let y = Array(b.unicodeScalars)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var prev = Array(0...y.count)
    var cur = Array(repeating: 0, count: y.count + 1)
    for i in 1...x.count {
        cur[0] = i
        for j in 1...y.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[y.count]
}
