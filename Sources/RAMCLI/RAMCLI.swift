import ArgumentKit
import Foundation
import RAMCatalog
import StrictJSON

/// The `ramcheck` command line: dispatches to one command per file.
public enum RAMCLI {
    public static let version = "0.1.0"

    /// Exit codes, grep's convention (INTERFACE.md).
    public enum Exit {
        public static let success: Int32 = 0
        public static let denied: Int32 = 1
        public static let usage: Int32 = 2
    }

    /// Runs the program with its arguments (the first is the program name) and
    /// writes to the process's stdout and stderr.
    public static func main(_ arguments: [String]) -> Int32 {
        let output = Output(sink: { writeAll(1, $0) })
        let code = run(Array(arguments.dropFirst()), output: output)
        output.flushStdout()
        writeAll(2, output.stderr)
        return code
    }

    /// Runs a command line into `output` (the tests call this directly).
    public static func run(_ args: [String], output: Output) -> Int32 {
        guard let command = args.first else {
            output.err(topHelp)
            return Exit.usage
        }
        let rest = Array(args.dropFirst())
        // `--help` anywhere before `--` shows the command's help, for every command alike.
        if let spec = specs[command], rest.prefix(while: { $0 != "--" }).contains(where: { $0 == "--help" || $0 == "-h" }) {
            output.out(spec.helpText)
            return Exit.success
        }
        switch command {
        case "--version", "version":
            output.out("ramcheck \(version)\ncatalog \(Catalog.version): \(Catalog.sources)")
            return Exit.success
        case "--help", "-h", "help":
            output.out(topHelp)
            return Exit.success
        case "can": return CanCommand.run(rest, output)
        case "eval": return EvalCommand.run(rest, output)
        case "actions": return ActionsCommand.run(rest, output)
        case "lint": return LintCommand.run(rest, output)
        case "gate": return GateCommand.run(rest, output)
        case "probe": return ProbeCommand.run(rest, output)
        case "fetch": return FetchCommand.run(rest, output)
        case "explain-denial": return ExplainDenialCommand.run(rest, output)
        case "audit": return AuditCommand.run(rest, output)
        case "diff": return DiffCommand.run(rest, output)
        default:
            let known = ["can", "eval", "actions", "lint", "gate", "probe", "fetch", "explain-denial", "audit", "diff"]
            let near = known.first { $0.hasPrefix(command.prefix(2)) }
            output.err("error: unknown command `\(command)`" + (near.map { "\n  help: did you mean `\($0)`?" } ?? "\n  help: run `ramcheck --help`"))
            return Exit.usage
        }
    }

    /// Every command's arguments and help.
    static let specs: [String: CommandSpec] = [
        "can": CanCommand.spec, "eval": EvalCommand.spec, "actions": ActionsCommand.spec, "lint": LintCommand.spec,
        "gate": GateCommand.spec, "probe": ProbeCommand.spec, "fetch": FetchCommand.spec, "explain-denial": ExplainDenialCommand.spec,
        "audit": AuditCommand.spec, "diff": DiffCommand.spec,
    ]

    static let topHelp = """
        ramcheck — an Alibaba Cloud RAM policy and access analyzer

        usage: ramcheck <command> [options]

        commands:
          can [ACTION]           may this principal call ACTION? (default emr-serverless-spark:CreateWorkspace)
          eval --requests FILE   many decisions: JSON lines in, JSON lines out
          actions [PATTERN]      the catalog: actions a pattern covers, with their RAM facts
          lint PATH...           check policy documents, folders and snapshots (text, json, sarif, junit, github)
          gate CONFIG            CI gate: expectations of who may call what, plus lint, one report
          probe [ACTION]         a signed dry request to the live API, classified (never creates anything)
          fetch --all --out F    read a RAM account through the RAM API into a snapshot file
          explain-denial FILE    explain a real access-denied body: the layer, the statement, the fix
          audit --account F      who can do what: principals × actions by access level (text, json, csv, html)
          diff OLD NEW           access NEW grants that OLD does not, exactly, each with an example request

        global:
          --format text|json     output format
          --help                 help for a command
          --version              the program and catalog versions

        exit codes: 0 allowed / success, 1 denied / findings / new access, 2 unusable input or usage error, 3 probe inconclusive
        """

    /// Prints a usage error and returns exit 2.
    static func usageError(_ e: ArgumentError, _ output: Output) -> Int32 {
        output.discardStdout()
        output.err("error: \(e.message)" + (e.help.map { "\n  help: \($0)" } ?? ""))
        return Exit.usage
    }

    /// The diagnostics an error carries: the loaders throw one ``Diagnostic`` or a
    /// ``DiagnosticList``; anything else is reported as it describes itself.
    static func diagnostics(of error: any Error) -> [Diagnostic] {
        if let d = error as? Diagnostic { return [d] }
        if let l = error as? DiagnosticList { return l.diagnostics }
        return [Diagnostic(.error, code: "internal", "\(error)")]
    }

    /// Prints diagnostics and returns exit 2.
    static func inputError(_ list: [Diagnostic], _ output: Output) -> Int32 {
        output.discardStdout()
        output.diagnostics(list)
        return Exit.usage
    }
}
