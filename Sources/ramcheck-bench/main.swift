// The benchmark: `swift run -c release ramcheck-bench` (numbers go in the README).
// Deterministic generated corpus; every figure is wall time on this machine, one core
// unless said otherwise.
import Foundation
import RAMCatalog
import RAMLint
import RAMPolicy
import StrictJSON

/// glibc's `malloc_trim` (malloc.h is not in the Glibc module).
@_silgen_name("malloc_trim") func mallocTrim(_ pad: Int) -> Int32

struct Rng {
    var s: UInt64
    mutating func next() -> UInt64 {
        s &+= 0x9E37_79B9_7F4A_7C15
        var z = s
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

let services = ["ecs", "oss", "rds", "vpc", "slb", "kms", "log", "cms", "emr-serverless-spark", "dlf"]
let verbs = ["Describe", "List", "Get", "Create", "Delete", "Update", "Start", "Stop"]
let nouns = ["Instance", "Bucket", "Workspace", "Disk", "Vpc", "Key", "Alarm", "JobRun"]

/// One statement over the vocabulary, a third of them with a condition.
func statementText(_ r: inout Rng) -> String {
    let svc = services[r.int(services.count)]
    let act: String
    switch r.int(4) {
    case 0: act = "\(svc):*"
    case 1: act = "\(svc):\(verbs[r.int(verbs.count)])*"
    default: act = "\(svc):\(verbs[r.int(verbs.count)])\(nouns[r.int(nouns.count)])"
    }
    let res = r.int(3) == 0 ? "acs:\(svc):*:*:\(nouns[r.int(nouns.count)].lowercased())/*" : "*"
    var s = "{\"Effect\": \"\(r.int(6) == 0 ? "Deny" : "Allow")\", \"Action\": [\"\(act)\"], \"Resource\": \"\(res)\""
    if r.int(3) == 0 { s += ", \"Condition\": {\"IpAddress\": {\"acs:SourceIp\": [\"10.0.0.0/8\", \"192.168.0.0/16\"]}}" }
    return s + "}"
}

/// A policy of `count` statements (default 3–6).
func policyText(_ r: inout Rng, count: Int? = nil) -> String {
    var stmts: [String] = []
    for _ in 0..<(count ?? (3 + r.int(4))) { stmts.append(statementText(&r)) }
    return "{\"Version\": \"1\", \"Statement\": [" + stmts.joined(separator: ", ") + "]}"
}

func requestAction(_ r: inout Rng) -> String {
    "\(services[r.int(services.count)]):\(verbs[r.int(verbs.count)])\(nouns[r.int(nouns.count)])"
}

/// `rewritten`: these policies get another document (the rest of the account is the same).
func snapshotText(users: Int, policies: Int, perUser: Int, seed: UInt64, rewritten: Set<Int> = []) -> String {
    var r = Rng(s: seed)
    var ps: [String] = []
    for n in 0..<policies {
        var doc = policyText(&r)
        if rewritten.contains(n) {
            var other = Rng(s: seed &+ 1000 &+ UInt64(n))
            doc = policyText(&other)
        }
        ps.append("\"P\(n)\": {\"type\": \"Custom\", \"document\": \(doc)}")
    }
    var us: [String] = []
    for u in 0..<users {
        var names = Set<Int>()
        while names.count < min(perUser, policies) { names.insert(r.int(policies)) }
        us.append("\"u\(u)\": {\"policies\": [" + names.sorted().map { "\"P\($0)\"" }.joined(separator: ", ") + "]}")
    }
    return "{\"accountId\": \"1234567890123456\", \"policies\": {" + ps.joined(separator: ", ") + "}, \"users\": {" + us.joined(separator: ", ")
        + "}}"
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let t0 = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
}

func rssKiB() -> Int {
    guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in s.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
    return 0
}

/// Prints a line at once (stdout may be a pipe).
func say(_ s: String) { FileHandle.standardOutput.write(Data((s + "\n").utf8)) }

func fmt(_ x: Double) -> String { String(format: "%.0f", x) }

func decisionsPerSecond(perUser: Int, label: String) throws {
    let text = snapshotText(users: 200, policies: max(perUser * 10, 40), perUser: perUser, seed: 7)
    let snap = try SnapshotLoader.load(SourceFile(name: "bench.json", text: text))
    let ev = Evaluator(snapshot: snap, facts: Catalog.shared)
    var r = Rng(s: 11)
    var requests: [Request] = []
    for _ in 0..<10_000 {
        var ctx = RequestContext()
        ctx.add("acs:SourceIp", values: [r.int(2) == 0 ? "10.1.2.3" : "8.8.8.8"])
        requests.append(Request(principal: .user("u\(r.int(200))"), action: requestAction(&r), context: ctx))
    }
    var allowed = 0
    let n = 1_000_000
    let fast = try seconds {
        for k in 0..<n where try ev.decide(requests[k % requests.count]).0 == .allow { allowed += 1 }
    }
    let m = 200_000
    let full = try seconds {
        for k in 0..<m where try ev.evaluate(requests[k % requests.count]).kind == .allow { allowed += 1 }
    }
    say("decisions, \(label): \(fmt(Double(n) / fast))/s decision only; \(fmt(Double(m) / full))/s with the full explanation (\(allowed) allowed)")
}

/// Runs the built `ramcheck` with posix_spawn (Foundation's Process adds tens of
/// milliseconds of its own) and returns the wall time from spawn to exit.
func runBinary(_ args: [String], stdoutPath: String = "/dev/null") throws -> Double {
    let exe = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ramcheck").path
    var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv: [UnsafeMutablePointer<CChar>?] = ([exe] + args).map { strdup($0) } + [nil]
    defer { for p in argv { free(p) } }
    var pid: pid_t = 0
    var status: Int32 = 0
    return seconds {
        guard posix_spawn(&pid, exe, &actions, nil, argv, environ) == 0 else { return }
        waitpid(pid, &status, 0)
    }
}

let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("ramcheck-bench-\(getpid())")
try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: tmp) }

