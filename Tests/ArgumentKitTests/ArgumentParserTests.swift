import Testing

@testable import ArgumentKit

@Suite("Argument parsing")
struct ArgumentParserTests {
    let spec = CommandSpec(
        name: "can", summary: "s", usage: "[ACTION]",
        options: [
            OptionSpec("policy", value: "FILE", repeatable: true, help: "p"),
            OptionSpec("format", value: "F", help: "f"),
            OptionSpec("verbose", help: "v"),
        ], maxPositionals: 1)

    @Test("values, repeats, inline values, flags and positionals")
    func basics() throws {
        let p = try spec.parse(["--policy", "a.json", "x:Y", "--policy=b.json", "--verbose", "--format", "json"])
        #expect(p.all("policy") == ["a.json", "b.json"])
        #expect(p.value("format") == "json")
        #expect(p.flag("verbose"))
        #expect(p.positionals == ["x:Y"])
    }

    @Test("`-` is a positional and `--` ends options")
    func dashes() throws {
        #expect(try spec.parse(["-"]).positionals == ["-"])
        #expect(try spec.parse(["--", "--policy"]).positionals == ["--policy"])
    }

    @Test("errors name the problem and suggest a fix")
    func errors() {
        #expect(throws: ArgumentError("unknown option `--polcy`", help: "did you mean `--policy`?")) { try spec.parse(["--polcy", "x"]) }
        #expect(throws: ArgumentError("`--policy` needs a value", help: "write `--policy FILE`")) { try spec.parse(["--policy"]) }
        #expect(throws: ArgumentError("`--format` is given more than once", help: "give it once")) {
            try spec.parse(["--format", "a", "--format", "b"])
        }
        #expect(throws: ArgumentError("`--verbose` takes no value")) { try spec.parse(["--verbose=yes"]) }
        #expect(throws: ArgumentError.self) { try spec.parse(["a:B", "c:D"]) }
        #expect(throws: ArgumentError.self) { try spec.parse(["-x"]) }
    }

    @Test("help lists every option")
    func help() throws {
        let p = try spec.parse(["--help"])
        #expect(p.wantsHelp)
        for name in ["--policy FILE", "--format F", "--verbose", "--help"] { #expect(spec.helpText.contains(name)) }
    }
}
