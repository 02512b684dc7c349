/// A small, strict command-line parser: long options with a value (`--name VALUE`
/// or `--name=VALUE`), repeatable or not, boolean flags, positionals, `--` to end
/// options and `-` as a positional (standard input).
public struct OptionSpec: Sendable {
    public let name: String
    /// The placeholder shown in help (`FILE`); nil for a boolean flag.
    public let valueName: String?
    public let repeatable: Bool
    public let help: String

    public init(_ name: String, value: String? = nil, repeatable: Bool = false, help: String) {
        self.name = name
        self.valueName = value
        self.repeatable = repeatable
        self.help = help
    }

    public var isFlag: Bool { valueName == nil }
}

/// A command's options and positionals, and its help text.
public struct CommandSpec: Sendable {
    public let name: String
    public let summary: String
    /// e.g. `[ACTION]`.
    public let usage: String
    public let options: [OptionSpec]
    public let maxPositionals: Int
    public let discussion: String?

    public init(name: String, summary: String, usage: String, options: [OptionSpec], maxPositionals: Int, discussion: String? = nil) {
        self.name = name
        self.summary = summary
        self.usage = usage
        self.options = options
        self.maxPositionals = maxPositionals
        self.discussion = discussion
    }

    /// `--help` text.
    public var helpText: String {
        var s = "\(summary)\n\nusage: ramcheck \(name) \(usage)\n"
        if !options.isEmpty {
            s += "\noptions:\n"
            let labels = options.map { o in "--\(o.name)" + (o.valueName.map { " \($0)" } ?? "") }
            let width = min(34, (labels.map(\.count).max() ?? 0) + 2)
            for (o, l) in zip(options, labels) {
                let pad = l.count < width ? String(repeating: " ", count: width - l.count) : "  "
                s += "  \(l)\(pad)\(o.help)\(o.repeatable ? " (repeatable)" : "")\n"
            }
            s += "  --help\(String(repeating: " ", count: max(2, width - 6)))show this help\n"
        }
        if let d = discussion { s += "\n\(d)\n" }
        return s
    }
}

/// The result of parsing.
public struct ParsedArguments: Sendable {
    public var positionals: [String] = []
    public var values: [String: [String]] = [:]
    public var flags: Set<String> = []
    public var wantsHelp = false

    public func value(_ name: String) -> String? { values[name]?.last }
    public func all(_ name: String) -> [String] { values[name] ?? [] }
    public func flag(_ name: String) -> Bool { flags.contains(name) }
}

/// A usage error: message and advice.
public struct ArgumentError: Error, Sendable, Equatable {
    public let message: String
    public let help: String?

    public init(_ message: String, help: String? = nil) {
        self.message = message
        self.help = help
    }
}

extension CommandSpec {
    /// Parses arguments (without the program and command names).
    public func parse(_ args: [String]) throws(ArgumentError) -> ParsedArguments {
        var out = ParsedArguments()
        var k = 0
        var onlyPositionals = false
        while k < args.count {
            let a = args[k]
            k += 1
            if onlyPositionals || a == "-" || !a.hasPrefix("-") {
                out.positionals.append(a)
                continue
            }
            if a == "--" {
                onlyPositionals = true
                continue
            }
            if a == "--help" || a == "-h" {
                out.wantsHelp = true
                continue
            }
            guard a.hasPrefix("--") else {
                throw ArgumentError("unknown option `\(a)`", help: "options are long, like `--policy FILE`; see `ramcheck \(name) --help`")
            }
            var name = String(a.dropFirst(2))
            var inline: String? = nil
            if let eq = name.firstIndex(of: "=") {
                inline = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            guard let spec = options.first(where: { $0.name == name }) else {
                let near = options.map(\.name).min { distance($0, name) < distance($1, name) }
                let help = near.flatMap { distance($0, name) <= 3 ? "did you mean `--\($0)`?" : nil } ?? "see `ramcheck \(self.name) --help`"
                throw ArgumentError("unknown option `--\(name)`", help: help)
            }
            if spec.isFlag {
                if inline != nil { throw ArgumentError("`--\(name)` takes no value") }
                out.flags.insert(name)
                continue
            }
            let value: String
            if let inline {
                value = inline
            } else {
                guard k < args.count else {
                    throw ArgumentError("`--\(name)` needs a value", help: "write `--\(name) \(spec.valueName ?? "VALUE")`")
                }
                value = args[k]
                k += 1
            }
            if !spec.repeatable && out.values[name] != nil {
                throw ArgumentError("`--\(name)` is given more than once", help: "give it once")
            }
            out.values[name, default: []].append(value)
        }
        if out.positionals.count > maxPositionals && !out.wantsHelp {
            let extra = out.positionals[maxPositionals]
            throw ArgumentError(
                maxPositionals == 0 ? "unexpected argument `\(extra)`" : "too many arguments: unexpected `\(extra)`",
                help: "usage: ramcheck \(self.name) \(usage)")
        }
        return out
    }
}

func distance(_ a: String, _ b: String) -> Int {
    let x = Array(a)
    let y = Array(b)
    if x.isEmpty || y.isEmpty { return max(x.count, y.count) }
    var prev = Array(0...y.count)
    var cur = prev
    for i in 1...x.count {
        cur[0] = i
        for j in 1...y.count { cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1)) }
        swap(&prev, &cur)
    }
    return prev[y.count]
}
