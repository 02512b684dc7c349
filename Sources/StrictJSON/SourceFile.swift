/// A text as it was read, with the line table needed to turn byte offsets into
/// line and column numbers.
///
/// Columns count Unicode scalars (a tab is one column); a byte-order mark at the
/// start of the file is not counted. Lines end at LF, CRLF or a lone CR.
///
/// A source can be *embedded* in another: a policy document given as a JSON string
/// inside an account snapshot is parsed as its own source, but every position in it
/// is reported at the place in the outer file where that character was written.
public final class SourceFile: Sendable {
    /// The file name as the user gave it (or a description such as `<stdin>`).
    public let name: String
    /// The text as UTF-8 bytes, exactly as read.
    public let bytes: [UInt8]
    /// Byte offset of the first byte of each line.
    private let lineStarts: [Int]
    /// For an embedded source: the outer file, and for each inner byte the outer offset.
    private let embedding: Embedding?

    struct Embedding: Sendable {
        let parent: SourceFile
        let offsets: [Int32]
    }

    /// Lines before this text in the file it comes from (a line of a JSON-lines file).
    private let lineOffset: Int
    /// For a file with very long lines (a minified snapshot): the number of scalars
    /// before every 256th byte, so that a column is found without counting the whole line.
    private let checkpoints: [Int32]

    /// - Parameter firstLine: the line number of the text's first line, for a text
    ///   that is one line of a larger file.
    public init(name: String, bytes: [UInt8], firstLine: Int = 1) {
        self.name = name
        self.bytes = bytes
        self.lineStarts = SourceFile.computeLineStarts(bytes)
        self.embedding = nil
        self.lineOffset = firstLine - 1
        self.checkpoints = SourceFile.computeCheckpoints(bytes, lineStarts)
    }

    public convenience init(name: String, text: String) {
        self.init(name: name, bytes: Array(text.utf8))
    }

    /// An inner source whose byte `i` was written at `offsets[i]` of `parent`.
    /// `offsets` has one more entry than `bytes` (the end position).
    public init(embeddedIn parent: SourceFile, bytes: [UInt8], offsets: [Int32]) {
        self.name = parent.name
        self.bytes = bytes
        self.lineStarts = SourceFile.computeLineStarts(bytes)
        self.embedding = Embedding(parent: parent, offsets: offsets)
        self.lineOffset = 0
        self.checkpoints = []
    }

    static let checkpointStride = 256

    private static func computeCheckpoints(_ bytes: [UInt8], _ lineStarts: [Int]) -> [Int32] {
        // Only worth it when some line is long.
        var longest = 0
        for k in 1..<max(1, lineStarts.count) { longest = max(longest, lineStarts[k] - lineStarts[k - 1]) }
        longest = max(longest, bytes.count - (lineStarts.last ?? 0))
        guard longest > 4 * checkpointStride else { return [] }
        var out: [Int32] = []
        out.reserveCapacity(bytes.count / checkpointStride + 1)
        var scalars: Int32 = 0
        for (i, b) in bytes.enumerated() {
            if i % checkpointStride == 0 { out.append(scalars) }
            if b & 0xC0 != 0x80 { scalars += 1 }
        }
        return out
    }

    /// Scalars in `bytes[0..<offset]`.
    private func scalarsBefore(_ offset: Int) -> Int {
        let k = offset / SourceFile.checkpointStride
        var n = Int(checkpoints[min(k, checkpoints.count - 1)])
        var i = min(k, checkpoints.count - 1) * SourceFile.checkpointStride
        while i < offset {
            if bytes[i] & 0xC0 != 0x80 { n += 1 }
            i += 1
        }
        return n
    }

    /// The number of Unicode scalars in the text (what RAM's size limits count).
    public var scalarCount: Int { scalarCount(in: Span(start: 0, end: bytes.count)) }

    /// The number of Unicode scalars in a span of the text.
    public func scalarCount(in span: Span) -> Int {
        let lo = max(0, min(span.start, bytes.count))
        let hi = max(lo, min(span.end, bytes.count))
        var n = 0
        for i in lo..<hi where bytes[i] & 0xC0 != 0x80 { n += 1 }
        return n
    }

    /// The length in bytes of a 1-based line of the outermost file (to decide whether
    /// quoting it is useful, without building it).
    public func lineByteCount(_ line: Int) -> Int {
        if let e = embedding { return e.parent.lineByteCount(line) }
        let k = line - lineOffset - 1
        guard k >= 0 && k < lineStarts.count else { return 0 }
        let end = k + 1 < lineStarts.count ? lineStarts[k + 1] : bytes.count
        return end - lineStarts[k]
    }

