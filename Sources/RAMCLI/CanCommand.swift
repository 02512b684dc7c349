import ArgumentKit
import RAMCatalog
import RAMPolicy
import StrictJSON

/// `ramcheck can [ACTION]`: one decision, explained.
enum CanCommand {
    static let defaultAction = "emr-serverless-spark:CreateWorkspace"

    static let spec = CommandSpec(
        name: "can", summary: "May this principal call ACTION? Answers ALLOWED or DENIED, then why.",
        usage: "[ACTION] (--policy FILE... | --account SNAPSHOT --principal PRINCIPAL) [options]",
        options: PrincipalOptions.specs + PrincipalOptions.requestSpecs + [PrincipalOptions.openContextSpec, PrincipalOptions.formatSpec],
        maxPositionals: 1,
        discussion: """
            ACTION defaults to \(defaultAction).
            With --open-context, keys not given are unknown and the answer may be CONDITIONAL, with the condition
            over them under which the call is allowed (exit 1: it is not allowed as asked).
            exit: 0 allowed, 1 denied or conditional, 2 unusable input or usage error
            """)

    static func run(_ args: [String], _ output: Output) -> Int32 {
        let p: ParsedArguments
        let format: PrincipalOptions.Format
        var context: RequestContext
        do throws(ArgumentError) {
            p = try spec.parse(args)
            format = try PrincipalOptions.format(p)
            context = try PrincipalOptions.context(p)
        } catch {
            return RAMCLI.usageError(error, output)
        }
        let setup: PrincipalOptions.Setup
        do {
            setup = try PrincipalOptions.setup(p, requirePrincipal: true)
        } catch {
            switch error {
            case .usage(let e): return RAMCLI.usageError(e, output)
            case .input(let d): return RAMCLI.inputError(d, output)
            }
        }
        output.diagnostics(setup.warnings)
        if setup.defaultContext { context.setDefault("acs:CurrentTime", value: PrincipalOptions.now()) }
        let request = Request(
            principal: setup.principal, action: p.positionals.first ?? defaultAction, resource: p.value("resource"), context: context,
            sessionPolicy: setup.sessionPolicy, resourceGroup: p.value("resource-group"))
        let decision: Decision
        var open: OpenDecision? = nil
        do throws(RequestError) {
            if p.flag("open-context") {
                let o = try setup.evaluator.evaluateOpen(request)
                open = o
                decision = o.closed
            } else {
                decision = try setup.evaluator.evaluate(request)
            }
        } catch {
            output.discardStdout()
            output.err("error: [\(error.code)] \(error.message)" + (error.help.map { "\n  help: \($0)" } ?? ""))
            return RAMCLI.Exit.usage
        }
        switch format {
        case .json:
            var w = JSONWriter()
            DecisionJSON.write(decision, request: request, id: nil, open: open, into: &w)
            output.outBytes(w.bytes)
            output.out("")
        case .text:
            output.out(DecisionText.render(decision, request: request, catalog: Catalog.shared, open: open))
        }
        if let open { return open.kind == .allow ? RAMCLI.Exit.success : RAMCLI.Exit.denied }
        return decision.kind.isAllowed ? RAMCLI.Exit.success : RAMCLI.Exit.denied
    }
}
