/// How to ask a service, without any effect, whether a call would be authorized: a
/// request that passes the gateway's checks but is impossible in several independent
/// ways, so no lenient validator can let it create or bill anything.
///
/// Adding an action is adding one entry to ``ProbeRecipe/all``.
public struct ProbeRecipe: Sendable {
    public let action: String
    public let version: String
    /// The service's endpoint for a region: `emr-serverless-spark.<region>.aliyuncs.com`.
    public let host: @Sendable (String) -> String
    public let method: String
    public let path: String
    public let query: @Sendable (String) -> [(String, String)]
    public let body: String
    /// Checks a body really is impossible (used by tests and before sending).
    public let isImpossible: @Sendable (String) -> Bool

    /// The actions that have a recipe.
    public static let all: [ProbeRecipe] = [createWorkspace]

    public static func recipe(for action: String) -> ProbeRecipe? {
        all.first { $0.action.lowercased() == action.lowercased() }
    }

    /// `POST /api/v1/workspaces?regionId=…` (EMR Serverless Spark 2023-08-08). The body is
    /// well-formed JSON with every field of the request model typed right, but: a
    /// `paymentType` outside PayAsYouGo / Pre, `cu` of `"0"`, an `ossBucket` not of the form
    /// `oss://bucket/`, an empty `workspaceName`, a role name that cannot exist, and a fixed
    /// `clientToken` (idempotent: a repeat cannot make a second workspace).
    public static let createWorkspace = ProbeRecipe(
        action: "emr-serverless-spark:CreateWorkspace", version: "2023-08-08",
        host: { "emr-serverless-spark.\($0).aliyuncs.com" }, method: "POST", path: "/api/v1/workspaces",
        query: { [("regionId", $0)] },
        body:
            #"{"workspaceName":"","paymentType":"RamcheckProbeInvalid","resourceSpec":{"cu":"0"},"ossBucket":"ramcheck-probe-invalid","ramRoleName":"ramcheck-probe-role-that-does-not-exist","clientToken":"ramcheck-probe-0000000000000000","autoRenew":false,"releaseType":"pro","dlfType":"dlf1.0"}"#,
        isImpossible: { body in
            body.contains(#""paymentType":"RamcheckProbeInvalid""#) && body.contains(#""cu":"0""#)
                && !body.contains(#""ossBucket":"oss://"#) && body.contains(#""clientToken":"ramcheck-probe-"#)
        })
}
