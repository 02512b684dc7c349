import ArgumentKit
import Foundation
import RAMPolicy
import RAMProbe

/// `ramcheck probe [ACTION] --region REGION`: a signed dry request to the live API that
/// can never create or bill anything, classified. (`--compare` with the offline answer is
/// not built yet.)
enum ProbeCommand {
    static let spec = CommandSpec(
        name: "probe", summary: "Ask the live service, with a signed request that cannot succeed, whether a call would be authorized.",
        usage: "[ACTION] --region REGION [--endpoint URL] [--profile P] [--timeout S] [--print-request] [--verbose]",
        options: [
            OptionSpec("region", value: "REGION", help: "the region, e.g. cn-hangzhou"),
            OptionSpec("endpoint", value: "URL", help: "another endpoint (https; http only on loopback)"),
            OptionSpec("profile", value: "P", help: "the credentials profile (aliyun CLI config or credentials file)"),
            OptionSpec("timeout", value: "S", help: "seconds to wait for an answer (default 10)"),
            OptionSpec("print-request", help: "print the signed request and send nothing"),
            OptionSpec("verbose", help: "say where the credentials came from and each attempt"),
            OptionSpec("compare", help: "evaluate offline too (with --policy or --account --principal) and compare"),
        ] + PrincipalOptions.specs, maxPositionals: 1,
        discussion: """
            "authorized" rests on the gateway checking RAM before it validates parameters, which has not been
            confirmed against the live service: calibrate once with a principal known to lack the permission.
            exit: 0 authorized, 1 denied, 2 usage / credentials / signature / clock error, 3 inconclusive,
            or (with --compare) the live answer disagrees with the offline one
            """)

    /// Prints the live and offline answers side by side; on disagreement names the
    /// likely causes and exits 3.
    static func compare(_ d: Decision, _ r: ProbeResult, action: String, _ output: Output) -> Int32 {
        let live = r.outcome == .denied ? "denied (\(r.body?.code ?? "?"), \(r.body?.detail("PolicyType") ?? "no PolicyType"))" : "authorized"
        let off = d.kind == .allow ? "allowed" : "\(d.kind.rawValue) by \(d.policyType?.rawValue ?? "?")"
        output.out("live:    \(live)")
        output.out("offline: \(off)")
        let agree = (r.outcome == .authorized) == (d.kind == .allow)
        if agree {
            output.out("the live service and the offline evaluation agree")
            return d.kind == .allow ? RAMCLI.Exit.success : RAMCLI.Exit.denied
        }
        output.out("DISAGREE: likely causes")
        if r.outcome == .denied {
            output.out("  - a control policy of the Resource Directory that the snapshot does not hold")
            output.out("  - the policies that allow it are not attached in the account (a stale snapshot)")
            output.out("  - the credentials are a role session with a session policy")
            output.out("  - the credentials are not those of the principal that was evaluated offline")
        } else {
            output.out("  - a policy attached in the account that the snapshot does not hold (a stale snapshot)")
            output.out("  - the credentials belong to another principal (or the account itself)")
            output.out("  - the gateway validated parameters before RAM (calibrate: see the README)")
        }
        return 3
    }

    /// The credentials of the chain (`--profile`), said with `--verbose`; nil after printing why none.
    static func credentials(_ p: ParsedArguments, _ output: Output) -> CredentialChain.Found? {
        let env = ProcessInfo.processInfo.environment
        do {
            let found = try CredentialChain.resolve(environment: env, home: env["HOME"] ?? NSHomeDirectory(), profile: p.value("profile"))
            if p.flag("verbose") { output.err("credentials: \(found.source)") }
            return found
        } catch {
            output.err("error: [\(error.code)] \(error.message)" + (error.help.map { "\n  help: \($0)" } ?? ""))
            return nil
        }
    }

