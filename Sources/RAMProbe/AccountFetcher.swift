import Foundation
import StrictJSON
import Synchronization

/// What to read: named users and roles, or (`all`) every user, group and role.
public struct FetchScope: Sendable {
    public var users: [String]
    public var roles: [String]
    public var all: Bool
    public var accountId: String?

    public init(users: [String] = [], roles: [String] = [], all: Bool = false, accountId: String? = nil) {
        self.users = users
        self.roles = roles
        self.all = all
        self.accountId = accountId
    }
}

/// A policy as the account holds it: its type and the default version's document.
public struct FetchedPolicy: Sendable {
    public let name: String
    public let type: String
    public let version: String?
    public let description: String?
    /// The document text as the API returned it (percent-decoded when it came encoded).
    public let document: String
}

public struct PolicyRef: Sendable, Hashable {
    public let name: String
    public let type: String
}

/// The account as read: what `snapshotJSON` writes, and what could not be read.
public struct FetchedAccount: Sendable {
    public var accountId: String
    public var policies: [PolicyRef: FetchedPolicy] = [:]
    public var groups: [String: [PolicyRef]] = [:]
    public var users: [String: (groups: [String], policies: [PolicyRef])] = [:]
    public var roles: [String: (trust: String?, policies: [PolicyRef])] = [:]
    /// Principals and groups left out, each with the reason (`user ghost: EntityNotExist.User …`).
    public var failures: [(entity: String, reason: String)] = []
    public var calls = 0
}

/// Why nothing could be fetched (a list call of `--all` failed, or no account id).
public struct FetchError: Error, Sendable {
    public let message: String
    public let help: String?
}

/// Reads a RAM account through the RAM API (`../shared/spec/signing-and-probe.md` §6):
/// ListUsers / ListGroups / ListRoles (paged with `Marker`) for `--all`; for each user
/// ListPoliciesForUser and ListGroupsForUser; ListPoliciesForGroup for each group;
/// GetRole (trust policy) and ListPoliciesForRole for each role; GetPolicy for every
/// attached policy (the default version's document). Calls run concurrently, at most
/// `concurrency` at a time. A principal whose calls fail is left out and reported by name;
/// the rest is kept.
public struct AccountFetcher: Sendable {
    public let ram: RPCClient
    /// STS, for `GetCallerIdentity` when no role ARN gives the account id.
    public let sts: RPCClient
    public let concurrency: Int
    /// Called after each call with (calls done, calls known so far).
    public let progress: (@Sendable (Int, Int) -> Void)?

    public init(ram: RPCClient, sts: RPCClient, concurrency: Int = 4, progress: (@Sendable (Int, Int) -> Void)? = nil) {
        self.ram = ram
        self.sts = sts
        self.concurrency = max(1, concurrency)
        self.progress = progress
    }

    final class Counter: Sendable {
        let state = Mutex<(done: Int, known: Int)>((0, 0))
        func add(known n: Int) { state.withLock { $0.known += n } }
        func done() -> (Int, Int) {
            state.withLock {
                $0.done += 1; return ($0.done, $0.known)
            }
        }
    }

    /// Runs `body` for every index on up to `limit` threads; results in index order.
    static func parallel<T: Sendable>(_ count: Int, limit: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
        guard count > 0 else { return [] }
        let work = ParallelWork<T>(count)
        let group = DispatchGroup()
        for _ in 0..<min(limit, count) {
            group.enter()
            let t = Thread {
                while true {
                    let i = work.state.withLock { s -> Int in
                        defer { s.next += 1 }
                        return s.next
                    }
                    if i >= count { break }
                    let r = body(i)
                    work.state.withLock { $0.results[i] = r }
                }
                group.leave()
            }
            t.start()
        }
        group.wait()
        return work.state.withLock { $0.results.compactMap { $0 } }
    }

    final class ParallelWork<T: Sendable>: Sendable {
        let state: Mutex<(next: Int, results: [T?])>
        init(_ n: Int) { state = Mutex((0, Array(repeating: nil, count: n))) }
    }

    /// One call (RAM unless `client` says otherwise), counted for the progress line.
    func call(_ counter: Counter, _ action: String, _ params: [(String, String)], client: RPCClient? = nil) -> Result<APINode, APIError> {
        let r = (client ?? ram).call(action, params)
        let (d, k) = counter.done()
        progress?(d, k)
        return r
    }