    private static func computeLineStarts(_ bytes: [UInt8]) -> [Int] {
        var starts = [0]
        bytes.withUnsafeBufferPointer { b in
            let n = b.count
            var i = 0
            while i < n {
                let c = b[i]
                if c > 0x0D {
                    i += 1
                    continue
                }
                if c == 0x0A {
                    starts.append(i + 1)
                } else if c == 0x0D {
                    if i + 1 < n && b[i + 1] == 0x0A { i += 1 }
                    starts.append(i + 1)
                }
                i += 1
            }
        }
        return starts
    }

    /// The byte offset in the outermost file where the byte at `offset` was written
    /// (for ordering positions across embedded sources without resolving lines).
    public func rootOffset(of offset: Int) -> Int {
        guard let e = embedding else { return offset }
        let clamped = max(0, min(offset, e.offsets.count - 1))
        return e.parent.rootOffset(of: Int(e.offsets[clamped]))
    }

    /// The 1-based line and column of a byte offset, in the outermost file.
    public func location(ofOffset offset: Int) -> SourceLocation {
        if let e = embedding {
            let clamped = max(0, min(offset, e.offsets.count - 1))
            return e.parent.location(ofOffset: Int(e.offsets[clamped]))
        }
        let off = max(0, min(offset, bytes.count))
        let lo = lineIndex(of: off)
        var start = lineStarts[lo]
        if lo == 0 && bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
            start = min(3, off)
        }
        if !checkpoints.isEmpty && off - start > 2 * SourceFile.checkpointStride {
            return SourceLocation(file: name, line: lo + 1 + lineOffset, column: 1 + scalarsBefore(off) - scalarsBefore(start))
        }
        var column = 1
        var i = start
        while i < off {
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return SourceLocation(file: name, line: lo + 1 + lineOffset, column: column)
    }

    /// Resolves many increasing offsets in one pass: each look-up continues from the
    /// previous one instead of counting columns from the start of the line again (a
    /// minified snapshot is one long line).
    /// One cursor serves every source embedded in the same outer file.
    public struct Cursor: Sendable {
        var top: SourceFile?
        var rootOffset = -1
        var location = SourceLocation(file: "", line: 1, column: 1)

        public init() {}

        public mutating func location(in file: SourceFile, ofOffset offset: Int) -> SourceLocation {
            let root = file.rootOffset(of: offset)
            let top = file.root
            if self.top !== top {
                self.top = top
                rootOffset = -1
            }
            if rootOffset >= 0 && root >= rootOffset && top.lineIndex(of: root) == location.line - 1 - top.lineOffset {
                var col = location.column
                var i = rootOffset
                while i < root {
                    if top.bytes[i] & 0xC0 != 0x80 { col += 1 }
                    i += 1
                }
                location.column = col
            } else {
                location = top.location(ofOffset: root)
            }
            rootOffset = root
            return location
        }
    }

    /// The outermost file.
    var root: SourceFile { embedding?.parent.root ?? self }

    /// The 0-based index of the line holding a byte offset (of this file, not embedded).
    func lineIndex(of offset: Int) -> Int {
        let off = max(0, min(offset, bytes.count))
        var lo = 0
        var hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= off { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// The text of a 1-based line in the outermost file, without its line break
    /// (invalid UTF-8 shown as U+FFFD).
    /// The number of lines (a file without a newline has one).
    public var lineCount: Int { lineStarts.count }

    public func lineText(_ line: Int) -> String {
        if let e = embedding { return e.parent.lineText(line) }
        let line = line - lineOffset
        guard line >= 1 && line <= lineStarts.count else { return "" }
        var start = lineStarts[line - 1]
        if line == 1 && bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { start = 3 }
        var end = line < lineStarts.count ? lineStarts[line] : bytes.count
        while end > start && (bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D) { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}

/// A resolved position: file, 1-based line, 1-based column (Unicode scalars).
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`.
    public var description: String { "\(file):\(line):\(column)" }
}

/// A half-open byte range in a source. Stored as 32-bit offsets (inputs are
/// limited far below 2 GiB), since every parsed value and statement carries one.
public struct Span: Sendable, Hashable {
    private var s: Int32
    private var e: Int32

    public init(start: Int, end: Int) {
        self.s = Int32(clamping: start)
        self.e = Int32(clamping: end)
    }

    public var start: Int {
        get { Int(s) }
        set { s = Int32(clamping: newValue) }
    }

    public var end: Int {
        get { Int(e) }
        set { e = Int32(clamping: newValue) }
    }

    public static let zero = Span(start: 0, end: 0)
}

/// A span together with the source it belongs to, resolvable to line and column.
public struct SourceRange: Sendable {
    public let file: SourceFile
    public let span: Span

    public init(file: SourceFile, span: Span) {
        self.file = file
        self.span = span
    }

    public var start: SourceLocation { file.location(ofOffset: span.start) }
    public var end: SourceLocation { file.location(ofOffset: span.end) }
}
