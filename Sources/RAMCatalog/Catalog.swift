import RAMPolicy

/// The access level a service's RAM table publishes for an API. `none` is printed
/// literally by Alibaba Cloud for some APIs; `unknown` means no level was read —
/// it is never guessed.
public enum AccessLevel: String, Sendable, CaseIterable {
    case create, list, get, update, delete, none, unknown
}

/// One action: what the service's RAM authorization table says of it.
public struct ActionInfo: Sendable {
    public enum Origin: String, Sendable {
        /// An OpenAPI operation of the service's SDK.
        case sdkOperation
        /// A name used by a published system policy that is not an SDK operation (console actions).
        case systemPolicyOnly
        /// A permission-only action with no API (`ram:PassRole`).
        case permissionOnly
    }

    /// `<ram-code>:<ActionName>`.
    public let action: String
    public let accessLevel: AccessLevel
    /// Resource types as published (`*` = All Resources); nil when no row was read.
    public let resourceTypes: [String]?
    public let conditionKeys: [String]?
    public let dependentActions: [String]?
    public let method: String?
    public let path: String?
    public let apiVersion: String?
    public let origin: Origin
    /// Whether the action string was seen in a RAM table or a system policy.
    public let published: Bool
    /// The page (or file) the row was read from.
    public let source: String?

    /// The RAM code before the `:`.
    public var service: String { String(action.prefix { $0 != ":" }) }
    /// The name after the `:`.
    public var name: String { String(action.drop { $0 != ":" }.dropFirst()) }
}

/// What the catalog knows of a service as a whole.
public struct ServiceInfo: Sendable {
    public let ramCode: String
    public let apiVersion: String
    /// Authorization granularity OPERATION (操作级): no action has resource-level
    /// permission, so every action, listed or not, is All Resources (SEMANTICS §2.4).
    public let operationLevel: Bool
}

/// The action catalog, versioned, and the ``ActionFacts`` the evaluator uses.
public struct Catalog: ActionFacts {
    /// Shown by `--version` and named in every unknown-action finding.
    public static let version = "2026.12.03"
    /// What the data was read from (shown by `--version`).
    public static let sources = "emr-serverless-spark 2023-08-08 (SDK 2.3.0, RAM tables read 2026); ram 2015-05-01; sts 2015-04-01"

    public static let shared = Catalog()

    public let services: [ServiceInfo] = [
        ServiceInfo(ramCode: "emr-serverless-spark", apiVersion: "2023-08-08", operationLevel: true),
        ServiceInfo(ramCode: "ram", apiVersion: "2015-05-01", operationLevel: false),
        ServiceInfo(ramCode: "sts", apiVersion: "2015-04-01", operationLevel: false),
    ]

    /// Every action, by service and then in the data's order.
    public let actions: [ActionInfo]
    private let byLower: [String: Int]
    /// RAM code → its actions' full names and lower-cased short names (for "did you mean").
    private let namesByService: [String: [(action: String, nameLower: String)]]
    /// Each action lower-cased, for pattern matching without allocating.
    private let lowerActions: [[UInt8]]
    /// Per action, precomputed for the evaluator's one look-up per request.
    private let allResourcesByIndex: [Bool]
    private let dependentsByIndex: [[String]]
    /// `<code>:` of each operation-level service.
    public let operationLevelPrefixes: [String]
    private let operationLevelPrefixBytes: [[UInt8]]

    public init() {
        let all = Catalog.emrServerlessSpark + Catalog.ramAndSTS
        actions = all
        var index: [String: Int] = [:]
        for (n, a) in all.enumerated() where index[a.action.lowercased()] == nil { index[a.action.lowercased()] = n }
        byLower = index
        let prefixes = services.filter(\.operationLevel).map { $0.ramCode + ":" }
        operationLevelPrefixes = prefixes
        operationLevelPrefixBytes = prefixes.map { Array($0.utf8) }
        allResourcesByIndex = all.map { a in
            a.resourceTypes == ["*"] || prefixes.contains { a.action.lowercased().hasPrefix($0) }
        }
        dependentsByIndex = all.map { $0.dependentActions ?? [] }
        lowerActions = all.map { Array($0.action.lowercased().utf8) }
        var names: [String: [(action: String, nameLower: String)]] = [:]
        for a in all { names[a.service.lowercased(), default: []].append((a.action, a.name.lowercased())) }
        namesByService = names
    }

    /// Case-insensitive look-up (SEMANTICS §2.5).
    public func lookup(_ action: String) -> ActionInfo? {
        byLower[action.lowercased()].map { actions[$0] }
    }

    /// The actions of a service: full name and lower-cased short name.
    public func names(ofService ramCode: String) -> [(action: String, nameLower: String)] {
        namesByService[ramCode.lowercased()] ?? []
    }

    public func service(_ ramCode: String) -> ServiceInfo? {
        services.first { $0.ramCode == ramCode.lowercased() }
    }

    /// Actions a pattern covers (`*` and `?` globs, case-insensitive).
    public func matching(_ pattern: String) -> [ActionInfo] {
        let g = Glob(pattern.lowercased())
        return actions.indices.filter { g.matches(lowerActions[$0]) }.map { actions[$0] }
    }

    // MARK: ActionFacts

    public func isAllResources(_ actionLower: String) -> Bool { facts(actionLower).allResources }

    public func dependentActions(_ actionLower: String) -> [String] { facts(actionLower).dependents }

    public func facts(_ actionLower: String) -> (allResources: Bool, dependents: [String]) {
        if let n = byLower[actionLower] { return (allResourcesByIndex[n], dependentsByIndex[n]) }
        // Not in the catalog: an operation-level service's actions are still All Resources.
        var a = actionLower
        let operationLevel = a.withUTF8 { u in
            operationLevelPrefixBytes.contains { p in
                guard u.count >= p.count else { return false }
                for k in 0..<p.count where u[k] != p[k] { return false }
                return true
            }
        }
        return (operationLevel, [])
    }

    /// Whether the action is All Resources, for display.
    public func resourceDescription(_ info: ActionInfo) -> String {
        if isAllResources(info.action.lowercased()) { return "All Resources (`*`)" }
        guard let r = info.resourceTypes else { return "unknown (not published)" }
        return r.joined(separator: ", ")
    }
}