    /// Every page of a list call (`Marker` / `IsTruncated`), its items under `listKey`/`itemKey`.
    func list(_ counter: Counter, _ action: String, _ listKey: String, _ itemKey: String, nameKey: String) -> Result<[String], APIError> {
        var names: [String] = []
        var marker: String? = nil
        var pages = 0
        repeat {
            counter.add(known: 1)
            var params = [("MaxItems", "100")]
            if let marker { params.append(("Marker", marker)) }
            switch call(counter, action, params) {
            case .failure(let e): return .failure(e)
            case .success(let node):
                for item in node[listKey]?.all(itemKey) ?? [] {
                    if let n = item.string(nameKey) { names.append(n) }
                }
                marker = node.bool("IsTruncated") ? node.string("Marker") : nil
            }
            pages += 1
        } while marker != nil && !(marker ?? "").isEmpty && pages < 10_000
        return .success(names)
    }

    static func refs(_ node: APINode) -> [PolicyRef] {
        (node["Policies"]?.all("Policy") ?? []).compactMap { p in
            guard let n = p.string("PolicyName") else { return nil }
            return PolicyRef(name: n, type: p.string("PolicyType") ?? "Custom")
        }
    }

    /// A document as the API gives it: JSON text, tolerantly percent-decoded when it starts `%7B`.
    static func documentText(_ s: String) -> String {
        if s.hasPrefix("%7B") || s.hasPrefix("%7b"), let d = s.removingPercentEncoding { return d }
        return s
    }

    enum Principal: Sendable {
        case user(String)
        case role(String)
        case group(String)
    }

    enum Read: Sendable {
        case user(groups: [String], policies: [PolicyRef])
        case role(trust: String?, arn: String?, policies: [PolicyRef])
        case group([PolicyRef])
        case failed(String)
    }

    func read(_ p: Principal, _ counter: Counter) -> Read {
        switch p {
        case .user(let name):
            counter.add(known: 2)
            let pol = call(counter, "ListPoliciesForUser", [("UserName", name)])
            let grp = call(counter, "ListGroupsForUser", [("UserName", name)])
            switch (pol, grp) {
            case (.failure(let e), _), (_, .failure(let e)): return .failed(e.description)
            case (.success(let a), .success(let b)):
                let groups = (b["Groups"]?.all("Group") ?? []).compactMap { $0.string("GroupName") }
                return .user(groups: groups, policies: Self.refs(a))
            }
        case .role(let name):
            counter.add(known: 2)
            let role = call(counter, "GetRole", [("RoleName", name)])
            let pol = call(counter, "ListPoliciesForRole", [("RoleName", name)])
            switch (role, pol) {
            case (.failure(let e), _), (_, .failure(let e)): return .failed(e.description)
            case (.success(let a), .success(let b)):
                let trust = a["Role"]?.string("AssumeRolePolicyDocument").map(Self.documentText)
                return .role(trust: trust, arn: a["Role"]?.string("Arn"), policies: Self.refs(b))
            }
        case .group(let name):
            counter.add(known: 1)
            switch call(counter, "ListPoliciesForGroup", [("GroupName", name)]) {
            case .failure(let e): return .failed(e.description)
            case .success(let a): return .group(Self.refs(a))
            }
        }
    }

