import Foundation
import TestSupport
import Testing

/// `ramcheck diff git:REV:PATH …` in a throw-away repository made by the test.
@Suite("diff at git revisions", .serialized)
struct DiffGitTests {
    func git(_ args: [String], in dir: URL) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-c", "user.name=ramcheck-test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false"] + args
        p.currentDirectoryURL = dir
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "git \(args.joined(separator: " "))")
    }

    @Test("a folder at a revision against the working tree and against another revision; positions name the revision")
    func revisions() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ramcheck-git-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: dir)
        let policies = dir.appendingPathComponent("policies")
        try FileManager.default.createDirectory(at: policies, withIntermediateDirectories: true)
        let read = #"{"Version":"1","Statement":[{"Effect":"Allow","Action":"emr-serverless-spark:List*","Resource":"*"}]}"#
        let wider = #"{"Version":"1","Statement":[{"Effect":"Allow","Action":"emr-serverless-spark:*","Resource":"*"}]}"#
        try read.write(to: policies.appendingPathComponent("spark.json"), atomically: true, encoding: .utf8)
        try git(["init", "-q"], in: dir)
        try git(["add", "."], in: dir)
        try git(["commit", "-q", "-m", "read only"], in: dir)
        try wider.write(to: policies.appendingPathComponent("spark.json"), atomically: true, encoding: .utf8)
        // Working tree against HEAD: new access, located in the working file.
        let worktree = try GoldenTests.run(["diff", "git:HEAD:policies", "policies"], in: dir)
        #expect(worktree.status == 1, "\(worktree.stderr)")
        #expect(worktree.stdout.contains("spark.json: `emr-serverless-spark:CreateWorkspace`"))
        #expect(worktree.stdout.contains("granted by: policies/spark.json:1:29"))
        try git(["commit", "-q", "-am", "wider"], in: dir)
        // Two revisions: positions are shown as git:REV:PATH, never a temporary folder.
        let two = try GoldenTests.run(["diff", "git:HEAD~1:policies", "git:HEAD:policies", "--format", "json"], in: dir)
        #expect(two.status == 1)
        #expect(two.stdout.contains("\"location\":\"git:HEAD:policies/spark.json:1:29\""), "\(two.stdout)")
        #expect(!two.stdout.contains("ramcheck-diff-"))
        let back = try GoldenTests.run(["diff", "git:HEAD:policies", "git:HEAD~1:policies"], in: dir)
        #expect(back.status == 0, "narrowing grants nothing new")
        #expect(back.stdout.contains("NO NEW ACCESS") && back.stdout.contains("removed access"))
        try? FileManager.default.removeItem(at: dir)
    }
}
