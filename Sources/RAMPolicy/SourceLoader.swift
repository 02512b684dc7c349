import Foundation
import StrictJSON

/// Reads input files into ``SourceFile``s, turning every I/O problem into a
/// diagnostic that names the path.
public enum SourceLoader {
    /// Reads a file (or standard input for `-`).
    /// - Throws: ``Diagnostic`` for a missing path, a directory, an unreadable file,
    ///   or a file over `maxBytes`.
    public static func read(_ path: String, maxBytes: Int = JSONLimits.default.maxBytes) throws(Diagnostic) -> SourceFile {
        let (name, bytes) = try readBytes(path, maxBytes: maxBytes)
        return SourceFile(name: name, bytes: bytes)
    }

    /// The display name and the bytes of a file (or standard input for `-`), for
    /// callers that split the text themselves (JSON lines).
    public static func readBytes(_ path: String, maxBytes: Int = JSONLimits.default.maxBytes) throws(Diagnostic) -> (String, [UInt8]) {
        if path == "-" {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            if data.count > maxBytes { throw tooLarge("<stdin>", data.count, maxBytes) }
            return ("<stdin>", [UInt8](data))
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw Diagnostic(
                .error, code: "io-not-found", "no such file `\(path)`", file: path,
                help: "check the path; relative paths start from the current directory")
        }
        if isDir.boolValue {
            throw Diagnostic(.error, code: "io-is-directory", "`\(path)` is a directory, not a file", file: path)
        }
        if let attrs = try? FileManager.default.attributesOfItem(atPath: path), let size = attrs[.size] as? Int, size > maxBytes {
            throw tooLarge(path, size, maxBytes)
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw Diagnostic(.error, code: "io-unreadable", "cannot read `\(path)`", file: path, help: "check the file's permissions")
        }
        defer { try? handle.close() }
        // Read at most one byte past the limit, so a growing file or a device cannot exhaust memory.
        let data = (try? handle.read(upToCount: maxBytes + 1)) ?? Data()
        if data.count > maxBytes { throw tooLarge(path, data.count, maxBytes) }
        return (path, [UInt8](data))
    }

    static func tooLarge(_ path: String, _ size: Int, _ max: Int) -> Diagnostic {
        Diagnostic(
            .error, code: "limit-file-size", "`\(path)` is larger than the limit of \(max) bytes", file: path,
            help: "raise the limit with `--max-file-size BYTES`")
    }

    /// Joins a path relative to the directory of `base` (as the user gave it).
    public static func resolve(_ relative: String, against base: String) -> String {
        if relative.hasPrefix("/") { return relative }
        let dir = (base as NSString).deletingLastPathComponent
        return dir.isEmpty ? relative : (dir as NSString).appendingPathComponent(relative)
    }

    /// Writes `bytes` to a temporary name beside `path`, then renames it over `path`: a
    /// reader never sees a half-written file. Returns a diagnostic when it cannot.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) -> Diagnostic? {
        let tmp = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        guard FileManager.default.createFile(atPath: tmp, contents: Data(bytes)) else {
            return Diagnostic(
                .error, code: "io-unwritable", "cannot write `\(path)`", file: path, help: "check that its folder exists and is writable")
        }
        if rename(tmp, path) != 0 {
            try? FileManager.default.removeItem(atPath: tmp)
            return Diagnostic(.error, code: "io-unwritable", "cannot write `\(path)`", file: path)
        }
        return nil
    }
}