    public func fetch(_ scope: FetchScope) throws(FetchError) -> FetchedAccount {
        let counter = Counter()
        var users = scope.users
        var roles = scope.roles
        var groups: [String] = []
        if scope.all {
            let lists = Self.parallel(3, limit: concurrency) { i -> Result<[String], APIError> in
                switch i {
                case 0: return list(counter, "ListUsers", "Users", "User", nameKey: "UserName")
                case 1: return list(counter, "ListGroups", "Groups", "Group", nameKey: "GroupName")
                default: return list(counter, "ListRoles", "Roles", "Role", nameKey: "RoleName")
                }
            }
            for (i, r) in lists.enumerated() {
                switch r {
                case .failure(let e):
                    let action = ["ListUsers", "ListGroups", "ListRoles"][i]
                    throw FetchError(
                        message: "\(action) failed: \(e)", help: "`--all` needs `ram:\(action)`; or name principals with --user and --role")
                case .success(let names):
                    if i == 0 { users = Self.unique(users + names) } else if i == 1 { groups = names } else { roles = Self.unique(roles + names) }
                }
            }
        }
        users = Self.unique(users)
        roles = Self.unique(roles)
        // Users and roles (and the groups --all listed), then the groups users belong to.
        let first: [Principal] = users.map { .user($0) } + roles.map { .role($0) } + groups.map { .group($0) }
        var reads = Self.parallel(first.count, limit: concurrency) { read(first[$0], counter) }
        var readGroups = Set(groups)
        var extra: [String] = []
        for r in reads {
            if case .user(let gs, _) = r { for g in gs where !readGroups.contains(g) { readGroups.insert(g); extra.append(g) } }
        }
        let extraGroups = extra
        let more = Self.parallel(extraGroups.count, limit: concurrency) { read(.group(extraGroups[$0]), counter) }
        reads += more
        let principals = first + extra.map { Principal.group($0) }

        var account = FetchedAccount(accountId: scope.accountId ?? "")
        var wanted: Set<PolicyRef> = []
        var groupFailures: [String: String] = [:]
        for (p, r) in zip(principals, reads) {
            switch (p, r) {
            case (.user(let n), .user(let gs, let ps)):
                account.users[n] = (gs, ps)
                wanted.formUnion(ps)
            case (.role(let n), .role(let t, let arn, let ps)):
                account.roles[n] = (t, ps)
                wanted.formUnion(ps)
                if account.accountId.isEmpty, let arn, let id = Self.accountId(ofArn: arn) { account.accountId = id }
            case (.group(let n), .group(let ps)):
                account.groups[n] = ps
                wanted.formUnion(ps)
            case (.user(let n), .failed(let why)): account.failures.append(("user \(n)", why))
            case (.role(let n), .failed(let why)): account.failures.append(("role \(n)", why))
            case (.group(let n), .failed(let why)):
                groupFailures[n] = why
                account.failures.append(("group \(n)", why))
            default: break
            }
        }
        // The documents of every attached policy.
        let refs = wanted.sorted { ($0.type, $0.name) < ($1.type, $1.name) }
        counter.add(known: refs.count)
        let docs = Self.parallel(refs.count, limit: concurrency) { i -> Result<FetchedPolicy, APIError> in
            let ref = refs[i]
            return call(counter, "GetPolicy", [("PolicyName", ref.name), ("PolicyType", ref.type)]).flatMap { node in
                let doc = node["DefaultPolicyVersion"]?.string("PolicyDocument") ?? node["Policy"]?.string("PolicyDocument")
                guard let doc else { return .failure(APIError(code: "BadResponse", message: "GetPolicy gave no PolicyDocument")) }
                return .success(
                    FetchedPolicy(
                        name: ref.name, type: ref.type, version: node["DefaultPolicyVersion"]?.string("VersionId"),
                        description: node["Policy"]?.string("Description"), document: Self.documentText(doc)))
            }
        }
        var policyFailures: [PolicyRef: String] = [:]
        for (ref, r) in zip(refs, docs) {
            switch r {
            case .success(let p): account.policies[ref] = p
            case .failure(let e): policyFailures[ref] = e.description
            }
        }
        // Drop whatever rests on something unread, saying why.
        func missing(_ ps: [PolicyRef]) -> String? {
            ps.first { policyFailures[$0] != nil }.map { "its policy \($0.name) (\($0.type)) could not be read: \(policyFailures[$0] ?? "")" }
        }
        for (n, ps) in account.groups {
            if let why = missing(ps) {
                account.groups[n] = nil
                groupFailures[n] = why
                account.failures.append(("group \(n)", why))
            }
        }
        for (n, u) in account.users {
            let why = missing(u.policies) ?? u.groups.first { groupFailures[$0] != nil }.map { "its group \($0) could not be read" }
            if let why {
                account.users[n] = nil
                account.failures.append(("user \(n)", why))
            }
        }
        for (n, r) in account.roles {
            if let why = missing(r.policies) {
                account.roles[n] = nil
                account.failures.append(("role \(n)", why))
            }
        }
        // Groups nobody kept and that --all did not list are not written.
        if !scope.all {
            let used = Set(account.users.values.flatMap(\.groups))
            for n in account.groups.keys where !used.contains(n) { account.groups[n] = nil }
        }
        let keptRefs = Set(account.users.values.flatMap(\.policies) + account.roles.values.flatMap(\.policies) + account.groups.values.flatMap { $0 })
        for ref in account.policies.keys where !keptRefs.contains(ref) { account.policies[ref] = nil }
        if account.accountId.isEmpty {
            counter.add(known: 1)
            switch call(counter, "GetCallerIdentity", [], client: sts) {
            case .success(let node) where !(node.string("AccountId") ?? "").isEmpty: account.accountId = node.string("AccountId") ?? ""
            case .success: throw FetchError(message: "GetCallerIdentity gave no AccountId", help: "give `--account-id`")
            case .failure(let e): throw FetchError(message: "the account id is unknown: GetCallerIdentity failed: \(e)", help: "give `--account-id`")
            }
        }
        account.calls = counter.state.withLock { $0.done }
        account.failures.sort { $0.entity < $1.entity }
        return account
    }