say("ramcheck-bench (release build, \(ProcessInfo.processInfo.activeProcessorCount) cores; one core used unless said)")
/// `ramcheck-bench [decide|eval|can|lint|gate|memory]` runs one part (for profiling); none runs all.
let only = CommandLine.arguments.dropFirst().first
func wanted(_ part: String) -> Bool { only == nil || only == part }

if wanted("decide") {
    try decisionsPerSecond(perUser: 4, label: "~4 policies per principal")
    try decisionsPerSecond(perUser: 100, label: "100 policies in scope")
}

// eval end to end: the real binary, JSON lines in and out.
if wanted("eval") {
    let acct = tmp.appendingPathComponent("account.json")
    try snapshotText(users: 200, policies: 40, perUser: 4, seed: 7).write(to: acct, atomically: true, encoding: .utf8)
    var r = Rng(s: 5)
    var lines = ""
    let count = 500_000
    for k in 0..<count {
        lines +=
            "{\"id\": \(k), \"principal\": \"user/u\(r.int(200))\", \"action\": \"\(requestAction(&r))\", \"context\": {\"acs:SourceIp\": \"10.1.2.3\"}}\n"
    }
    let req = tmp.appendingPathComponent("requests.jsonl")
    try lines.write(to: req, atomically: true, encoding: .utf8)
    for jobs in ["1", "2"] {
        let t = try runBinary(["eval", "--requests", req.path, "--account", acct.path, "--jobs", jobs])
        say(
            "eval end to end, --jobs \(jobs): \(count) lines in \(String(format: "%.2f", t)) s = \(fmt(Double(count) / t)) lines/s (process start, read, parse, decide, write)"
        )
    }
}

// can with one policy, process start to exit.
if wanted("can") {
    let pol = tmp.appendingPathComponent("p.json")
    try "{\"Version\": \"1\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"emr-serverless-spark:CreateWorkspace\", \"Resource\": \"*\"}]}"
        .write(to: pol, atomically: true, encoding: .utf8)
    var times: [Double] = []
    for _ in 0..<21 { times.append(try runBinary(["can", "--policy", pol.path])) }
    times.sort()
    say(
        "can, one policy, start to exit: median \(String(format: "%.1f", times[10] * 1000)) ms (21 runs, min \(String(format: "%.1f", times[0] * 1000)) ms)"
    )
}

