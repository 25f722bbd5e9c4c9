// WarrenLogTool.swift: `warren-log-tool`, the crash-test child and benchmark driver of WarrenLog.

import ArgumentParser

@main
struct WarrenLogTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warren-log-tool",
        abstract: "Crash tests and benchmarks for the WarrenLog partition log.",
        subcommands: [
            CrashAppend.self, CrashVerify.self, BenchAppend.self, BenchRead.self, BenchOpen.self, BenchAllocations.self, BenchCRC.self,
        ])
}
