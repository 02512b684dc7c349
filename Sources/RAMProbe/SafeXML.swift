/// What every XML input passes before it reaches `XMLParser`: UTF-8 (FoundationXML traps on an
/// element name that is not — found by fuzzing, Fuzz/Regressions/probe/), and no document type
/// declaration (no DTD, so no entity expansion of any kind; external entities are also off).
enum SafeXML {
    /// Nil when the bytes may be parsed, else why not.
    static func refusal(_ bytes: [UInt8]) -> String? {
        if String(validating: bytes, as: UTF8.self) == nil { return "the XML is not valid UTF-8" }
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
