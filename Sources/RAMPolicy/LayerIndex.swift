/// The statements of one layer for one principal, indexed by RAM code so that a
/// request looks only at statements that can name its action.
final class LayerIndex: Sendable {
    /// The statements, and beside each the document it belongs to (two arrays, so the
    /// fast path touches only statements).
    let statements: ContiguousArray<Statement>
    let policies: ContiguousArray<Policy>
    /// Hash of the lower-cased RAM code → entries whose action patterns all name that
    /// code literally. Keyed by hash so that a request needs no string: two codes with
    /// one hash share a bucket, which costs a few extra checks and is never wrong.
    let byService: [UInt64: [Int32]]
    /// Hash of the lower-cased action → entries whose action patterns are all literal.
    let byAction: [UInt64: [Int32]]
    /// Entries with a wildcard in the RAM code, a `*` pattern, or `NotAction`.
    let wild: [Int32]

    init(_ attachments: [Attachment]) {
        var statements: ContiguousArray<Statement> = []
        var policies: ContiguousArray<Policy> = []
        var byService: [UInt64: [Int32]] = [:]
        var wild: [Int32] = []
        var byAction: [UInt64: [Int32]] = [:]
        for a in attachments {
            for s in a.policy.statements {
                let n = Int32(statements.count)
                statements.append(s)
                policies.append(a.policy)
                var services: Set<UInt64> = []
                var isWild = s.actions.negated
                if !isWild {
                    for p in s.actions.patterns {
                        let lower = p.text.lowercased()
                        guard let colon = lower.firstIndex(of: ":") else { isWild = true; break }
                        let code = String(lower[..<colon])
                        if code.utf8.contains(UInt8(ascii: "*")) || code.utf8.contains(UInt8(ascii: "?")) { isWild = true; break }
                        services.insert(LayerIndex.serviceKey(Array(code.utf8)))
                    }
                }
                if isWild {
                    wild.append(n)
                } else if s.actions.patterns.allSatisfy({ $0.glob.isLiteral }) {
                    var keys: Set<UInt64> = []
                    for p in s.actions.patterns { keys.insert(LayerIndex.actionKey(Array(p.text.lowercased().utf8))) }
                    for k in keys { byAction[k, default: []].append(n) }
                } else {
                    for code in services { byService[code, default: []].append(n) }
                }
            }
        }
        self.statements = statements
        self.policies = policies
        self.byService = byService
        self.wild = wild
        self.byAction = byAction
    }

    convenience init(policies: [Policy]) {
        self.init(policies.map { Attachment(policy: $0) })
    }

    /// FNV-1a over all the bytes (the lower-cased action).
    static func actionKey(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return h
    }

    /// FNV-1a over the bytes before the first `:` (the lower-cased RAM code).
    static func serviceKey(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes {
            if b == UInt8(ascii: ":") { break }
            h = (h ^ UInt64(b)) &* 0x100_0000_01B3
        }
        return h
    }

    var isEmpty: Bool { statements.isEmpty }
}
