// SQLiteDefinitionsStore.swift: durable definitions in an SQLite file (WAL, synchronous=FULL).
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SQLiteNIO
import WarrenBroker

/// Keeps durable exchanges, queues and bindings in `definitions.sqlite3` under the data
/// directory. SQLite runs on a private one-thread pool, so changes are applied in call order,
/// one transaction per `apply`; futures complete on `eventLoop`.
public final class SQLiteDefinitionsStore: DefinitionsStore {
    private let path: String
    private let logger: Logger
    private let threadPool: NIOThreadPool
    private let eventLoop: any EventLoop
    /// Opened by the first operation.
    private let connection = NIOLockedValueBox<SQLiteConnection?>(nil)
    /// The last operation: the next one starts after it (success or not).
    private let tail: NIOLockedValueBox<EventLoopFuture<Void>>

    /// A store on the database file at `path` (created, with its tables, by the first
    /// operation). Futures complete on `eventLoop`.
    public init(path: String, eventLoop: any EventLoop, logger: Logger) {
        self.path = path
        self.logger = logger
        self.eventLoop = eventLoop
        self.threadPool = NIOThreadPool(numberOfThreads: 1)
        threadPool.start()
        self.tail = NIOLockedValueBox(eventLoop.makeSucceededVoidFuture())
    }

    /// The open connection; opens the file and prepares its schema the first time.
    func connected() -> EventLoopFuture<SQLiteConnection> {
        if let open = connection.withLockedValue({ $0 }) { return eventLoop.makeSucceededFuture(open) }
        return SQLiteConnection.open(storage: .file(path: path), threadPool: threadPool, logger: logger, on: eventLoop)
            .flatMap { connection in
                self.prepareSchema(connection).map {
                    self.connection.withLockedValue { $0 = connection }
                    return connection
                }.flatMapError { error in
                    connection.close().flatMapThrowing { throw error }
                }
            }
            .flatMapErrorThrowing { error in
                throw DefinitionsStoreError("cannot open definitions database \(self.path): \(error)")
            }
    }

    private func prepareSchema(_ connection: SQLiteConnection) -> EventLoopFuture<Void> {
        var chain = eventLoop.makeSucceededVoidFuture()
        for sql in DefinitionsSchema.pragmas + DefinitionsSchema.tables {
            chain = chain.flatMap { connection.query(sql).map { _ in } }
        }
        return chain.flatMap {
            connection.query("SELECT version FROM schema_version")
        }.flatMap { rows in
            guard let found = rows.first?.column("version")?.integer else {
                return connection.query("INSERT INTO schema_version (version) VALUES (?)",
                                        [.integer(DefinitionsSchema.version)]).map { _ in }
            }
            guard found <= DefinitionsSchema.version else {
                return self.eventLoop.makeFailedFuture(DefinitionsStoreError(
                    "schema version \(found) is newer than this Warren's \(DefinitionsSchema.version)"))
            }
            return self.eventLoop.makeSucceededVoidFuture()
        }
    }

    public func load() -> EventLoopFuture<StoredDefinitions> {
        after {
            self.connected().flatMap { connection in
                connection.query(DefinitionStatements.selectExchanges).and(
                    connection.query(DefinitionStatements.selectQueues)).and(
                        connection.query(DefinitionStatements.selectBindings)).and(
                            connection.query(DefinitionStatements.selectGroups)).and(
                                connection.query(DefinitionStatements.selectPolicies)).and(
                                    connection.query(DefinitionStatements.selectUsers)).and(
                                        connection.query(DefinitionStatements.selectPermissions)).and(
                                            connection.query(DefinitionStatements.selectTopicPermissions)).and(
                                                connection.query(DefinitionStatements.selectVhostLimits)).and(
                                                    connection.query(DefinitionStatements.selectUserLimits)).and(
                                                        connection.query(DefinitionStatements.selectVhosts))
            }
        }.flatMapThrowing { tables in
            let ((((((((((exchanges, queues), bindings), groups), policies), users), permissions), topics), vhostLimits),
                 userLimits), vhosts) = tables
            var stored = StoredDefinitions()
            stored.exchanges = try exchanges.map(DefinitionStatements.exchange)
            stored.queues = try queues.map(DefinitionStatements.queue)
            stored.bindings = try bindings.map(DefinitionStatements.binding)
            stored.groups = try groups.map(DefinitionStatements.group)
            stored.policies = try policies.map(DefinitionStatements.policy)
            stored.users = try users.map(DefinitionStatements.user)
            stored.permissions = try permissions.map(DefinitionStatements.permission)
            stored.topicPermissions = try topics.map(DefinitionStatements.topicPermission)
            for row in vhostLimits {
                let (vhost, limits) = try DefinitionStatements.keyedLimits(row, key: "vhost")
                stored.vhostLimits[vhost] = limits
            }
            for row in userLimits {
                let (user, limits) = try DefinitionStatements.keyedLimits(row, key: "user")
                stored.userLimits[user] = limits
            }
            stored.vhosts = vhosts.compactMap { $0.column("name")?.string }
            return stored
        }
    }

    public func apply(_ changes: [DefinitionChange]) -> EventLoopFuture<Void> {
        let statements: [Statement]
        do {
            statements = try changes.flatMap(DefinitionStatements.statements(for:))
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
        return after { self.connected().flatMap { self.transaction(statements, on: $0) } }
    }

    /// Closes the database and its thread.
    public func close() -> EventLoopFuture<Void> {
        after {
            self.connection.withLockedValue { $0 }?.close() ?? self.eventLoop.makeSucceededVoidFuture()
        }.always { [threadPool] _ in
            threadPool.shutdownGracefully { _ in }
        }
    }

    /// Runs `work` once every earlier operation has finished.
    func after<T: Sendable>(_ work: @escaping @Sendable () -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        tail.withLockedValue { tail in
            let result = tail.flatMapError { _ in self.eventLoop.makeSucceededVoidFuture() }.flatMap(work)
            tail = result.map { _ in }
            return result
        }
    }

    private func transaction(_ statements: [Statement], on connection: SQLiteConnection) -> EventLoopFuture<Void> {
        var chain = connection.query("BEGIN IMMEDIATE").map { _ in }
        for statement in statements {
            chain = chain.flatMap { connection.query(statement.sql, statement.binds).map { _ in } }
        }
        return chain.flatMap { connection.query("COMMIT").map { _ in } }.flatMapError { error in
            connection.query("ROLLBACK").flatMapThrowing { _ in throw error }
                .flatMapErrorThrowing { _ in throw error }
        }
    }
}

extension SQLiteDefinitionsStore {
    /// Runs raw SQL after earlier operations (tests use it to fake other schema versions).
    func executeForTesting(_ sql: String) -> EventLoopFuture<Void> {
        after { self.connected().flatMap { $0.query(sql).map { _ in } } }
    }
}
