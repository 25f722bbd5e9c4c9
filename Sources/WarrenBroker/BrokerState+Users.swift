// BrokerState+Users.swift: adding and removing users and permissions, recorded in the
// definitions store and published to the directory snapshot front doors read.

extension BrokerState {
    /// Creates or replaces a user; true when new.
    func putUser(_ user: User) -> Bool {
        let created = directory.users[user.name] == nil
        directory.put(user)
        record([.putUser(user)])
        return created
    }

    func deleteUser(_ name: String) throws {
        guard directory.users[name] != nil else { throw BrokerError(.notFound, "no user '\(name)'") }
        directory.remove(user: name)
        record([.deleteUser(name: name)])
    }

    /// Sets a user's permission in a vhost; true when new.
    func setPermission(_ permission: Permission, user: String, vhost: String) throws -> Bool {
        guard topologies[vhost] != nil else { throw BrokerError(.notFound, "vhost_not_found") }
        guard directory.users[user] != nil else { throw BrokerError(.notFound, "user_not_found") }
        let created = directory.permission(user: user, vhost: vhost) == nil
        directory.setPermission(permission, user: user, vhost: vhost)
        record([.putPermission(vhost: vhost, user: user, permission)])
        return created
    }

    func clearPermission(user: String, vhost: String) throws {
        guard directory.permission(user: user, vhost: vhost) != nil else {
            throw BrokerError(.notFound, "no permission of '\(user)' in vhost '\(vhost)'")
        }
        directory.setPermission(nil, user: user, vhost: vhost)
        record([.deletePermission(vhost: vhost, user: user)])
    }

    /// Sets a user's topic permission on one exchange of a vhost; true when new.
    func setTopicPermission(_ permission: TopicPermission, user: String, vhost: String) throws -> Bool {
        guard topologies[vhost] != nil else { throw BrokerError(.notFound, "vhost_not_found") }
        guard directory.users[user] != nil else { throw BrokerError(.notFound, "user_not_found") }
        let created = directory.topicPermissions[vhost]?[user]?[permission.exchange] == nil
        directory.setTopicPermission(permission, user: user, vhost: vhost)
        record([.putTopicPermission(vhost: vhost, user: user, permission)])
        return created
    }

    /// Clears a user's topic permissions in a vhost (one exchange, or all).
    func clearTopicPermissions(user: String, vhost: String, exchange: String?) throws {
        let existing = directory.topicPermissions[vhost]?[user] ?? [:]
        guard exchange.map({ existing[$0] != nil }) ?? !existing.isEmpty else {
            throw BrokerError(.notFound, "no topic permission of '\(user)' in vhost '\(vhost)'")
        }
        directory.clearTopicPermissions(user: user, vhost: vhost, exchange: exchange)
        record([.deleteTopicPermissions(vhost: vhost, user: user, exchange: exchange)])
    }

    func setLimit(_ name: String, value: Int64, vhost: String?, user: String?) throws {
        if let vhost {
            guard topologies[vhost] != nil else { throw BrokerError(.notFound, "vhost_not_found") }
            directory.vhostLimits[vhost, default: [:]][name] = value
            record([.putVhostLimits(vhost: vhost, directory.vhostLimits[vhost]!)])
        } else if let user {
            guard directory.users[user] != nil else { throw BrokerError(.notFound, "user_not_found") }
            directory.userLimits[user, default: [:]][name] = value
            record([.putUserLimits(user: user, directory.userLimits[user]!)])
        }
    }

    func clearLimit(_ name: String, vhost: String?, user: String?) throws {
        if let vhost {
            guard directory.vhostLimits[vhost]?[name] != nil else { throw BrokerError(.notFound, "no limit") }
            directory.vhostLimits[vhost]![name] = nil
            record([.putVhostLimits(vhost: vhost, directory.vhostLimits[vhost]!)])
        } else if let user {
            guard directory.userLimits[user]?[name] != nil else { throw BrokerError(.notFound, "no limit") }
            directory.userLimits[user]![name] = nil
            record([.putUserLimits(user: user, directory.userLimits[user]!)])
        }
    }
}
