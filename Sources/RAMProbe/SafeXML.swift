/// What every XML input passes before it reaches `XMLParser`: UTF-8 (FoundationXML traps on an
/// element name that is not), no processing instruction besides the XML declaration at the start
/// (FoundationXML reads a null pointer for one without data) — both found by fuzzing,
/// Fuzz/Regressions/probe/ — and no document type declaration (no DTD, so no entity expansion of
/// any kind; external entities are also off).
enum SafeXML {
    /// Nil when the bytes may be parsed, else why not.
    static func refusal(_ bytes: [UInt8]) -> String? {
        if String(validating: bytes, as: UTF8.self) == nil { return "the XML is not valid UTF-8" }
        // `<?` only as `<?xml ` at the very start (after a BOM or blanks).
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        while start < bytes.count, bytes[start] == 0x20 || bytes[start] == 0x09 || bytes[start] == 0x0A || bytes[start] == 0x0D { start += 1 }
        let declaration = Array("<?xml".utf8)
        for i in 0..<max(0, bytes.count - 1) where bytes[i] == 0x3C && bytes[i + 1] == 0x3F {
            let isDeclaration =
                i == start && bytes.count > i + 5 && Array(bytes[i..<(i + 5)]) == declaration
                && [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i + 5])
            if !isDeclaration { return "the XML has a processing instruction (only the `<?xml …?>` declaration is accepted)" }
        }
        let doctype = Array("<!doctype".utf8)
        if bytes.count >= doctype.count {
            for i in 0...(bytes.count - doctype.count) where bytes[i] == 0x3C {
                var k = 0
                while k < doctype.count, (bytes[i + k] | (bytes[i + k] >= 0x41 && bytes[i + k] <= 0x5A ? 0x20 : 0)) == doctype[k] { k += 1 }
                if k == doctype.count { return "the XML has a document type declaration (DTDs are not accepted)" }
            }
        }
        return nil
    }
}
