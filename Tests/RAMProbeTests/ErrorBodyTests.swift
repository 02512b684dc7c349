import Foundation
import RAMProbe
import TestSupport
import Testing

@Suite("Error bodies and probe outcomes")
struct ErrorBodyTests {
    @Test("JSON with AccessDeniedDetail as a JSON string")
    func jsonStringDetail() throws {
        let detail =
            #"{\"PolicyType\":\"AccountLevelIdentityBasedPolicy\",\"NoPermissionType\":\"ImplicitDeny\",\"AuthAction\":\"emr-serverless-spark:CreateWorkspace\"}"#
        let body = ErrorBody.parse(Array(#"{"RequestId": "r1", "Code": "Forbidden.RAM", "Message": "no", "AccessDeniedDetail": "\#(detail)"}"#.utf8))
        let b = try #require(body)
        #expect(b.code == "Forbidden.RAM" && b.requestId == "r1")
        #expect(b.detail("PolicyType") == "AccountLevelIdentityBasedPolicy")
        #expect(b.detail("noPermissionType") == "ImplicitDeny")
    }

    @Test("lower-case keys and an object detail")
    func lowerCase() throws {
        let b = try #require(
            ErrorBody.parse(Array(#"{"requestId": "r", "code": "NoPermission", "accessDeniedDetail": {"policyType": "ControlPolicy"}}"#.utf8)))
        #expect(b.code == "NoPermission")
        #expect(b.detail("PolicyType") == "ControlPolicy")
    }

    @Test("the published OSS XML 403 body with a nested AccessDeniedDetail")
    func xml() throws {
        let url = CorpusPaths.corpus.appendingPathComponent("ram-examples/32-oss-403-accessdenieddetail-example.xml")
        let b = try #require(ErrorBody.parse([UInt8](try Data(contentsOf: url))))
        #expect(b.code == "AccessDenied")
        #expect(b.detail("NoPermissionType") == "ExplicitDeny")
        #expect(b.detail("AuthAction") == "oss:PutBucketReferer")
        #expect(b.accessDeniedDetail.count == 7)
    }

    @Test("XML with CDATA, and an external entity that is not resolved")
    func xmlSafety() throws {
        let b = try #require(
            ErrorBody.parse(
                Array("<?xml version='1.0'?><Error><Code>InvalidAction.NotFound</Code><Message><![CDATA[not found]]></Message></Error>".utf8)))
        #expect(b.code == "InvalidAction.NotFound" && b.message == "not found")
        let xxe = "<?xml version='1.0'?><!DOCTYPE e [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><Error><Code>&x;</Code></Error>"
        let e = ErrorBody.parse(Array(xxe.utf8))
        #expect(e?.code?.contains("root:") != true)
    }

    @Test("not an error body")
    func notABody() {
        #expect(ErrorBody.parse(Array("<html></html>".utf8)) == nil)
        #expect(ErrorBody.parse(Array("oops".utf8)) == nil)
    }

    @Test("classification of statuses and codes")
    func classify() {
        #expect(ProbeOutcome.classify(status: 403, code: "Forbidden.RAM") == .denied)
        #expect(ProbeOutcome.classify(status: 403, code: "NoPermission") == .denied)
        #expect(ProbeOutcome.classify(status: 400, code: "InvalidParameter") == .authorized)
        #expect(ProbeOutcome.classify(status: 400, code: "MissingParameter.regionId") == .authorized)
        #expect(ProbeOutcome.classify(status: 404, code: "InvalidAccessKeyId.NotFound") == .credentials)
        #expect(ProbeOutcome.classify(status: 400, code: "InvalidSecurityToken.Expired") == .credentials)
        #expect(ProbeOutcome.classify(status: 400, code: "SignatureDoesNotMatch") == .signature)
        #expect(ProbeOutcome.classify(status: 400, code: "IncompleteSignature") == .signature)
        #expect(ProbeOutcome.classify(status: 400, code: "InvalidTimeStamp.Expired") == .clock)
        #expect(ProbeOutcome.classify(status: 400, code: "Throttling.User") == .throttled)
        #expect(ProbeOutcome.classify(status: 503, code: "ServiceUnavailable") == .inconclusive)
        #expect(ProbeOutcome.classify(status: 400, code: "QuotaExceeded") == .inconclusive)
        #expect(ProbeOutcome.classify(status: 200, code: nil) == .unexpectedSuccess)
    }
}
