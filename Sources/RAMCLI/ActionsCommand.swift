import ArgumentKit
import RAMCatalog
import RAMPolicy
import StrictJSON

/// `ramcheck actions [PATTERN]`: what the catalog knows of the actions a pattern covers.
enum ActionsCommand {
    static let spec = CommandSpec(
        name: "actions",
        summary: "List the catalog's actions that PATTERN covers, with access level, resource type, condition keys and dependent actions.",
        usage: "[PATTERN] [--access-level LEVEL] [--format text|json]",
        options: [
            OptionSpec("access-level", value: "LEVEL", help: "only actions of this level (create, list, get, update, delete, none, unknown)"),
            PrincipalOptions.formatSpec,
        ], maxPositionals: 1,
        discussion: "PATTERN is a RAM action pattern such as `emr-serverless-spark:Create*` (default `*`, every action).")

    static func run(_ args: [String], _ output: Output) -> Int32 {
        let p: ParsedArguments
        let format: PrincipalOptions.Format
        var level: AccessLevel? = nil
        do throws(ArgumentError) {
            p = try spec.parse(args)
            format = try PrincipalOptions.format(p)
            if let l = p.value("access-level") {
                guard let a = AccessLevel(rawValue: l) else {
                    throw ArgumentError(
                        "unknown access level `\(l)`", help: "use one of \(AccessLevel.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                level = a
            }
        } catch {
            return RAMCLI.usageError(error, output)
        }
        let pattern = p.positionals.first ?? "*"
        if pattern != "*" && !pattern.contains(":") {
            return RAMCLI.usageError(
                ArgumentError("`\(pattern)` is not an action pattern", help: "write `<ram-code>:<pattern>`, e.g. `emr-serverless-spark:Create*`"),
                output)
        }
        let catalog = Catalog.shared
        var found = catalog.matching(pattern)
        if let level { found = found.filter { $0.accessLevel == level } }
        switch format {
        case .json:
            var w = JSONWriter()
            w.raw("{")
            w.key("catalogVersion")
            w.string(Catalog.version)
            w.comma()
            w.key("pattern")
            w.string(pattern)
            w.comma()
            w.key("actions")
            w.raw("[")
            for (n, a) in found.enumerated() {
                if n > 0 { w.comma() }
                w.raw("{")
                w.key("action")
                w.string(a.action)
                w.comma()
                w.key("accessLevel")
                w.string(a.accessLevel.rawValue)
                w.comma()
                w.key("allResources")
                w.bool(catalog.isAllResources(a.action.lowercased()))
                w.comma()
                w.key("resourceTypes")
                if let r = a.resourceTypes { w.stringArray(r) } else { w.null() }
                w.comma()
                w.key("conditionKeys")
                if let c = a.conditionKeys { w.stringArray(c) } else { w.null() }
                w.comma()
                w.key("dependentActions")
                if let d = a.dependentActions { w.stringArray(d) } else { w.null() }
                w.comma()
                w.key("origin")
                w.string(a.origin.rawValue)
                if let m = a.method, let path = a.path {
                    w.comma()
                    w.key("http")
                    w.string("\(m) \(path)")
                }
                w.raw("}")
            }
            w.raw("]}")
            output.outBytes(w.bytes)
            output.out("")
        case .text:
            if found.isEmpty {
                output.out("no action in the catalog (\(Catalog.version)) matches `\(pattern)`")
                return RAMCLI.Exit.success
            }
            let width = min(70, found.map(\.action.count).max() ?? 0)
            output.out("\(pad("ACTION", width))  LEVEL    RESOURCE        CONDITION KEYS  DEPENDENT ACTIONS")
            for a in found {
                let res = catalog.isAllResources(a.action.lowercased()) ? "All Resources" : (a.resourceTypes?.joined(separator: ",") ?? "unknown")
                let ck = a.conditionKeys.map { $0.isEmpty ? "none" : $0.joined(separator: ",") } ?? "unknown"
                let dep = a.dependentActions.map { $0.isEmpty ? "none" : $0.joined(separator: ",") } ?? "unknown"
                output.out("\(pad(a.action, width))  \(pad(a.accessLevel.rawValue, 7))  \(pad(res, 14))  \(pad(ck, 14))  \(dep)")
            }
            output.out("\n\(found.count) action\(found.count == 1 ? "" : "s"); catalog \(Catalog.version)")
        }
        return RAMCLI.Exit.success
    }

    static func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s : s + String(repeating: " ", count: n - s.count)
    }
}
