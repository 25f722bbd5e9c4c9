// Broker+Definitions.swift: importing and exporting definitions files.
import NIOCore

extension Broker {
    /// Imports a definitions file, all or nothing; the report says what was created.
    public func importDefinitions(_ file: DefinitionsFile) -> EventLoopFuture<ImportReport> {
        onLoopRecording { state in try state.importDefinitions(file) }
    }

    /// The definitions in RabbitMQ's export shape.
    public func exportDefinitions() -> EventLoopFuture<DefinitionsFile> {
        onLoop { state in state.exportDefinitions() }
    }
}
