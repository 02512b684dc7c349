import ArgumentKit
import Foundation
import RAMCatalog
import RAMPolicy
import StrictJSON

/// `ramcheck eval --requests FILE`: JSON lines in, one decision line out per
/// request, in input order. A bad line gives an error line and the rest go on.
enum EvalCommand {
    static let spec = CommandSpec(
        name: "eval", summary: "Evaluate many requests: JSON lines in, one decision per line out, in input order.",
        usage: "--requests FILE|- (--policy FILE... | --account SNAPSHOT) [options]",
        options: [
            OptionSpec("requests", value: "FILE", help: "the request lines (`-` for standard input)"),
            OptionSpec("max-line-length", value: "BYTES", help: "longest request line accepted (default 1048576)"),
            OptionSpec("jobs", value: "N", help: "threads to evaluate with (default: one per core); output order is input order"),
            OptionSpec("no-fast-path", help: "parse every line with the general parser (same output, slower; for checking)"),
            PrincipalOptions.openContextSpec,
        ] + PrincipalOptions.specs + [PrincipalOptions.formatSpec],
        maxPositionals: 0,
        discussion: """
            A request line: {"id": …, "principal": "user/alice", "action": "…", "resource": "*",
              "context": {"acs:SourceIp": "10.1.2.3"}, "sessionPolicy": {…}, "resourceGroup": "rg-…"}
            Only `action` is required (`principal` too with --account). A line that cannot be
            evaluated gives {"id": …, "error": {"code": …, "message": …}}.
            exit: 0 every line evaluated, 2 a line was an error line (all lines are still written)
            or the input is unusable
            """)

    static func run(_ args: [String], _ output: Output) -> Int32 {
        let p: ParsedArguments
        var maxLine = 1 << 20
        var jobs = ProcessInfo.processInfo.activeProcessorCount
        do throws(ArgumentError) {
            p = try spec.parse(args)
            // The output is JSON lines whatever the format; the option is still checked.
            _ = try PrincipalOptions.format(p)
            if let m = p.value("max-line-length") {
                guard let n = Int(m), n >= 1 else { throw ArgumentError("`--max-line-length` takes a positive number of bytes, not `\(m)`") }
                maxLine = n
            }
            if let j = p.value("jobs") {
                guard let n = Int(j), n >= 1, n <= 256 else { throw ArgumentError("`--jobs` takes a whole number from 1 to 256, not `\(j)`") }
                jobs = n
            }
            guard p.value("requests") != nil else {
                throw ArgumentError("`eval` needs `--requests FILE`", help: "give a JSON-lines file, or `-` for standard input")
            }
        } catch {
            return RAMCLI.usageError(error, output)
        }
        let setup: PrincipalOptions.Setup
        do {
            setup = try PrincipalOptions.setup(p, requirePrincipal: false)
        } catch {
            switch error {
            case .usage(let e): return RAMCLI.usageError(e, output)
            case .input(let d): return RAMCLI.inputError(d, output)
            }
        }
        output.diagnostics(setup.warnings)
        let path = p.value("requests") ?? "-"
        let fileName: String
        let bytes: [UInt8]
        do {
            (fileName, bytes) = try SourceLoader.readBytes(path, maxBytes: Int.max / 2)
        } catch {
            return RAMCLI.inputError([error], output)
        }
        let now = setup.defaultContext ? PrincipalOptions.now() : nil
        let runner = LineRunner(
            setup: setup, fileName: fileName, now: now, maxLine: maxLine, fastPath: !p.flag("no-fast-path"),
            heads: StatementHeads(setup.policies), openContext: p.flag("open-context"))
        // The request lines (blank lines skipped), then windows of chunks evaluated on
        // `jobs` threads; each chunk writes its own buffer and the buffers are written
        // in input order, so the output is the same for any number of jobs.
        var lines: [LineRef] = []
        var start = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
        var lineNo = 1
        bytes.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return }
            while start < b.count {
                // memchr finds the line end with vector instructions.
                var end = b.count
                if let p = memchr(base + start, 0x0A, b.count - start) {
                    end = base.distance(to: p.assumingMemoryBound(to: UInt8.self))
                }
                var lineEnd = end
                if lineEnd > start && b[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                if !isBlank(bytes, start, lineEnd) { lines.append(LineRef(start: start, end: lineEnd, line: lineNo)) }
                start = end + 1
                lineNo += 1
            }
        }
        // Small chunks balance the threads; a window of many chunks keeps the pauses
        // between windows (where output is written) rare, and memory bounded.
        let chunk = 1024
        let chunksPerWindow = max(1, jobs) * 16
        var failed = false
        var first = 0
        // With several jobs, a window's output is written by a serial queue while the
        // next window is evaluated; at most two windows are in memory at once.
        let writer = DispatchQueue(label: "ramcheck.eval.writer")
        let inFlight = DispatchSemaphore(value: 2)
        nonisolated(unsafe) let out = output  // touched only by the writer queue until it is drained
        while first < lines.count {
            let count = min(chunksPerWindow, (lines.count - first + chunk - 1) / chunk)
            let results = UnsafeMutableBufferPointer<ChunkResult>.allocate(capacity: count)
            results.initialize(repeating: ChunkResult())
            let base = first
            let all = lines
            nonisolated(unsafe) let shared = results
            let work: @Sendable (Int) -> Void = { c in
                var w = JSONWriter(capacity: chunk * 512)
                var bad = false
                let lo = base + c * chunk
                for k in lo..<min(lo + chunk, all.count) {
                    let l = all[k]
                    if !runner.run(bytes, l.start, l.end, line: l.line, into: &w) { bad = true }
                    w.append(0x0A)
                }
                shared[c] = ChunkResult(bytes: w.bytes, failed: bad)
            }
            if jobs == 1 || count == 1 {
                for c in 0..<count { work(c) }
            } else {
                DispatchQueue.concurrentPerform(iterations: count, execute: work)
            }
            for c in 0..<count where results[c].failed { failed = true }
            inFlight.wait()
            writer.async {
                for c in 0..<count { out.outBytes(shared[c].bytes) }
                shared.deinitialize()
                shared.deallocate()
                inFlight.signal()
            }
            first += count * chunk
        }
        writer.sync {}
        return failed ? RAMCLI.Exit.usage : RAMCLI.Exit.success
    }

    struct LineRef: Sendable {
        let start: Int
        let end: Int
        let line: Int
    }

    struct ChunkResult {
        var bytes: [UInt8] = []
        var failed = false
    }

    static func isBlank(_ b: [UInt8], _ s: Int, _ e: Int) -> Bool {
        var k = s
        while k < e {
            if b[k] != 0x20 && b[k] != 0x09 { return false }
            k += 1
        }
        return true
    }
}

