// DefinitionsSchema.swift: the tables of the definitions database, and its version.
//
// Only durable entities are stored, so there is no `durable` column; exclusive queues never
// are (they do not outlive their connection). `seq` keeps first-declaration order, which
// restoring follows. Arguments are JSON text (see StoredArguments.swift). Consumer groups are
// recorded by name; their positions and acks live in each partition's journal, next to the
// data they describe (docs/adr/0003-group-positions-in-journals.md).

enum DefinitionsSchema {
    /// Raised when the file was written by a newer Warren with another layout.
    static let version = 1

    static let pragmas = [
        "PRAGMA journal_mode = WAL",
        // A commit is fsynced before the broker answers the declaration that caused it.
        "PRAGMA synchronous = FULL",
        "PRAGMA foreign_keys = OFF",
    ]

    static let tables = [
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
        """
        CREATE TABLE IF NOT EXISTS exchanges (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            vhost TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
            auto_delete INTEGER NOT NULL, internal INTEGER NOT NULL, arguments TEXT NOT NULL,
            UNIQUE (vhost, name))
        """,
        """
        CREATE TABLE IF NOT EXISTS queues (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            vhost TEXT NOT NULL, name TEXT NOT NULL,
            auto_delete INTEGER NOT NULL, arguments TEXT NOT NULL,
            UNIQUE (vhost, name))
        """,
        """
        CREATE TABLE IF NOT EXISTS bindings (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            vhost TEXT NOT NULL, source TEXT NOT NULL,
            destination_kind TEXT NOT NULL CHECK (destination_kind IN ('queue', 'exchange')),
            destination TEXT NOT NULL, routing_key TEXT NOT NULL, arguments TEXT NOT NULL,
            UNIQUE (vhost, source, destination_kind, destination, routing_key, arguments))
        """,
        """
        CREATE TABLE IF NOT EXISTS consumer_groups (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            vhost TEXT NOT NULL, queue TEXT NOT NULL, name TEXT NOT NULL,
            UNIQUE (vhost, queue, name))
        """,
        // Added after version 1 shipped; CREATE IF NOT EXISTS brings older files up to date.
        """
        CREATE TABLE IF NOT EXISTS policies (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            vhost TEXT NOT NULL, name TEXT NOT NULL, pattern TEXT NOT NULL, apply_to TEXT NOT NULL,
            priority INTEGER NOT NULL, definition TEXT NOT NULL,
            UNIQUE (vhost, name))
        """,
        """
        CREATE TABLE IF NOT EXISTS users (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL UNIQUE, password_hash TEXT, tags TEXT NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS permissions (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            vhost TEXT NOT NULL, user TEXT NOT NULL, configure TEXT NOT NULL, write TEXT NOT NULL, read TEXT NOT NULL,
            UNIQUE (vhost, user))
        """,
        """
        CREATE TABLE IF NOT EXISTS topic_permissions (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            vhost TEXT NOT NULL, user TEXT NOT NULL, exchange TEXT NOT NULL, write TEXT NOT NULL, read TEXT NOT NULL,
            UNIQUE (vhost, user, exchange))
        """,
        // Limits as `name=value` pairs joined by `;` (names are RabbitMQ's, values integers).
        "CREATE TABLE IF NOT EXISTS vhost_limits (vhost TEXT PRIMARY KEY, limits TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS vhosts (seq INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE)",
        "CREATE TABLE IF NOT EXISTS user_limits (user TEXT PRIMARY KEY, limits TEXT NOT NULL)",
    ]
}
