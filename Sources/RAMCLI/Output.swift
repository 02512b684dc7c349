import Foundation
import StrictJSON

/// Where a command writes. Results are collected and written at the end (so a
/// failing command never leaves half its output on stdout); diagnostics go to stderr.
public final class Output {
    public var stdout: [UInt8] = []
    public var stderr: [UInt8] = []
    /// Write stdout through as it is produced (for streaming commands such as `eval`).
    let sink: ((inout [UInt8]) -> Void)?

    /// Output is never coloured (INTERFACE.md allows colour only on a terminal; none is used yet).
    public init(sink: ((inout [UInt8]) -> Void)? = nil) {
        self.sink = sink
    }

    public func out(_ s: String) {
        stdout.append(contentsOf: s.utf8)
        stdout.append(0x0A)
    }

    public func outBytes(_ b: [UInt8]) {
        if let sink, b.count >= 1 << 16 {
            // A large block goes straight out, after what is buffered.
            flushStdout()
            var block = b
            sink(&block)
            return
        }
        stdout.append(contentsOf: b)
        if stdout.count >= 1 << 16 { flushStdout() }
    }

    public func err(_ s: String) {
        stderr.append(contentsOf: s.utf8)
        stderr.append(0x0A)
    }

    /// Hands buffered stdout to the sink, if streaming.
    public func flushStdout() {
        if let sink, !stdout.isEmpty {
            sink(&stdout)
            stdout.removeAll(keepingCapacity: true)
        }
    }

    /// Discards results (after an error, nothing half-written reaches stdout).
    public func discardStdout() { stdout.removeAll() }

    /// Prints diagnostics: `file:line:col: error: [code] message`, the quoted line, a caret, `help:`.
    public func diagnostics(_ list: [Diagnostic]) {
        for d in list { err(DiagnosticPrinter.render(d, colour: false)) }
    }
}

/// Renders a diagnostic for a terminal or a log.
public enum DiagnosticPrinter {
    public static func render(_ d: Diagnostic, colour: Bool) -> String {
        var s = d.description
        if let r = d.range {
            let loc = r.start
            // Quote short lines only (a minified snapshot is one long line).
            let line = r.file.lineByteCount(loc.line) <= 1000 ? r.file.lineText(loc.line) : ""
            if !line.isEmpty && line.unicodeScalars.count <= 400 {
                let gutter = String(loc.line)
                s += "\n \(String(repeating: " ", count: gutter.count)) |"
                s += "\n \(gutter) | \(line)"
                var caret = ""
                var col = 1
                for ch in line.unicodeScalars {
                    if col >= loc.column { break }
                    caret.append(ch == "\t" ? "\t" : " ")
                    col += 1
                }
                s += "\n \(String(repeating: " ", count: gutter.count)) | \(caret)^"
            }
        }
        for n in d.notes { s += "\n  note: \(n)" }
        if let h = d.help, !h.isEmpty { s += "\n  help: \(h)" }
        return s
    }
}

/// Writes bytes to a file descriptor, retrying short writes.
func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
    bytes.withUnsafeBufferPointer { buf in
        guard let base = buf.baseAddress else { return }
        var off = 0
        while off < buf.count {
            let n = write(fd, base + off, buf.count - off)
            if n <= 0 { return }
            off += n
        }
    }
}