/// Evaluates one request line.
struct LineRunner: Sendable {
    let setup: PrincipalOptions.Setup
    let fileName: String
    let now: String?
    let maxLine: Int
    let fastPath: Bool
    let heads: StatementHeads
    let openContext: Bool

    static let keys: Set<String> = ["id", "principal", "action", "resource", "context", "sessionPolicy", "resourceGroup"]

    struct LineError: Error {
        let code: String
        let message: String
    }

    /// Writes the decision or error line for `bytes[start..<end]`; false for an error line.
    func run(_ bytes: [UInt8], _ start: Int, _ end: Int, line lineNo: Int, into w: inout JSONWriter) -> Bool {
        if fastPath && end - start <= maxLine {
            let done: Bool? = bytes.withUnsafeBufferPointer { b -> Bool? in
                guard let fast = FastRequestLine.scan(b, start, end), let request = makeRequest(fast, b) else { return nil }
                let id = fast.id.map { bytes[$0] }
                do throws(RequestError) {
                    let (decision, open) = try decide(request)
                    DecisionJSON.write(decision, request: request, id: id, heads: heads, open: open, into: &w)
                    return true
                } catch {
                    DecisionJSON.error(id: id, code: error.code, message: error.message, into: &w)
                    return false
                }
            }
            if let done { return done }
        }
        return run(Array(bytes[start..<end]), line: lineNo, into: &w)
    }

    /// The decision, and with `--open-context` the open answer (whose `closed` it is).
    func decide(_ request: Request) throws(RequestError) -> (Decision, OpenDecision?) {
        guard openContext else { return (try setup.evaluator.evaluate(request), nil) }
        let open = try setup.evaluator.evaluateOpen(request)
        return (open.closed, open)
    }

