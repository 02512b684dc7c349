/// How serious a finding is. The four levels are those of Alibaba Cloud's own
/// policy validation; `note` is for information attached to a result.
public enum Severity: String, Sendable, Comparable, CaseIterable {
    case error
    case securityWarning = "security-warning"
    case warning
    case suggestion
    case note

    private var rank: Int {
        switch self {
        case .error: return 4
        case .securityWarning: return 3
        case .warning: return 2
        case .suggestion: return 1
        case .note: return 0
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// A problem found in the input: a value, never a print.
///
/// Producers emit diagnostics; renderers print them as
/// `file:line:col: error: [code] message`, followed by the quoted line and `help:`.
public struct Diagnostic: Error, Sendable, CustomStringConvertible {
    public var severity: Severity
    /// A stable identifier, such as `json-trailing-comma` or `policy-unknown-key`.
    public var code: String
    /// Lower case, no final period, user input in backticks.
    public var message: String
    /// Where the problem is; `nil` for problems with no position (a missing file).
    public var range: SourceRange?
    /// A file name to show when there is no range (a path that could not be read).
    public var fileName: String?
    /// Advice, printed on its own `help:` line.
    public var help: String?
    public var notes: [String]

    public init(
        _ severity: Severity, code: String, _ message: String, at range: SourceRange? = nil,
        file: String? = nil, help: String? = nil, notes: [String] = []
    ) {
        self.severity = severity
        self.code = code
        self.message = message
        self.range = range
        self.fileName = file
        self.help = help
        self.notes = notes
    }

    /// `file:line:col` where known, else the file name, else nil.
    public var locationText: String? {
        if let r = range { return r.start.description }
        return fileName
    }

    public var description: String {
        let prefix = locationText.map { "\($0): " } ?? ""
        return "\(prefix)\(severity.rawValue): [\(code)] \(message)"
    }
}

/// Several diagnostics thrown together (every error of a document, not only the first).
public struct DiagnosticList: Error, Sendable {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
}
