import Foundation
import RAMPolicy
import StrictJSON

/// One side of `diff`: a policy file, a snapshot, a folder of them, or any of these at a
/// git revision (`git:REV:PATH`). Folders pair their files by relative path.
struct DiffSource {
    enum Item {
        case policy(Policy)
        case snapshot(AccountSnapshot)
    }

    /// Relative path (`""` for a single file) → what it holds.
    let items: [String: Item]
    let isFolder: Bool
    /// How the user named it (for messages).
    let name: String
    /// A git side is read from a temporary checkout: its paths are shown as `git:REV:…`.
    let displayPrefix: (temporary: String, shown: String)?
    /// Files of a folder that are JSON but neither a policy nor a snapshot (a gate config …), skipped.
    var skipped: [String] = []

    struct Failure: Error {
        let diagnostics: [Diagnostic]
    }

    static func load(_ spec: String, excludes: [Glob], limits: JSONLimits, scratch: String) throws(Failure) -> DiffSource {
        if spec.hasPrefix("git:") {
            let rest = spec.dropFirst(4)
            guard let colon = rest.firstIndex(of: ":") else {
                throw Failure(diagnostics: [
                    Diagnostic(.error, code: "diff-git", "`\(spec)` is not `git:REV:PATH`", help: "for example `git:origin/main:policies`")
                ])
            }
            let rev = String(rest[..<colon])
            let path = String(rest[rest.index(after: colon)...])
            let dir = try checkout(rev: rev, path: path, scratch: scratch, spec: spec)
            let local = path.isEmpty || path == "." ? dir : (dir as NSString).appendingPathComponent(path)
            let loaded = try loadPath(local, spec: spec, excludes: excludes, limits: limits)
            return DiffSource(
                items: loaded.items, isFolder: loaded.isFolder, name: spec, displayPrefix: (dir + "/", "git:\(rev):"), skipped: loaded.skipped)
        }
        let loaded = try loadPath(spec, spec: spec, excludes: excludes, limits: limits)
        return DiffSource(items: loaded.items, isFolder: loaded.isFolder, name: spec, displayPrefix: nil, skipped: loaded.skipped)
    }

    /// `git archive REV -- PATH` unpacked under `scratch` (no shell: each program run directly).
    static func checkout(rev: String, path: String, scratch: String, spec: String) throws(Failure) -> String {
        func fail(_ message: String) -> Failure {
            Failure(diagnostics: [
                Diagnostic(.error, code: "diff-git", message, help: "check the revision and the path (`git ls-tree \(rev) -- \(path)`)")
            ])
        }
        guard !rev.isEmpty, !rev.hasPrefix("-"), !path.hasPrefix("-") else { throw fail("`\(spec)` names no usable revision or path") }
        let dir = (scratch as NSString).appendingPathComponent("git-" + UUID().uuidString.prefix(8))
        let tar = dir + ".tar"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var args = ["git", "archive", "--format=tar", "-o", tar, rev]
        if !path.isEmpty && path != "." { args += ["--", path] }
        let (status, err) = run(args)
        guard status == 0 else {
            throw fail("`git archive` could not read `\(spec)`: \(err.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        let (untar, uerr) = run(["tar", "-x", "-f", tar, "-C", dir])
        guard untar == 0 else { throw fail("the archive of `\(spec)` could not be unpacked: \(uerr)") }
        return dir
    }

    static func run(_ args: [String]) -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        do { try p.run() } catch { return (127, "\(args[0]) could not be started") }
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func loadPath(_ path: String, spec: String, excludes: [Glob], limits: JSONLimits) throws(Failure) -> (
        items: [String: Item], isFolder: Bool, skipped: [String]
    ) {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw Failure(diagnostics: [Diagnostic(.error, code: "io-not-found", "no such file or folder `\(spec)`", file: spec)])
        }
        if !isDir.boolValue {
            guard let one = try item(path, limits: limits, inFolder: false) else { return ([:], false, []) }
            return (["": one], false, [])
        }
        var items: [String: Item] = [:]
        var skipped: [String] = []
        var errors: [Diagnostic] = []
        let files = ((try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        for rel in files {
            if excludes.contains(where: { $0.matches(Array(rel.utf8)) }) { continue }
            do {
                if let it = try item((path as NSString).appendingPathComponent(rel), limits: limits, inFolder: true) {
                    items[rel] = it
                } else {
                    skipped.append(rel)
                }
            } catch {
                errors += error.diagnostics
            }
        }
        if !errors.isEmpty { throw Failure(diagnostics: errors) }
        return (items, true, skipped)
    }

    /// A file is a snapshot when its top level has `accountId`, else a policy document. In a
    /// folder, a JSON object with none of `accountId`, `Version` and `Statement` (a gate config,
    /// an allow file) is neither: nil, and the caller says it was skipped.
    static func item(_ path: String, limits: JSONLimits, inFolder: Bool) throws(Failure) -> Item? {
        do {
            let src = try SourceLoader.read(path, maxBytes: limits.maxBytes)
            let root = try JSONParser.parse(src, limits: limits)
            if inFolder, let o = root.objectValue, o["accountId"] == nil, o["Version"] == nil, o["Statement"] == nil { return nil }
            if root.objectValue?["accountId"] != nil {
                return .snapshot(try SnapshotLoader.load(root, in: src, limits: limits))
            }
            return .policy(try PolicyParser.parse(root, in: src, name: path, kind: .identity, limits: limits))
        } catch {
            throw Failure(diagnostics: RAMCLI.diagnostics(of: error))
        }
    }
}