    static func unique(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    /// `acs:ram::1234567890123456:role/name` → `1234567890123456`.
    static func accountId(ofArn arn: String) -> String? {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 5, parts[0] == "acs", parts[1] == "ram", !parts[3].isEmpty else { return nil }
        return String(parts[3])
    }
}

extension FetchedAccount {
    /// The snapshot (INTERFACE.md): policies by name (documents as objects when they are
    /// strict JSON, else as the string the API gave), groups, users and roles, sorted by name.
    public func snapshotJSON(description: String) -> [UInt8] {
        var w = JSONWriter(capacity: 1 << 16)
        func documentValue(_ text: String, name: String) {
            if let v = try? JSONParser.parse(SourceFile(name: name, text: text)), v.objectValue != nil {
                w.pretty(v, level: 3)
            } else {
                w.string(text)
            }
        }
        // Two policies of different types may share a name: the second gets its type appended.
        var key: [PolicyRef: String] = [:]
        var taken: Set<String> = []
        for ref in policies.keys.sorted(by: { ($0.name, $0.type) < ($1.name, $1.type) }) {
            let k = taken.contains(ref.name) ? "\(ref.name) (\(ref.type))" : ref.name
            taken.insert(k)
            key[ref] = k
        }
        func names(_ list: [String]) {
            w.raw("[")
            for (n, s) in list.enumerated() {
                if n > 0 { w.raw(", ") }
                w.string(s)
            }
            w.raw("]")
        }
        func refList(_ refs: [PolicyRef]) { names(refs.compactMap { key[$0] }) }
        w.raw("{\n  \"accountId\": ")
        w.string(accountId)
        w.raw(",\n  \"description\": ")
        w.string(description)
        w.raw(",\n  \"policies\": {")
        for (n, ref) in key.keys.sorted(by: { (key[$0] ?? "") < (key[$1] ?? "") }).enumerated() {
            guard let p = policies[ref] else { continue }
            w.raw(n == 0 ? "\n    " : ",\n    ")
            w.string(key[ref] ?? p.name)
            w.raw(": {\n      \"type\": ")
            w.string(p.type)
            if let v = p.version {
                w.raw(",\n      \"version\": ")
                w.string(v)
            }
            if let d = p.description, !d.isEmpty {
                w.raw(",\n      \"description\": ")
                w.string(d)
            }
            w.raw(",\n      \"document\": ")
            documentValue(p.document, name: p.name)
            w.raw("\n    }")
        }
        w.raw(policies.isEmpty ? "},\n  \"groups\": {" : "\n  },\n  \"groups\": {")
        for (n, g) in groups.keys.sorted().enumerated() {
            w.raw(n == 0 ? "\n    " : ",\n    ")
            w.string(g)
            w.raw(": { \"policies\": ")
            refList(groups[g] ?? [])
            w.raw(" }")
        }
        w.raw(groups.isEmpty ? "},\n  \"users\": {" : "\n  },\n  \"users\": {")
        for (n, u) in users.keys.sorted().enumerated() {
            w.raw(n == 0 ? "\n    " : ",\n    ")
            w.string(u)
            w.raw(": { \"groups\": ")
            names((users[u]?.groups ?? []).filter { groups[$0] != nil })
            w.raw(", \"policies\": ")
            refList(users[u]?.policies ?? [])
            w.raw(" }")
        }
        w.raw(users.isEmpty ? "},\n  \"roles\": {" : "\n  },\n  \"roles\": {")
        for (n, r) in roles.keys.sorted().enumerated() {
            w.raw(n == 0 ? "\n    " : ",\n    ")
            w.string(r)
            w.raw(": {")
            if let t = roles[r]?.trust {
                w.raw("\n      \"trustPolicy\": ")
                documentValue(t, name: "trust policy of \(r)")
                w.raw(",")
            }
            w.raw("\n      \"policies\": ")
            refList(roles[r]?.policies ?? [])
            w.raw("\n    }")
        }
        w.raw(roles.isEmpty ? "}\n}\n" : "\n  }\n}\n")
        return w.bytes
    }
}
