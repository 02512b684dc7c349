import StrictJSON

/// Reads an account snapshot (INTERFACE.md) strictly: unknown keys, dangling
/// policy or group names, a policy attached twice to one principal, and every
/// error inside the policy documents are reported together, each at its position.
public struct SnapshotLoader {
    let file: SourceFile
    let limits: JSONLimits
    let lenient: Bool
    var errors: [Diagnostic] = []
    /// Shared by every document written in the snapshot file (they come in file order).
    var cursor = SourceFile.Cursor()

    /// Loads a snapshot file; `file` entries are read relative to its directory.
    public static func load(_ file: SourceFile, limits: JSONLimits = .default, lenient: Bool = false) throws(DiagnosticList) -> AccountSnapshot {
        let root: JSONValue
        do { root = try JSONParser.parse(file, limits: limits) } catch { throw DiagnosticList([error]) }
        return try load(root, in: file, limits: limits, lenient: lenient)
    }

    /// Loads a snapshot given as a parsed value of `file` (a snapshot inside another document).
    public static func load(
        _ root: JSONValue, in file: SourceFile, limits: JSONLimits = .default, lenient: Bool = false
    ) throws(DiagnosticList) -> AccountSnapshot {
        var l = SnapshotLoader(file: file, limits: limits, lenient: lenient)
        let snap = l.snapshot(root)
        guard l.errors.isEmpty, let snap else { throw DiagnosticList(l.errors) }
        return snap
    }

    mutating func error(_ code: String, _ message: String, _ span: Span, help: String? = nil) {
        errors.append(Diagnostic(.error, code: code, message, at: SourceRange(file: file, span: span), help: help))
    }

    mutating func object(_ v: JSONValue, _ what: String, keys: Set<String>) -> JSONObject? {
        guard let o = v.objectValue else {
            error("snapshot-type", "\(what) must be an object, not \(v.typeDescription)", v.span)
            return nil
        }
        for m in o.members where !keys.contains(m.key) {
            error(
                "snapshot-unknown-key", "unknown key `\(m.key)` in \(what)", m.keySpan,
                help: "expected one of \(keys.sorted().map { "`\($0)`" }.joined(separator: ", "))")
        }
        return o
    }

    /// The members of a name → entry map (any names allowed).
    mutating func members(_ v: JSONValue, _ what: String) -> [JSONObject.Member] {
        guard let o = v.objectValue else {
            error("snapshot-type", "\(what) must be an object, not \(v.typeDescription)", v.span)
            return []
        }
        return o.members
    }

    mutating func strings(_ v: JSONValue?, _ what: String) -> [(String, Span)] {
        guard let v else { return [] }
        guard let items = v.arrayValue else {
            error("snapshot-type", "\(what) must be an array of strings, not \(v.typeDescription)", v.span)
            return []
        }
        var out: [(String, Span)] = []
        for i in items {
            if let s = i.stringValue {
                out.append((s, i.span))
            } else {
                error("snapshot-type", "\(what) entries must be strings, not \(i.typeDescription)", i.span)
            }
        }
        return out
    }

    // MARK: - Top level