    static func run(_ args: [String], _ output: Output, transport: any HTTPTransport = URLSessionTransport()) -> Int32 {
        let p: ParsedArguments
        var timeout = 10.0
        do throws(ArgumentError) {
            p = try spec.parse(args)
            guard p.value("region") != nil else { throw ArgumentError("`probe` needs `--region`", help: "for example `--region cn-hangzhou`") }
            if let t = p.value("timeout") {
                guard let v = Double(t), v > 0, v <= 300 else { throw ArgumentError("`--timeout` takes seconds from 0 to 300, not `\(t)`") }
                timeout = v
            }
        } catch {
            return RAMCLI.usageError(error, output)
        }
        let action = p.positionals.first ?? CanCommand.defaultAction
        guard let recipe = ProbeRecipe.recipe(for: action) else {
            let list = ProbeRecipe.all.map { "`\($0.action)`" }.joined(separator: ", ")
            return RAMCLI.usageError(ArgumentError("`\(action)` has no dry-request recipe", help: "actions that have one: \(list)"), output)
        }
        let region = p.value("region") ?? ""
        let url: URL
        do { url = try Prober.url(recipe, region: region, endpoint: p.value("endpoint")) } catch {
            return RAMCLI.usageError(ArgumentError(error.message, help: error.help), output)
        }
        guard let found = credentials(p, output) else { return RAMCLI.Exit.usage }
        let prober = Prober(transport: transport, credentials: found.credentials, timeout: timeout)
        if p.flag("print-request") {
            let (request, sig) = prober.prepare(recipe, url: url, date: Prober.timestamp(), nonce: Prober.nonce())
            output.out("\(request.method) \(request.url.absoluteString)")
            for (k, v) in request.headers { output.out("\(k): \(k.lowercased() == "x-acs-security-token" ? "<redacted>" : v)") }
            output.out("")
            output.out(String(decoding: request.body, as: UTF8.self))
            // The token is signed, so it is in the canonical request: shown redacted there too.
            var canonical = sig.canonicalRequest
            if let token = found.credentials.securityToken, !token.isEmpty { canonical = canonical.replacingAll(token, "<redacted>") }
            output.out("\n--- canonical request\n\(canonical)\n--- string to sign\n\(sig.stringToSign)")
            return RAMCLI.Exit.success
        }
        // The offline answer, before anything is sent, so that bad policies fail fast.
        var offline: Decision? = nil
        if p.flag("compare") {
            do {
                let setup = try PrincipalOptions.setup(p, requirePrincipal: true)
                var ctx = RequestContext()
                ctx.setDefault("acs:CurrentTime", value: PrincipalOptions.now())
                offline = try setup.evaluator.evaluate(
                    Request(principal: setup.principal, action: recipe.action, context: ctx, sessionPolicy: setup.sessionPolicy))
            } catch let e as PrincipalOptions.SetupError {
                switch e {
                case .usage(let u): return RAMCLI.usageError(u, output)
                case .input(let d): return RAMCLI.inputError(d, output)
                }
            } catch {
                return RAMCLI.inputError(RAMCLI.diagnostics(of: error), output)
            }
        }
        let r = prober.run(recipe, url: url)
        if let offline, r.outcome == .denied || r.outcome == .authorized {
            return compare(offline, r, action: action, output)
        }
        if p.flag("verbose") { output.err("attempts: \(r.attempts)") }
        let code = r.body?.code ?? "no error code"
        let status = r.status.map { "HTTP \($0)" } ?? "no answer"
        switch r.outcome {
        case .denied:
            output.out("DENIED by the live service: `\(action)` (\(status), \(code))")
            for (k, v) in r.body?.accessDeniedDetail ?? [] { output.out("  \(k): \(v)") }
            return RAMCLI.Exit.denied
        case .authorized:
            output.out("AUTHORIZED: the service checked `\(action)` and rejected the impossible parameters (\(status), \(code))")
            output.out("  note: this rests on the gateway checking RAM before parameters (not confirmed; see the README's calibration)")
            return RAMCLI.Exit.success
        case .credentials:
            output.err(
                "error: [probe-credentials] the service does not accept the credentials (\(status), \(code))\n  help: check the AccessKey (\(found.source))"
            )
            return RAMCLI.Exit.usage
        case .signature:
            output.err("error: [probe-signature] the service computed another signature (\(status), \(code))")
            output.err("  our string to sign: \(r.signature.stringToSign.replacingAll("\n", "\\n"))")
            if let m = r.body?.message { output.err("  the server's message: \(m.replacingAll(found.credentials.accessKeyId, "<access-key-id>"))") }
            return RAMCLI.Exit.usage
        case .clock:
            output.err(
                "error: [probe-clock] the service rejected the request time (\(status), \(code))\n  help: set this machine's clock (within 15 minutes of the service's)"
            )
            return RAMCLI.Exit.usage
        case .throttled, .inconclusive:
            output.out("INCONCLUSIVE: \(r.transportError ?? "\(status), \(code)") after \(r.attempts) attempt\(r.attempts == 1 ? "" : "s")")
            return 3
        case .unexpectedSuccess:
            output.out(
                "BUG: the service accepted a request that cannot succeed (\(status)); please report it — check the account for a workspace named \"\""
            )
            return 3
        }
    }
}