// Lint throughput: every rule on generated policies, one core.
if wanted("lint") {
    var r = Rng(s: 21)
    let sources = (0..<10_000).map { n in SourceFile(name: "p\(n).json", text: policyText(&r)) }
    let linter = Linter(now: "2026-12-04T00:00:00Z")
    var findings = 0
    let t = seconds { for s in sources { findings += linter.lint(s).count } }
    say("lint, every rule: 10,000 policies in \(String(format: "%.2f", t)) s = \(fmt(10_000 / t)) policies/s (\(findings) findings)")
}

// A gate: 1,000 policies (linted, in a snapshot) and 100 expectations, the real binary.
if wanted("gate") {
    let acct = tmp.appendingPathComponent("gate-account.json")
    try snapshotText(users: 200, policies: 1000, perUser: 10, seed: 9).write(to: acct, atomically: true, encoding: .utf8)
    var r = Rng(s: 13)
    var exps: [String] = []
    for _ in 0..<100 {
        exps.append("{\"principal\": \"user/u\(r.int(200))\", \"action\": \"\(requestAction(&r))\", \"decision\": \"deny\"}")
    }
    let config = tmp.appendingPathComponent("gate.json")
    try
        ("{\"account\": \"gate-account.json\", \"expectations\": [" + exps.joined(separator: ",")
        + "], \"lint\": {\"paths\": [\"gate-account.json\"]}}")
        .write(to: config, atomically: true, encoding: .utf8)
    var times: [Double] = []
    for _ in 0..<5 { times.append(try runBinary(["gate", config.path])) }
    times.sort()
    say("gate, 1,000 policies linted + 100 expectations, start to exit: median \(String(format: "%.0f", times[2] * 1000)) ms (5 runs)")
}

// An audit: 1,000 principals × 100 actions (open context), the real binary, start to exit.
if wanted("audit") {
    let acct = tmp.appendingPathComponent("audit-account.json")
    try snapshotText(users: 1000, policies: 200, perUser: 5, seed: 21).write(to: acct, atomically: true, encoding: .utf8)
    let names = Catalog.shared.matching("emr-serverless-spark:*").prefix(100).map(\.action)
    let args = ["audit", "--account", acct.path] + names.flatMap { ["--actions", $0] }
    for format in ["json", "html", "text"] {
        var times: [Double] = []
        for _ in 0..<5 { times.append(try runBinary(args + ["--format", format])) }
        times.sort()
        say(
            "audit, 1,000 principals × \(names.count) actions, open context, --format \(format), start to exit: median \(String(format: "%.0f", times[2] * 1000)) ms (5 runs, both cores)"
        )
    }
}

// fetch: 300 users against the loopback stand-in RAM API (Tests/StandIn/ram_standin.py)
// answering each call after 20 ms, at several concurrency limits: the time is the API's.
if wanted("fetch") {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/StandIn/ram_standin.py").path
    let server = Process()
    server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    server.arguments = ["python3", script, "--users", "300", "--latency", "0.02", "--page", "100", "--idle", "120"]
    let pipe = Pipe()
    server.standardOutput = pipe
    try server.run()
    var line = Data()
    while let b = try pipe.fileHandleForReading.read(upToCount: 1), !b.isEmpty, b != Data([0x0A]) { line += b }
    let port = String(decoding: line, as: UTF8.self)
    setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "AKRAM", 1)
    setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "secret-AKRAM", 1)
    let out = tmp.appendingPathComponent("fetched.json").path
    for c in [1, 4, 8, 16] {
        let t = try runBinary([
            "fetch", "--all", "--out", out, "--endpoint", "http://127.0.0.1:\(port)", "--sts-endpoint", "http://127.0.0.1:\(port)",
            "--concurrency", "\(c)",
        ])
        // 304 users × 2 calls, 2 groups, the role × 2, 6 list pages, 4 policies and a throttled retry: ≈620 calls.
        say("fetch --all, 304 users (≈620 calls, 20 ms each at the stand-in), --concurrency \(c): \(String(format: "%.2f", t)) s")
    }
    server.terminate()
}

