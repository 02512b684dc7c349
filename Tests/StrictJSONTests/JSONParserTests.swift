import Testing

@testable import StrictJSON

private func parse(_ text: String, limits: JSONLimits = .default) throws(Diagnostic) -> JSONValue {
    try JSONParser.parse(SourceFile(name: "t.json", text: text), limits: limits)
}

private func failure(_ text: String, limits: JSONLimits = .default) -> Diagnostic? {
    do {
        _ = try parse(text, limits: limits)
        return nil
    } catch {
        return error
    }
}

private func failure(bytes: [UInt8]) -> Diagnostic? {
    do {
        _ = try JSONParser.parse(SourceFile(name: "t.json", bytes: bytes))
        return nil
    } catch {
        return error
    }
}

struct RejectCase: CustomTestStringConvertible, Sendable {
    let text: String
    let code: String
    let line: Int
    let column: Int
    var testDescription: String { "\(code): \(text.debugDescription)" }
}

@Suite("Strict JSON")
struct JSONParserTests {
    @Test("accepts RFC 8259 values")
    func accepts() throws {
        let v = try parse(#"{"a": [1, -0.5, 2e10, true, false, null, "x\u00e9\ud83d\ude00\n"], "b": {}}"#)
        let o = try #require(v.objectValue)
        let a = try #require(o["a"]?.arrayValue)
        #expect(a.count == 7)
        if case .number(let t) = a[1].kind { #expect(t == "-0.5") } else { Issue.record("not a number") }
        #expect(a[6].stringValue == "xé😀\n")
        #expect(o["b"]?.objectValue?.members.isEmpty == true)
    }

    @Test("keeps number text as written")
    func numberText() throws {
        let v = try parse("3.50")
        guard case .number(let t) = v.kind else { Issue.record("not a number"); return }
        #expect(t == "3.50")
    }

    static let rejectCases: [RejectCase] = [
        RejectCase(text: "{\"a\": 1,}", code: "json-trailing-comma", line: 1, column: 8),
        RejectCase(text: "[1,\n 2,\n]", code: "json-trailing-comma", line: 2, column: 3),
        RejectCase(text: "{\"a\": 1, \"a\": 2}", code: "json-duplicate-key", line: 1, column: 10),
        RejectCase(text: "{\"a\": 1 // c\n}", code: "json-comment", line: 1, column: 9),
        RejectCase(text: "/* c */ {}", code: "json-comment", line: 1, column: 1),
        RejectCase(text: "[01]", code: "json-leading-zero", line: 1, column: 2),
        RejectCase(text: "[-01]", code: "json-leading-zero", line: 1, column: 2),
        RejectCase(text: "[\"\\ud800\"]", code: "json-lone-surrogate", line: 1, column: 3),
        RejectCase(text: "[\"\\udc00x\"]", code: "json-lone-surrogate", line: 1, column: 3),
        RejectCase(text: "[\"a\tb\"]", code: "json-control-character", line: 1, column: 4),
        RejectCase(text: "[\"a\nb\"]", code: "json-control-character", line: 1, column: 4),
        RejectCase(text: "['a']", code: "json-single-quote", line: 1, column: 2),
        RejectCase(text: "[NaN]", code: "json-invalid-number", line: 1, column: 2),
        RejectCase(text: "[1.]", code: "json-invalid-number", line: 1, column: 4),
        RejectCase(text: "[.5]", code: "json-unexpected-character", line: 1, column: 2),
        RejectCase(text: "[+1]", code: "json-unexpected-character", line: 1, column: 2),
        RejectCase(text: "[tru]", code: "json-invalid-literal", line: 1, column: 2),
        RejectCase(text: "{\"a\" 1}", code: "json-unexpected-character", line: 1, column: 6),
        RejectCase(text: "{\"a\": 1", code: "json-unexpected-end", line: 1, column: 8),
        RejectCase(text: "\"abc", code: "json-unterminated-string", line: 1, column: 1),
        RejectCase(text: "[\"\\x\"]", code: "json-invalid-escape", line: 1, column: 3),
        RejectCase(text: "[\"\\u12\"]", code: "json-invalid-escape", line: 1, column: 3),
        RejectCase(text: "{} {}", code: "json-unexpected-character", line: 1, column: 4),
        RejectCase(text: "", code: "json-empty", line: 1, column: 1),
        RejectCase(text: "  \r\n ", code: "json-empty", line: 2, column: 2),
        RejectCase(text: "{\r\n\"a\": 1,\r\n}", code: "json-trailing-comma", line: 2, column: 7),
        RejectCase(text: "{\r\"a\":\r\t[1,]}", code: "json-trailing-comma", line: 3, column: 4),
        RejectCase(text: "{\"é\": 1, \"é\": 2}", code: "json-duplicate-key", line: 1, column: 10),
        RejectCase(text: "\u{FEFF}{\"a\": [1,]}", code: "json-trailing-comma", line: 1, column: 9),
    ]

    @Test("rejects what RFC 8259 forbids, at the right line and column", arguments: rejectCases)
    func rejects(_ c: RejectCase) throws {
        let d = try #require(failure(c.text))
        #expect(d.code == c.code)
        let loc = try #require(d.range?.start)
        #expect(loc.line == c.line)
        #expect(loc.column == c.column)
        #expect(loc.file == "t.json")
    }

    @Test("rejects invalid UTF-8 inside and outside strings")
    func invalidUTF8() throws {
        for bytes: [UInt8] in [
            [0x22, 0xFF, 0x22], [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],
            [0x22, 0xE2, 0x82, 0x22], [0x5B, 0xFE, 0x5D],
        ] {
            let d = try #require(failure(bytes: bytes))
            #expect(d.code == "json-invalid-utf8", "\(bytes)")
        }
        // A NUL byte is a control character.
        let d = try #require(failure(bytes: [0x22, 0x00, 0x22]))
        #expect(d.code == "json-control-character")
    }

    @Test("nesting deeper than the limit is an error, not a stack overflow")
    func depth() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let d = try #require(failure(deep))
        #expect(d.code == "limit-depth")
        #expect(d.help?.contains("--max-depth") == true)
        _ = try parse(String(repeating: "[", count: 64) + String(repeating: "]", count: 64))
        #expect(failure(String(repeating: "[", count: 65) + String(repeating: "]", count: 65))?.code == "limit-depth")
        _ = try parse(String(repeating: "[", count: 200) + String(repeating: "]", count: 200), limits: JSONLimits(maxDepth: 200))
    }

    @Test("input over the size limit is an error")
    func size() throws {
        let d = try #require(failure("[1, 2, 3]", limits: JSONLimits(maxDepth: 64, maxBytes: 4)))
        #expect(d.code == "limit-file-size")
    }

    @Test("columns count Unicode scalars, and a tab is one column")
    func columns() throws {
        let d = try #require(failure("{\"日本語\": \t[1,]}"))
        #expect(d.range?.start.column == 12)
    }

    @Test("a JSON document held in a string keeps outer positions")
    func embedded() throws {
        let text = "{\"doc\": \"{\\\"a\\\": [1,]}\"}"
        let outer = SourceFile(name: "o.json", text: text)
        let v = try JSONParser.parse(outer)
        let docValue = try #require(v.objectValue?["doc"])
        let inner = try #require(JSONParser.embeddedSource(of: docValue, in: outer))
        #expect(String(decoding: inner.bytes, as: UTF8.self) == "{\"a\": [1,]}")
        do {
            _ = try JSONParser.parse(inner)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == "json-trailing-comma")
            // `,` is the 20th character of the outer line.
            #expect(error.range?.start == SourceLocation(file: "o.json", line: 1, column: 20))
        }
    }

    @Test("line text for quoting drops the line break and the BOM")
    func lineText() {
        let f = SourceFile(name: "x", text: "\u{FEFF}ab\r\ncd\ref\n")
        #expect(f.lineText(1) == "ab")
        #expect(f.lineText(2) == "cd")
        #expect(f.lineText(3) == "ef")
        #expect(f.location(ofOffset: 3) == SourceLocation(file: "x", line: 1, column: 1))
    }
}

@Suite("JSON writer")
struct JSONWriterTests {
    @Test("escapes what must be escaped and round-trips through the parser")
    func roundTrip() throws {
        let s = "a\"b\\c\n\t\u{01}é😀/"
        var w = JSONWriter()
        w.string(s)
        let back = try JSONParser.parse(SourceFile(name: "w", bytes: w.bytes))
        #expect(back.stringValue == s)
    }
}
