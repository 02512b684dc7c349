// swift-tools-version: 6.0
import PackageDescription

// MARK: - Targets

/// The parsers that are fuzzed, one libFuzzer executable each (`fuzz-json` …).
let fuzzHarnesses = ["json", "policy", "eval", "snapshot", "lint", "probe", "credentials"]

let targets: [Target] =
    [
        // Small, dependency-free building blocks (what a package registry would give elsewhere).
        .target(name: "StrictJSON"),
        .target(name: "ArgumentKit"),

        // The core: model, parser, evaluator. Foundation only.
        .target(name: "RAMPolicy", dependencies: ["StrictJSON"]),
        .target(name: "RAMCatalog", dependencies: ["RAMPolicy"]),
        .target(name: "RAMLint", dependencies: ["RAMPolicy", "RAMCatalog", "StrictJSON"]),

        // libcrypto (SHA-256, HMAC) behind one Swift file of RAMProbe.
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "RAMProbe", dependencies: ["CCrypto", "StrictJSON"]),

        // The command line, and the one-file executable that calls it.
        .target(name: "RAMCLI", dependencies: ["RAMPolicy", "RAMCatalog", "RAMLint", "RAMProbe", "ArgumentKit", "StrictJSON"]),
        .executableTarget(name: "ramcheck", dependencies: ["RAMCLI"]),

        // The benchmark (release build): `swift run -c release ramcheck-bench`.
        .executableTarget(name: "ramcheck-bench", dependencies: ["RAMPolicy", "RAMCatalog", "RAMLint", "RAMCLI", "StrictJSON"]),

        // Fuzzing: the harnesses, and one executable per harness (Scripts/fuzz.sh builds them with
        // `-sanitize=fuzzer,address -DFUZZING`; built normally they replay files through the harness).
        .target(name: "FuzzHarness", dependencies: ["StrictJSON", "RAMPolicy", "RAMCatalog", "RAMLint", "RAMProbe"], path: "Fuzz/Harness"),
    ] + fuzzHarnesses.map { .executableTarget(name: "fuzz-\($0)", dependencies: ["FuzzHarness"], path: "Fuzz/Targets/\($0)") } + [

        // MARK: Tests
        .target(name: "TestSupport", dependencies: ["RAMPolicy", "StrictJSON"], path: "Tests/TestSupport"),
        .testTarget(name: "StrictJSONTests", dependencies: ["StrictJSON"]),
        .testTarget(name: "ArgumentKitTests", dependencies: ["ArgumentKit"]),
        .testTarget(name: "RAMPolicyTests", dependencies: ["RAMPolicy", "RAMCatalog", "TestSupport"]),
        .testTarget(name: "RAMCatalogTests", dependencies: ["RAMCatalog", "TestSupport", "StrictJSON"]),
        .testTarget(name: "RAMLintTests", dependencies: ["RAMLint", "RAMPolicy", "StrictJSON", "TestSupport"]),
        .testTarget(name: "RAMProbeTests", dependencies: ["RAMProbe", "StrictJSON", "TestSupport"]),
        .testTarget(name: "RAMCLITests", dependencies: ["RAMCLI", "TestSupport", "StrictJSON", "ramcheck"]),
        .testTarget(name: "FuzzTests", dependencies: ["FuzzHarness", "TestSupport"]),
    ]

// MARK: - Language settings, applied in one loop

let upcoming: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]
for target in targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + upcoming
}

// MARK: - Package

let package = Package(
    name: "ramcheck",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ramcheck", targets: ["ramcheck"]),
        .library(name: "RAMPolicy", targets: ["RAMPolicy"]),
    ],
    targets: targets,
    swiftLanguageModes: [.v6]
)