    mutating func snapshot(_ root: JSONValue) -> AccountSnapshot? {
        let keys: Set<String> = ["accountId", "description", "isManagementAccount", "policies", "controlPolicies", "groups", "users", "roles"]
        guard let o = object(root, "the snapshot", keys: keys) else { return nil }
        var accountId = ""
        if let a = o["accountId"] {
            if let s = a.stringValue, !s.isEmpty {
                accountId = s
            } else {
                error("snapshot-type", "`accountId` must be a non-empty string, not \(a.typeDescription)", a.span)
            }
        } else {
            error(
                "snapshot-missing", "the snapshot has no `accountId`", Span(start: root.span.start, end: root.span.start + 1),
                help: "add `\"accountId\": \"<16-digit account id>\"`")
        }
        var isManagement = false
        if let m = o["isManagementAccount"] {
            if case .bool(let b) = m.kind {
                isManagement = b
            } else {
                error("snapshot-type", "`isManagementAccount` must be true or false, not \(m.typeDescription)", m.span)
            }
        }
        if let d = o["description"], d.stringValue == nil {
            error("snapshot-type", "`description` must be a string, not \(d.typeDescription)", d.span)
        }
        // Policies
        var policies: [(name: String, policy: Policy)] = []
        var byName: [String: Policy] = [:]
        if let pv = o["policies"], let count = pv.objectValue?.members.count, count > limits.maxPolicies {
            error(
                "limit-policies", "the snapshot has \(count) policies, more than the limit of \(limits.maxPolicies)",
                Span(start: pv.span.start, end: pv.span.start + 1), help: "raise the limit with `--max-policies N`")
            return nil
        }
        if let pv = o["policies"] {
            for m in members(pv, "`policies`") {
                if let policy = policyEntry(m) {
                    policies.append((m.key, policy))
                    byName[m.key] = policy
                }
            }
        } else {
            error(
                "snapshot-missing", "the snapshot has no `policies`", Span(start: root.span.start, end: root.span.start + 1),
                help: "add `\"policies\": { … }`, even if empty")
        }
        let known = Set(policies.map(\.name))
        // Control policies
        var control: [Policy] = []
        for (name, span) in strings(o["controlPolicies"], "`controlPolicies`") {
            guard let p = byName[name] else {
                danglingPolicy(name, span, known: known, where: "`controlPolicies`")
                continue
            }
            if p.kind != .control {
                error(
                    "snapshot-policy-type", "`\(name)` is listed in `controlPolicies` but its type is `\(p.type ?? "")`", span,
                    help: "give the policy `\"type\": \"Control\"`")
            }
            if control.contains(where: { $0 === p }) { error("snapshot-duplicate", "control policy `\(name)` is listed twice", span) }
            control.append(p)
        }
        // Groups
        var groups: [(name: String, group: AccountSnapshot.Group)] = []
        if let gv = o["groups"] {
            for m in members(gv, "`groups`") {
                guard let g = object(m.value, "group `\(m.key)`", keys: ["policies", "resourceGroupPolicies"]) else { continue }
                let (acc, rg) = attachments(g, owner: "group `\(m.key)`", byName: byName, known: known)
                groups.append((m.key, AccountSnapshot.Group(policies: acc, resourceGroupPolicies: rg)))
            }
        }
        let groupNames = Set(groups.map(\.name))
        var users: [(name: String, user: AccountSnapshot.User)] = []
        if let uv = o["users"] {
            for m in members(uv, "`users`") {
                guard let u = object(m.value, "user `\(m.key)`", keys: ["groups", "policies", "resourceGroupPolicies"]) else { continue }
                var gs: [String] = []
                for (g, span) in strings(u["groups"], "`groups` of user `\(m.key)`") {
                    if !groupNames.contains(g) {
                        error(
                            "snapshot-dangling-group", "user `\(m.key)` is in unknown group `\(g)`", span,
                            help: groupNames.isEmpty
                                ? "define it under `groups`" : "known groups: \(groupNames.sorted().map { "`\($0)`" }.joined(separator: ", "))")
                    } else if gs.contains(g) {
                        error("snapshot-duplicate", "user `\(m.key)` lists group `\(g)` twice", span)
                    } else {
                        gs.append(g)
                    }
                }
                let (acc, rg) = attachments(u, owner: "user `\(m.key)`", byName: byName, known: known)
                users.append((m.key, AccountSnapshot.User(groups: gs, policies: acc, resourceGroupPolicies: rg)))
            }
        }
        var roles: [(name: String, role: AccountSnapshot.Role)] = []
        if let rv = o["roles"] {
            for m in members(rv, "`roles`") {
                guard let r = object(m.value, "role `\(m.key)`", keys: ["trustPolicy", "trustPolicyFile", "policies", "resourceGroupPolicies"]) else {
                    continue
                }
                var trust: Policy? = nil
                let trustName = "\(m.key) (trust policy)"
                if r["trustPolicy"] != nil, let f = r.member("trustPolicyFile") {
                    error("snapshot-document", "role `\(m.key)` has both `trustPolicy` and `trustPolicyFile`", f.keySpan, help: "keep exactly one")
                } else if let t = r["trustPolicy"] {
                    do {
                        trust = try PolicyParser.parse(
                            t, in: file, name: trustName, kind: .trust, type: "Trust", limits: limits, lenient: lenient, cursor: &cursor)
                    } catch {
                        errors += error.diagnostics
                    }
                } else if let f = r.member("trustPolicyFile") {
                    trust = policyFile(f, name: trustName, kind: .trust, type: "Trust")
                }
                let (acc, rg) = attachments(r, owner: "role `\(m.key)`", byName: byName, known: known)
                roles.append((m.key, AccountSnapshot.Role(trustPolicy: trust, policies: acc, resourceGroupPolicies: rg)))
            }
        }
        return AccountSnapshot(
            accountId: accountId, isManagementAccount: isManagement, policies: policies, controlPolicies: control, groups: groups, users: users,
            roles: roles)
    }

    mutating func danglingPolicy(_ name: String, _ span: Span, known: Set<String>, where place: String) {
        let near = known.min { editDistance($0, name) < editDistance($1, name) }
        let help = near.flatMap { editDistance($0, name) <= 3 ? "did you mean `\($0)`?" : nil } ?? "define it under `policies`"
        error("snapshot-dangling-policy", "\(place) names unknown policy `\(name)`", span, help: help)
    }

