/// A policy attached to a principal, directly or through a group.
public struct Attachment: Sendable {
    public let policy: Policy
    /// The group the attachment comes through, for users.
    public let viaGroup: String?
    /// The resource group of a resource-group-level attachment.
    public let resourceGroup: String?

    public init(policy: Policy, viaGroup: String? = nil, resourceGroup: String? = nil) {
        self.policy = policy
        self.viaGroup = viaGroup
        self.resourceGroup = resourceGroup
    }
}

/// Everything attached to one principal, by scope.
public struct PrincipalPolicies: Sendable {
    public var accountLevel: [Attachment]
    public var resourceGroupLevel: [Attachment]

    public init(accountLevel: [Attachment] = [], resourceGroupLevel: [Attachment] = []) {
        self.accountLevel = accountLevel
        self.resourceGroupLevel = resourceGroupLevel
    }
}

/// An account as INTERFACE.md's snapshot describes it: policies, control
/// policies, groups, users and roles (with their trust policies).
public struct AccountSnapshot: Sendable {
    public struct Group: Sendable {
        public var policies: [Policy]
        public var resourceGroupPolicies: [(resourceGroup: String, policy: Policy)]
    }

    public struct User: Sendable {
        public var groups: [String]
        public var policies: [Policy]
        public var resourceGroupPolicies: [(resourceGroup: String, policy: Policy)]
    }

    public struct Role: Sendable {
        public var trustPolicy: Policy?
        public var policies: [Policy]
        public var resourceGroupPolicies: [(resourceGroup: String, policy: Policy)]
    }

    public var accountId: String
    public var isManagementAccount: Bool
    /// Every named policy, in file order.
    public var policies: [(name: String, policy: Policy)]
    public var controlPolicies: [Policy]
    public var groups: [(name: String, group: Group)]
    public var users: [(name: String, user: User)]
    public var roles: [(name: String, role: Role)]

    public init(
        accountId: String, isManagementAccount: Bool = false, policies: [(name: String, policy: Policy)] = [],
        controlPolicies: [Policy] = [], groups: [(name: String, group: Group)] = [], users: [(name: String, user: User)] = [],
        roles: [(name: String, role: Role)] = []
    ) {
        self.accountId = accountId
        self.isManagementAccount = isManagementAccount
        self.policies = policies
        self.controlPolicies = controlPolicies
        self.groups = groups
        self.users = users
        self.roles = roles
    }

    /// Every principal of the account: root, then users, then roles.
    public var principals: [Principal] {
        [.root] + users.map { .user($0.name) } + roles.map { .role($0.name) }
    }

    /// The attachments of a principal, or nil if the snapshot has no such principal.
    public func attachments(of principal: Principal) -> PrincipalPolicies? {
        switch principal {
        case .root, .adHoc:
            return PrincipalPolicies()
        case .user(let name):
            guard let u = users.first(where: { $0.name == name })?.user else { return nil }
            var p = PrincipalPolicies()
            p.accountLevel = u.policies.map { Attachment(policy: $0) }
            p.resourceGroupLevel = u.resourceGroupPolicies.map { Attachment(policy: $0.policy, resourceGroup: $0.resourceGroup) }
            for g in u.groups {
                guard let group = groups.first(where: { $0.name == g })?.group else { continue }
                p.accountLevel += group.policies.map { Attachment(policy: $0, viaGroup: g) }
                p.resourceGroupLevel += group.resourceGroupPolicies.map {
                    Attachment(policy: $0.policy, viaGroup: g, resourceGroup: $0.resourceGroup)
                }
            }
            return p
        case .role(let name):
            guard let r = roles.first(where: { $0.name == name })?.role else { return nil }
            return PrincipalPolicies(
                accountLevel: r.policies.map { Attachment(policy: $0) },
                resourceGroupLevel: r.resourceGroupPolicies.map { Attachment(policy: $0.policy, resourceGroup: $0.resourceGroup) })
        }
    }
}