// diff: two 20-statement documents, and two 1,000-policy snapshots that differ in 20 policies.
if wanted("diff") {
    var r = Rng(s: 31)
    let a = tmp.appendingPathComponent("diff-a.json")
    let b = tmp.appendingPathComponent("diff-b.json")
    try policyText(&r, count: 20).write(to: a, atomically: true, encoding: .utf8)
    try policyText(&r, count: 20).write(to: b, atomically: true, encoding: .utf8)
    var times: [Double] = []
    for _ in 0..<9 { times.append(try runBinary(["diff", a.path, b.path, "--format", "json"])) }
    times.sort()
    let oldDoc = try PolicyParser.parse(SourceLoader.read(a.path), name: "a", kind: .identity)
    let newDoc = try PolicyParser.parse(SourceLoader.read(b.path), name: "b", kind: .identity)
    let vocab = DiffVocabulary(knownActions: Catalog.shared.actions.map(\.action), operationLevelPrefixes: Catalog.shared.operationLevelPrefixes)
    var result: AccessDiff.Result? = nil
    var runs: [Double] = []
    for _ in 0..<9 {
        runs.append(
            seconds {
                result = AccessDiff.compare(
                    old: Evaluator(policies: [oldDoc], facts: Catalog.shared), new: Evaluator(policies: [newDoc], facts: Catalog.shared),
                    principals: [.adHoc], vocabulary: vocab, facts: Catalog.shared)
            })
    }
    runs.sort()
    let inProcess = runs[4]
    say(
        "diff, two unrelated 20-statement documents: median \(String(format: "%.1f", inProcess * 1000)) ms in process (9 runs; \(result?.requests ?? 0) requests tried, \(result?.added.count ?? 0) new / \(result?.removed.count ?? 0) removed classes); start to exit median \(String(format: "%.0f", times[4] * 1000)) ms (9 runs)"
    )
    let oldAcct = tmp.appendingPathComponent("diff-old-account.json")
    let newAcct = tmp.appendingPathComponent("diff-new-account.json")
    let base = snapshotText(users: 200, policies: 1000, perUser: 10, seed: 9)
    try base.write(to: oldAcct, atomically: true, encoding: .utf8)
    // The same account with 20 policies rewritten.
    let changed = snapshotText(users: 200, policies: 1000, perUser: 10, seed: 9, rewritten: Set(stride(from: 0, to: 1000, by: 50)))
    try changed.write(to: newAcct, atomically: true, encoding: .utf8)
    var big: [Double] = []
    for _ in 0..<3 {
        big.append(
            try runBinary(["diff", oldAcct.path, newAcct.path, "--format", "json"], stdoutPath: tmp.appendingPathComponent("diff-out.json").path))
    }
    big.sort()
    let out = (try? String(contentsOf: tmp.appendingPathComponent("diff-out.json"), encoding: .utf8)) ?? ""
    let classes = out.components(separatedBy: "\"actions\"").count - 1
    say(
        "diff, two 1,000-policy snapshots (200 users, 10 policies each; 20 policies rewritten), start to exit: median \(String(format: "%.2f", big[1])) s (3 runs, \(classes) classes reported)"
    )
}

// Memory: 10,000 policies loaded.
if wanted("memory") {
    let text = snapshotText(users: 1000, policies: 10_000, perUser: 10, seed: 3)
    let before = rssKiB()
    var snap: AccountSnapshot? = nil
    var ev: Evaluator? = nil
    let t = try seconds {
        let loaded = try SnapshotLoader.load(SourceFile(name: "big.json", text: text))
        snap = loaded
        ev = Evaluator(snapshot: loaded, facts: Catalog.shared)
    }
    let peak = rssKiB()
    _ = mallocTrim(0)  // as the CLI does after loading: return the parse tree's pages
    let after = rssKiB()
    _ = try ev?.decide(Request(principal: .user("u1"), action: "ecs:DescribeInstance"))
    say(
        "10,000 policies (\(text.utf8.count / 1024) KiB snapshot, 1,000 users): loaded and indexed in \(String(format: "%.2f", t)) s, resident memory +\((after - before) / 1024) MiB after loading (+\((peak - before) / 1024) MiB at the peak, parse tree included; \(after / 1024) MiB total)"
    )
    withExtendedLifetime(snap) {}
}
