// ServeArgumentsTests.swift: where `warren serve`'s settings come from and which one wins.
import ArgumentParser
import Foundation
import Testing
@testable import warren

@Suite struct ServeArgumentsTests {
    static func file(_ text: String) throws -> String {
        let path = "/tmp/warren-conf-test-\(UInt64.random(in: 0...UInt64.max)).conf"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func parsed(_ commandLine: [String], environment: [String: String] = [:]) throws -> Serve {
        try Serve.parse(try ServeArguments.merge(commandLine: commandLine, environment: environment))
    }

    @Test func flagsBeatTheEnvironmentWhichBeatsTheFile() throws {
        let path = try Self.file("""
            # a comment
            port = 5800
            data-dir = "/tmp/from-file"   # trailing comment
            heartbeat = 7
            no-management = true
            user = a:1
            """)
        let fromFile = try Self.parsed(["--config", path])
        #expect(fromFile.port == 5800 && fromFile.dataDirectory == "/tmp/from-file" && fromFile.heartbeat == 7)
        #expect(fromFile.noManagement && fromFile.users == ["a:1"])
        let withEnvironment = try Self.parsed(["--config", path], environment: ["WARREN_PORT": "5801", "WARREN_HEARTBEAT": "9"])
        #expect(withEnvironment.port == 5801 && withEnvironment.heartbeat == 9 && withEnvironment.dataDirectory == "/tmp/from-file")
        let withFlag = try Self.parsed(["--config", path, "--port", "5802", "--user", "b:2"],
                                       environment: ["WARREN_PORT": "5801", "WARREN_CONFIG": "/nonexistent"])
        #expect(withFlag.port == 5802 && withFlag.heartbeat == 7 && Set(withFlag.users) == ["a:1", "b:2"])
        let fromEnvironmentFile = try Self.parsed([], environment: ["WARREN_CONFIG": path])
        #expect(fromEnvironmentFile.port == 5800)
    }

    /// The error `merge` throws for these settings ("" when it throws none).
    static func refusal(_ commandLine: [String], environment: [String: String] = [:]) -> String {
        do { _ = try ServeArguments.merge(commandLine: commandLine, environment: environment) } catch { return "\(error)" }
        return ""
    }

    @Test func badSettingsNameTheirKey() throws {
        let unknown = try Self.file("port = 1\nbogus = 2\n")
        #expect(Self.refusal(["--config", unknown]).hasSuffix(":2: unknown key 'bogus' (see warren serve --help)"))
        let noEquals = try Self.file("port 1\n")
        #expect(Self.refusal(["--config", noEquals]).contains(":1: expected 'key = value', got 'port 1'"))
        #expect(Self.refusal([], environment: ["WARREN_NO_PLAIN": "perhaps"])
                == "WARREN_NO_PLAIN: no-plain must be true or false, got 'perhaps'")
        #expect(Self.refusal(["--config", "/nonexistent/warren.conf"]) == "cannot read config file /nonexistent/warren.conf")
        #expect(throws: (any Error).self) { try Self.parsed(["--config", try Self.file("port = 99999\n")]).validate() }
        #expect(throws: (any Error).self) { try Self.parsed(["--disk-free-limit", "5XB"]).validate() }
        #expect(throws: (any Error).self) { try Self.parsed(["--event-loops", "0"]).validate() }
        try Self.parsed(["--event-loops", "3"]).validate()
    }

    /// The config file's keys are exactly `warren serve`'s options.
    @Test func everyOptionIsAKeyAndTheExampleFileParses() throws {
        let help = Serve.helpMessage(columns: 1000)
        for name in Serve.optionNames { #expect(help.contains("--\(name)"), "--\(name) missing from the help") }
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("warren.conf.example").path
        let serve = try Self.parsed(["--config", example])
        try serve.validate()
        #expect(serve.port == 5672 && serve.diskFreeLimit == "50MB" && Serve.bytes(serve.diskFreeLimit) == 50_000_000)
        #expect(Serve.bytes("2GiB") == 2 << 30 && Serve.bytes("-1") == nil)
    }
}
