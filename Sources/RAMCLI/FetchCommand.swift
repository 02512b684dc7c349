import ArgumentKit
import Foundation
import RAMPolicy
import RAMProbe
import StrictJSON

/// `ramcheck fetch`: reads a RAM account's users, groups, roles and policies through the
/// RAM API into a snapshot file that `can`, `eval`, `lint` and `audit` read as is.
enum FetchCommand {
    static let spec = CommandSpec(
        name: "fetch", summary: "Read a RAM account (users, groups, roles, their policies and trust policies) into a snapshot file.",
        usage: "(--user NAME... | --role NAME... | --all) --out FILE [--endpoint URL] [--profile P] [--concurrency N]",
        options: [
            OptionSpec("user", value: "NAME", repeatable: true, help: "a RAM user to read (with its groups)"),
            OptionSpec("role", value: "NAME", repeatable: true, help: "a RAM role to read (with its trust policy)"),
            OptionSpec("all", help: "every user, group and role of the account (ListUsers, ListGroups, ListRoles, paged)"),
            OptionSpec("out", value: "FILE", help: "the snapshot to write (`-` for stdout); written to a temporary name, then renamed"),
            OptionSpec("account-id", value: "ID", help: "the account's id (default: from a role's ARN, else STS GetCallerIdentity)"),
            OptionSpec("endpoint", value: "URL", help: "the RAM endpoint (default https://ram.aliyuncs.com; http only on loopback)"),
            OptionSpec("sts-endpoint", value: "URL", help: "the STS endpoint for GetCallerIdentity (default https://sts.aliyuncs.com)"),
            OptionSpec("profile", value: "P", help: "the credentials profile (aliyun CLI config or credentials file)"),
            OptionSpec("concurrency", value: "N", help: "requests in flight at once, 1 to 32 (default 4)"),
            OptionSpec("timeout", value: "S", help: "seconds to wait for each answer (default 10)"),
            OptionSpec("verbose", help: "say where the credentials came from and how many calls were made"),
        ], maxPositionals: 0,
        discussion: """
            The credentials need ram:ListUsers, ram:ListGroups, ram:ListRoles (for --all), ram:ListGroupsForUser,
            ram:ListPoliciesForUser, ram:ListPoliciesForGroup, ram:ListPoliciesForRole, ram:GetPolicy and ram:GetRole.
            The RAM API lists account-level attachments only: resource-group-level attachments and Resource Directory
            control policies are not read (the snapshot's description says so).
            Throttled calls are retried. A principal that cannot be read is left out and named on stderr.
            exit: 0 written whole, 1 written with principals left out, 2 usage, credentials or nothing could be read
            """)

    /// `fetch: 12/40 calls`, rewritten in place on a terminal.
    @Sendable static func showProgress(_ done: Int, _ known: Int) {
        let line = Array("\rfetch: \(done)/\(max(done, known)) calls".utf8)
        line.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
    }

    static func run(_ args: [String], _ output: Output, transport: any HTTPTransport = URLSessionTransport()) -> Int32 {
        let p: ParsedArguments
        var concurrency = 4
        var timeout = 10.0
        let ram: URL
        let stsURL: URL
        do throws(ArgumentError) {
            p = try spec.parse(args)
            if p.all("user").isEmpty && p.all("role").isEmpty && !p.flag("all") {
                throw ArgumentError("nothing to fetch", help: "give `--user NAME`, `--role NAME` (both repeatable) or `--all`")
            }
            guard let out = p.value("out"), !out.isEmpty else {
                throw ArgumentError("`fetch` needs `--out FILE`", help: "for example `--out account.json` (`-` writes to stdout)")
            }
            if let c = p.value("concurrency") {
                guard let n = Int(c), (1...32).contains(n) else { throw ArgumentError("`--concurrency` takes a number from 1 to 32, not `\(c)`") }
                concurrency = n
            }
            if let t = p.value("timeout") {
                guard let v = Double(t), v > 0, v <= 300 else { throw ArgumentError("`--timeout` takes seconds from 0 to 300, not `\(t)`") }
                timeout = v
            }
            if let id = p.value("account-id"), id.isEmpty || !id.allSatisfy(\.isNumber) {
                throw ArgumentError("`--account-id` takes the account's numeric id, not `\(id)`")
            }
            do {
                ram = try RPCClient.endpoint(p.value("endpoint") ?? "https://ram.aliyuncs.com")
                stsURL = try RPCClient.endpoint(p.value("sts-endpoint") ?? "https://sts.aliyuncs.com")
            } catch {
                throw ArgumentError(error.message, help: error.help)
            }
        } catch {
            return RAMCLI.usageError(error, output)
        }
        guard let found = ProbeCommand.credentials(p, output) else { return RAMCLI.Exit.usage }
        let client = RPCClient(transport: transport, credentials: found.credentials, endpoint: ram, version: "2015-05-01", timeout: timeout)
        let sts = RPCClient(transport: transport, credentials: found.credentials, endpoint: stsURL, version: "2015-04-01", timeout: timeout)
        // Progress only on a terminal, straight to fd 2 (the rest of stderr is written at the end).
        let progress: (@Sendable (Int, Int) -> Void)? = isatty(2) == 1 ? showProgress : nil
        let fetcher = AccountFetcher(ram: client, sts: sts, concurrency: concurrency, progress: progress)
        let scope = FetchScope(users: p.all("user"), roles: p.all("role"), all: p.flag("all"), accountId: p.value("account-id"))
        let account: FetchedAccount
        do {
            account = try fetcher.fetch(scope)
        } catch {
            if progress != nil { _ = write(2, "\n", 1) }
            output.err("error: [fetch-failed] \(error.message.replacingAll(found.credentials.accessKeyId, "<access-key-id>"))")
            if let h = error.help { output.err("  help: \(h)") }
            return RAMCLI.Exit.usage
        }
        if progress != nil { _ = write(2, "\n", 1) }
        let description =
            "fetched from \(ram.absoluteString) at \(Prober.timestamp()) by ramcheck \(RAMCLI.version): account-level attachments only "
            + "(resource-group-level attachments and control policies are not read by the RAM API)"
        let bytes = account.snapshotJSON(description: description)
        let out = p.value("out") ?? "-"
        if out == "-" {
            output.outBytes(bytes)
        } else if let d = SourceLoader.writeAtomically(bytes, to: out) {
            return RAMCLI.inputError([d], output)
        }
        let summary =
            "fetched \(account.users.count) user\(account.users.count == 1 ? "" : "s"), \(account.groups.count) group\(account.groups.count == 1 ? "" : "s"), "
            + "\(account.roles.count) role\(account.roles.count == 1 ? "" : "s") and \(account.policies.count) polic\(account.policies.count == 1 ? "y" : "ies")"
            + " of account \(account.accountId) in \(account.calls) calls" + (out == "-" ? "" : " into \(out)")
        output.err(summary)
        for f in account.failures {
            output.err(
                "warning: [fetch-left-out] \(f.entity) is not in the snapshot: \(f.reason.replacingAll(found.credentials.accessKeyId, "<access-key-id>"))"
            )
        }
        return account.failures.isEmpty ? RAMCLI.Exit.success : RAMCLI.Exit.denied
    }
}