    mutating func attachments(_ o: JSONObject, owner: String, byName: [String: Policy], known: Set<String>)
        -> ([Policy], [(resourceGroup: String, policy: Policy)])
    {
        var acc: [Policy] = []
        for (name, span) in strings(o["policies"], "`policies` of \(owner)") {
            guard let p = byName[name] else {
                danglingPolicy(name, span, known: known, where: "\(owner)")
                continue
            }
            if p.kind == .control {
                error(
                    "snapshot-policy-type", "\(owner) attaches control policy `\(name)`", span,
                    help: "control policies are listed in `controlPolicies`, not attached to principals")
                continue
            }
            if acc.contains(where: { $0 === p }) {
                error("snapshot-duplicate", "\(owner) attaches policy `\(name)` twice", span)
                continue
            }
            acc.append(p)
        }
        var rg: [(resourceGroup: String, policy: Policy)] = []
        if let list = o["resourceGroupPolicies"] {
            guard let items = list.arrayValue else {
                error("snapshot-type", "`resourceGroupPolicies` of \(owner) must be an array, not \(list.typeDescription)", list.span)
                return (acc, rg)
            }
            for item in items {
                guard let io = object(item, "a resource-group attachment of \(owner)", keys: ["resourceGroup", "policy"]) else { continue }
                guard let g = io["resourceGroup"]?.stringValue, let pn = io.member("policy"), let name = pn.value.stringValue else {
                    error(
                        "snapshot-type", "a resource-group attachment needs `resourceGroup` and `policy` strings", item.span,
                        help: "write `{\"resourceGroup\": \"rg-…\", \"policy\": \"NAME\"}`")
                    continue
                }
                guard let p = byName[name] else {
                    danglingPolicy(name, pn.value.span, known: known, where: "\(owner)")
                    continue
                }
                if p.kind == .control {
                    error("snapshot-policy-type", "\(owner) attaches control policy `\(name)`", pn.value.span)
                    continue
                }
                if rg.contains(where: { $0.resourceGroup == g && $0.policy === p }) {
                    error("snapshot-duplicate", "\(owner) attaches policy `\(name)` to resource group `\(g)` twice", pn.value.span)
                    continue
                }
                rg.append((g, p))
            }
        }
        return (acc, rg)
    }

    /// A document in a file named relative to the snapshot's directory.
    mutating func policyFile(_ path: JSONObject.Member, name: String, kind: PolicyKind, type: String) -> Policy? {
        guard let rel = path.value.stringValue else {
            error("snapshot-type", "`\(path.key)` must be a string, not \(path.value.typeDescription)", path.value.span)
            return nil
        }
        let full = SourceLoader.resolve(rel, against: file.name)
        do {
            let src = try SourceLoader.read(full, maxBytes: limits.maxBytes)
            do {
                return try PolicyParser.parse(src, name: name, kind: kind, type: type, limits: limits, lenient: lenient)
            } catch {
                errors += error.diagnostics
                return nil
            }
        } catch {
            self.error(error.code, "policy `\(name)`: \(error.message)", path.value.span, help: error.help)
            return nil
        }
    }

    mutating func policyEntry(_ m: JSONObject.Member) -> Policy? {
        guard let o = object(m.value, "policy `\(m.key)`", keys: ["type", "document", "file", "version", "description"]) else { return nil }
        var kind = PolicyKind.identity
        var type = "Custom"
        if let t = o["type"] {
            switch t.stringValue {
            case "System": type = "System"
            case "Custom": type = "Custom"
            case "Control":
                type = "Control"
                kind = .control
            default:
                error(
                    "snapshot-policy-type",
                    "policy type must be `System`, `Custom` or `Control`, not \(t.stringValue.map { "`\($0)`" } ?? t.typeDescription)", t.span)
                return nil
            }
        } else {
            error("snapshot-missing", "policy `\(m.key)` has no `type`", m.keySpan, help: "add `\"type\": \"Custom\"` (or `System`, `Control`)")
        }
        let doc = o["document"]
        let path = o.member("file")
        if doc != nil, let path {
            error("snapshot-document", "policy `\(m.key)` has both `document` and `file`", path.keySpan, help: "keep exactly one")
            return nil
        }
        do {
            if let doc {
                return try PolicyParser.parse(
                    doc, in: file, name: m.key, kind: kind, type: type, limits: limits, lenient: lenient, cursor: &cursor)
            }
            if let path { return policyFile(path, name: m.key, kind: kind, type: type) }
        } catch {
            errors += error.diagnostics
            return nil
        }
        error(
            "snapshot-document", "policy `\(m.key)` has neither `document` nor `file`", m.keySpan,
            help: "add `\"document\": { … }` or `\"file\": \"path/relative/to/the/snapshot.json\"`")
        return nil
    }
}
