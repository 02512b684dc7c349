import Foundation
import RAMCatalog
import StrictJSON
import TestSupport
import Testing

/// The generated catalog must say exactly what the data files say.
@Suite("Catalog")
struct CatalogTests {
    let catalog = Catalog.shared

    func data(_ name: String) throws -> JSONObject {
        let url = CorpusPaths.root.appendingPathComponent("Data/catalog/\(name)")
        let v = try JSONParser.parse(SourceFile(name: name, bytes: [UInt8](try Data(contentsOf: url))))
        return try #require(v.objectValue)
    }

    func strings(_ v: JSONValue?) -> [String]? {
        guard let v, case .array(let a) = v.kind else { return nil }
        return a.compactMap(\.stringValue)
    }

    @Test("CreateWorkspace: create, All Resources, no condition keys, no dependent actions")
    func createWorkspace() throws {
        let a = try #require(catalog.lookup("emr-serverless-spark:CreateWorkspace"))
        #expect(a.accessLevel == .create)
        #expect(a.resourceTypes == ["*"])
        #expect(a.conditionKeys == [])
        #expect(a.dependentActions == [])
        #expect(a.method == "POST" && a.path == "/api/v1/workspaces")
        #expect(a.apiVersion == "2023-08-08")
        #expect(catalog.isAllResources("emr-serverless-spark:createworkspace"))
        #expect(catalog.lookup("EMR-serverless-spark:createworkspace")?.action == a.action)
    }

    @Test("every EMR Serverless Spark operation of the data file, with its facts as published")
    func sparkMatchesData() throws {
        let d = try data("emr-serverless-spark-catalog.json")
        let rows = try #require(d["actions"]?.arrayValue)
        #expect(rows.count == 88)
        for row in rows {
            let o = try #require(row.objectValue)
            let action = try #require(o["action"]?.stringValue)
            let a = try #require(catalog.lookup(action), "\(action) missing")
            #expect(a.origin == .sdkOperation)
            #expect(a.accessLevel.rawValue == o["accessLevel"]?.stringValue, "\(action)")
            #expect(a.resourceTypes == strings(o["resourceTypes"]), "\(action)")
            #expect(a.conditionKeys == strings(o["conditionKeys"]), "\(action)")
            #expect(a.dependentActions == strings(o["dependentActions"]), "\(action)")
            #expect(a.path == o["path"]?.stringValue)
            // Operation-level service: every action is All Resources, published or not.
            #expect(catalog.isAllResources(action.lowercased()))
        }
        #expect(catalog.actions.filter { $0.service == "emr-serverless-spark" && $0.origin == .sdkOperation }.count == 88)
    }

    @Test("unknown access levels stay unknown")
    func unknownStaysUnknown() throws {
        #expect(catalog.lookup("emr-serverless-spark:ActivateAICenter")?.accessLevel == .unknown)
        #expect(catalog.lookup("emr-serverless-spark:AddMembers")?.accessLevel == .unknown)
        #expect(catalog.lookup("ram:PassRole")?.accessLevel == .unknown)
        #expect(catalog.lookup("emr-serverless-spark:GetSqlStatement")?.accessLevel == AccessLevel.none)
        let known = catalog.actions.filter { $0.service == "emr-serverless-spark" && $0.origin == .sdkOperation && $0.accessLevel != .unknown }
        #expect(known.count == 54)
    }

    @Test("action names of the published system policies that are not SDK operations")
    func systemPolicyNames() throws {
        let a = try #require(catalog.lookup("emr-serverless-spark:CreateArtifact"))
        #expect(a.origin == .systemPolicyOnly)
        #expect(a.accessLevel == .unknown)
        #expect(catalog.isAllResources("emr-serverless-spark:createartifact"))
        #expect(catalog.lookup("emr-serverless-spark:PullGitRepo") != nil)
        let names = catalog.actions.map { $0.action.lowercased() }
        #expect(Set(names).count == names.count, "no duplicates")
    }

    @Test("RAM and STS actions of the data file")
    func ramSTS() throws {
        let d = try data("ram-sts-catalog.json")
        let rows = try #require(d["actions"]?.arrayValue)
        #expect(rows.count == 12)
        for row in rows {
            let o = try #require(row.objectValue)
            let action = try #require(o["action"]?.stringValue)
            let a = try #require(catalog.lookup(action))
            #expect(a.accessLevel.rawValue == o["accessLevel"]?.stringValue)
            #expect(a.resourceTypes == strings(o["resourceTypes"]))
        }
        #expect(!catalog.isAllResources("sts:assumerole"))
        #expect(catalog.isAllResources("ram:decodediagnosticmessage"))
        #expect(catalog.lookup("sts:AssumeRole")?.conditionKeys == ["sts:SourceIdentity"])
    }

    @Test("patterns list the actions they cover")
    func matching() {
        let create = catalog.matching("emr-serverless-spark:Create*").map(\.action)
        #expect(create.contains("emr-serverless-spark:CreateWorkspace"))
        #expect(!create.contains("emr-serverless-spark:ListWorkspaces"))
        #expect(catalog.matching("*").count == catalog.actions.count)
        #expect(catalog.matching("nosuch:*").isEmpty)
    }

    @Test("the catalog has a version")
    func version() {
        #expect(!Catalog.version.isEmpty)
        #expect(Catalog.sources.contains("2023-08-08"))
    }
}
