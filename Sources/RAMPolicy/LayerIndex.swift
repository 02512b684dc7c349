/// The statements of one layer for one principal, indexed by RAM code so that a
/// request looks only at statements that can name its action.
struct LayerIndex: Sendable {
    struct Entry: Sendable {
        let policy: Policy
        let statement: Statement
        let viaGroup: String?
    }

    let entries: [Entry]
    /// Lower-cased RAM code → entries whose action patterns all name that code literally.
    let byService: [String: [Int32]]
    /// Entries with a wildcard in the RAM code, a `*` pattern, or `NotAction`.
    let wild: [Int32]

    init(_ attachments: [Attachment]) {
        var entries: [Entry] = []
        var byService: [String: [Int32]] = [:]
        var wild: [Int32] = []
        for a in attachments {
            for s in a.policy.statements {
                let n = Int32(entries.count)
                entries.append(Entry(policy: a.policy, statement: s, viaGroup: a.viaGroup))
                var services: Set<String> = []
                var isWild = s.actions.negated
                if !isWild {
                    for p in s.actions.patterns {
                        let lower = p.text.lowercased()
                        guard let colon = lower.firstIndex(of: ":") else { isWild = true; break }
                        let code = String(lower[..<colon])
                        if code.contains("*") || code.contains("?") { isWild = true; break }
                        services.insert(code)
                    }
                }
                if isWild {
                    wild.append(n)
                } else {
                    for code in services { byService[code, default: []].append(n) }
                }
            }
        }
        self.entries = entries
        self.byService = byService
        self.wild = wild
    }

    init(policies: [Policy]) {
        self.init(policies.map { Attachment(policy: $0) })
    }

    var isEmpty: Bool { entries.isEmpty }
}