    /// The request a fast-path line describes, or nil where the general path must
    /// decide (it reports the error with its position).
    func makeRequest(_ f: FastRequestLine, _ b: UnsafeBufferPointer<UInt8>) -> Request? {
        func text(_ r: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self) }
        guard let a = f.action else { return nil }
        var principal = Principal.adHoc
        if let p = f.principal {
            guard setup.hasSnapshot, let parsed = Principal(parsing: text(p)) else { return nil }
            principal = parsed
        } else if setup.hasSnapshot {
            guard setup.principal != .adHoc else { return nil }
            principal = setup.principal
        }
        var ctx = RequestContext()
        for m in f.context { ctx.add(text(m.key), values: m.values.map(text)) }
        if let now { ctx.setDefault("acs:CurrentTime", lower: "acs:currenttime", value: now) }
        return Request(
            principal: principal, action: text(a), resource: f.resource.map(text), context: ctx, sessionPolicy: setup.sessionPolicy,
            resourceGroup: f.resourceGroup.map(text))
    }

    /// The general path: the strict parser, every error with its position.
    func run(_ line: [UInt8], line lineNo: Int, into w: inout JSONWriter) -> Bool {
        var id: ArraySlice<UInt8>? = nil
        do throws(LineError) {
            guard line.count <= maxLine else {
                throw LineError(
                    code: "limit-line-length",
                    message:
                        "\(fileName):\(lineNo): the line is \(line.count) bytes, more than the limit of \(maxLine); raise it with `--max-line-length`"
                )
            }
            let src = SourceFile(name: fileName, bytes: line, firstLine: lineNo)
            let value: JSONValue
            do {
                value = try JSONParser.parse(src, limits: setup.limits)
            } catch {
                throw LineError(code: error.code, message: "\(error.locationText ?? fileName): \(error.message)")
            }
            guard let obj = value.objectValue else {
                throw LineError(
                    code: "request-type", message: "\(fileName):\(lineNo): a request line must be a JSON object, not \(value.typeDescription)")
            }
            if let v = obj["id"] {
                var iw = JSONWriter()
                iw.value(v)
                id = iw.bytes[...]
            }
            let request = try makeRequest(obj, src)
            let decision: Decision
            let open: OpenDecision?
            do {
                (decision, open) = try decide(request)
            } catch {
                throw LineError(code: error.code, message: error.message)
            }
            DecisionJSON.write(decision, request: request, id: id, heads: heads, open: open, into: &w)
            return true
        } catch {
            DecisionJSON.error(id: id, code: error.code, message: error.message, into: &w)
            return false
        }
    }

    func at(_ src: SourceFile, _ span: Span) -> String { src.location(ofOffset: span.start).description }

    func makeRequest(_ obj: JSONObject, _ src: SourceFile) throws(LineError) -> Request {
        for m in obj.members where !LineRunner.keys.contains(m.key) {
            throw LineError(code: "request-unknown-key", message: "\(at(src, m.keySpan)): unknown key `\(m.key)` in a request line")
        }
        func string(_ key: String) throws(LineError) -> String? {
            guard let v = obj.member(key) else { return nil }
            guard let s = v.value.stringValue else {
                throw LineError(code: "request-type", message: "\(at(src, v.value.span)): `\(key)` must be a string, not \(v.value.typeDescription)")
            }
            return s
        }
        guard let action = try string("action") else {
            throw LineError(code: "request-missing-action", message: "\(fileName):\(src.location(ofOffset: 0).line): the request has no `action`")
        }
        var principal = Principal.adHoc
        if let text = try string("principal") {
            guard setup.hasSnapshot else {
                throw LineError(code: "request-principal", message: "`principal` needs `--account`: with `--policy` the principal is ad hoc")
            }
            guard let p = Principal(parsing: text) else {
                throw LineError(code: "request-principal", message: "`\(text)` is not a principal: write `user/NAME`, `role/NAME` or `root`")
            }
            principal = p
        } else if setup.hasSnapshot {
            if setup.principal != .adHoc {
                principal = setup.principal
            } else {
                throw LineError(code: "request-principal", message: "the request has no `principal` (required with `--account`)")
            }
        }
        var ctx = RequestContext()
        if let c = obj.member("context") {
            guard let co = c.value.objectValue else {
                throw LineError(
                    code: "request-type", message: "\(at(src, c.value.span)): `context` must be an object, not \(c.value.typeDescription)")
            }
            for m in co.members {
                var values: [String] = []
                let items = m.value.arrayValue ?? [m.value]
                for item in items {
                    switch item.kind {
                    case .string(let s): values.append(s)
                    case .number(let t): values.append(t)
                    case .bool(let b): values.append(b ? "true" : "false")
                    default:
                        throw LineError(
                            code: "request-type", message: "\(at(src, item.span)): context values must be strings, not \(item.typeDescription)")
                    }
                }
                ctx.add(m.key, values: values)
            }
        }
        if let now { ctx.setDefault("acs:CurrentTime", lower: "acs:currenttime", value: now) }
        var session = setup.sessionPolicy
        if let sp = obj["sessionPolicy"] {
            do {
                session = try PolicyParser.parse(sp, in: src, name: "sessionPolicy", kind: .session, limits: setup.limits, lenient: setup.lenient)
            } catch {
                let d = error.diagnostics.first
                throw LineError(
                    code: d?.code ?? "policy-invalid", message: "\(d?.locationText ?? fileName): session policy: \(d?.message ?? "invalid")")
            }
        }
        return Request(
            principal: principal, action: action, resource: try string("resource"), context: ctx, sessionPolicy: session,
            resourceGroup: try string("resourceGroup"))
    }
}
