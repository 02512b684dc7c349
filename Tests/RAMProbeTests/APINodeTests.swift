import StrictJSON
import Testing

@testable import RAMProbe

@Suite("API answers, JSON and XML alike")
struct APINodeTests {
    @Test("a list reads the same from JSON and from XML, one item or many")
    func sameTree() throws {
        let json = #"{"RequestId":"r","Users":{"User":[{"UserName":"a"},{"UserName":"b"}]},"IsTruncated":true,"Marker":"m"}"#
        let xml =
            "<?xml version='1.0'?><ListUsersResponse><RequestId>r</RequestId><Users><User><UserName>a</UserName></User>"
            + "<User><UserName>b</UserName></User></Users><IsTruncated>true</IsTruncated><Marker>m</Marker></ListUsersResponse>"
        for body in [json, xml] {
            let n = try #require(APINode.parse(Array(body.utf8)))
            #expect(n["Users"]?.all("User").compactMap { $0.string("UserName") } == ["a", "b"])
            #expect(n.bool("IsTruncated") && n.string("marker") == "m")
        }
        let one = try #require(APINode.parse(Array("<R><Users><User><UserName>a</UserName></User></Users></R>".utf8)))
        #expect(one["Users"]?.all("User").count == 1)
    }

    @Test("no external entity is resolved, hostile nesting is refused, garbage is nil")
    func hostile() {
        let xxe = "<?xml version='1.0'?><!DOCTYPE r [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><R><A>&x;</A></R>"
        if let n = APINode.parse(Array(xxe.utf8)) { #expect(!(n.string("A") ?? "").contains("root:")) }
        let deep = String(repeating: "<a>", count: 5000) + String(repeating: "</a>", count: 5000)
        #expect(APINode.parse(Array(deep.utf8)) == nil)
        #expect(APINode.parse(Array("not a body".utf8)) == nil)
        #expect(APINode.parse([0xFF, 0xFE]) == nil)
    }

    @Test("documents: JSON text as is, percent-encoded text decoded; account ids from role ARNs")
    func documents() {
        #expect(AccountFetcher.documentText("%7B%22Version%22%3A%221%22%7D") == #"{"Version":"1"}"#)
        #expect(AccountFetcher.documentText(#"{"a":"%7B"}"#) == #"{"a":"%7B"}"#)
        #expect(AccountFetcher.accountId(ofArn: "acs:ram::123:role/x") == "123")
        #expect(AccountFetcher.accountId(ofArn: "acs:oss::123:x") == nil)
        #expect(AccountFetcher.accountId(ofArn: "garbage") == nil)
    }
}

@Suite("pasted denials, every published shape")
struct DenialTests {
    func read(_ text: String) throws -> Denial { try Denial.read(SourceFile(name: "body", text: text)) }

    @Test("AccessDeniedDetail as a JSON string, as an object with lower-camel keys, alone, and in XML")
    func shapes() throws {
        let asString = try read(
            #"{"Code":"Forbidden.RAM","AccessDeniedDetail":"{\"PolicyType\":\"SessionPolicy\",\"NoPermissionType\":\"ImplicitDeny\",\"AuthAction\":\"a:B\"}"}"#
        )
        #expect(asString.policyType == "SessionPolicy" && asString.explicit == false && asString.action == "a:B")
        let lower = try read(#"{"code":"NoPermission","accessDeniedDetail":{"policyType":"ControlPolicy","noPermissionType":"ExplicitDeny"}}"#)
        #expect(lower.code == "NoPermission" && lower.policyType == "ControlPolicy" && lower.explicit == true)
        let alone = try read(#"{"PolicyType":"AccountLevelIdentityBasedPolicy","AuthAction":"x:Y","AuthPrincipalType":"SubUser"}"#)
        #expect(alone.shape == "AccessDeniedDetail" && alone.action == "x:Y" && alone.isDenial)
        let xml = try read(
            "<?xml version='1.0'?><Error><Code>AccessDenied</Code><AccessDeniedDetail><PolicyType>ControlPolicy</PolicyType>"
                + "<NoPermissionType>ImplicitDeny</NoPermissionType></AccessDeniedDetail></Error>")
        #expect(xml.code == "AccessDenied" && xml.policyType == "ControlPolicy" && xml.explicit == false)
        let decodedXML = try read(
            "<R><DecodedDiagnosticMessage><ExplicitDeny>true</ExplicitDeny><NoPermissionPolicyType>SessionPolicy</NoPermissionPolicyType>"
                + "<AuthConditions><AuthCondition><ConditionKey>acs:SourceIp</ConditionKey><ConditionValues><V>1.2.3.4</V></ConditionValues>"
                + "</AuthCondition></AuthConditions></DecodedDiagnosticMessage></R>")
        #expect(decodedXML.shape == "DecodeDiagnosticMessage" && decodedXML.explicit == true)
        #expect(decodedXML.conditions.first?.key == "acs:SourceIp" && decodedXML.conditions.first?.values == ["1.2.3.4"])
        let other = try read(#"{"Code":"InvalidParameter"}"#)
        #expect(!other.isDenial)
    }

    @Test("unusable input names the line and column")
    func unusable() {
        #expect(throws: Diagnostic.self) { try read("") }
        #expect(throws: Diagnostic.self) { try read("just words") }
        #expect(throws: Diagnostic.self) { try read("[1, 2]") }
        do {
            _ = try read("<Error>\n  <Code>x</Cod>\n</Error>")
            Issue.record("broken XML was read")
        } catch {
            #expect((error as? Diagnostic)?.range?.start.line == 2)
        }
    }
}

@Suite("XML is checked before FoundationXML sees it")
struct SafeXMLTests {
    @Test("UTF-8, the declaration only at the start, no other processing instruction, no DOCTYPE")
    func refusals() {
        #expect(SafeXML.refusal(Array("<?xml version='1.0'?><Error/>".utf8)) == nil)
        #expect(SafeXML.refusal(Array("\u{FEFF}\n <?xml version='1.0'?><Error/>".utf8)) == nil)
        #expect(SafeXML.refusal(Array("<Error><Code>x</Code></Error>".utf8)) == nil)
        #expect(SafeXML.refusal(Array("<?xm?>\n<Error/>".utf8)) != nil, "FoundationXML reads a null pointer for this")
        #expect(SafeXML.refusal(Array("<Error><?php x ?></Error>".utf8)) != nil)
        #expect(SafeXML.refusal(Array("<?xml?><Error/>".utf8)) != nil)
        #expect(SafeXML.refusal(Array("<Error/><?xml version='1.0'?>".utf8)) != nil)
        #expect(SafeXML.refusal(Array("<!DOCTYPE r [<!ENTITY a 'b'>]><r/>".utf8)) != nil)
        #expect(SafeXML.refusal(Array("<r><!doctype x></r>".utf8)) != nil)
        #expect(SafeXML.refusal([0x3C, 0x41, 0xFF, 0x3E]) != nil, "FoundationXML traps on a non-UTF-8 name")
        // And every reader turns a refusal into "not this format", never a crash.
        #expect(ErrorBody.parse(Array("<?xm?><Error><Code>x</Code></Error>".utf8)) == nil)
        #expect(APINode.parse(Array("<?xm?><R/>".utf8)) == nil)
    }
}
