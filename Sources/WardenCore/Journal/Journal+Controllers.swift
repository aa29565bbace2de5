import Foundation

/// The controllers registered in the journal (`ControllerRecord`): each `warden serve` says it
/// is alive every few seconds, on the journal's clock. Not audited: a heartbeat changes who
/// holds nothing (the runs a controller takes over are audited when it takes them).
extension Journal {
    /// Records that `controller` is alive now (registering it the first time; a restart under the
    /// same id starts it anew). Returns the journal's clock reading it used.
    @discardableResult
    public func heartbeat(controller id: String, listen: String, version: String = WardenVersion.current,
                          starting: Bool = false, at now: Date = Date()) async throws(JournalError) -> Double {
        try await store.writeUrgently { writer in
            let clock = try writer.databaseTime() ?? now.timeIntervalSince1970
            var record = try writer.controllers().first { $0.id == id }
                ?? ControllerRecord(id: id, listen: listen, version: version, startedAt: clock, heartbeatAt: clock)
            if starting { record.startedAt = clock }
            record.listen = listen
            record.version = version
            record.heartbeatAt = clock
            record.stoppedAt = nil
            try writer.save(record)
            return clock
        }
    }

    /// Records that `controller` stopped gracefully.
    public func stopped(controller id: String, at now: Date = Date()) async throws(JournalError) {
        try await store.write { writer in
            guard var record = try writer.controllers().first(where: { $0.id == id }) else { return }
            record.stoppedAt = try writer.databaseTime() ?? now.timeIntervalSince1970
            try writer.save(record)
        }
    }

    /// The registered controllers, by id, and the journal's clock (to judge their heartbeats by).
    public func controllers(at now: Date = Date()) async throws(JournalError) -> (controllers: [ControllerRecord], clock: Double) {
        try await store.read { reader in
            (try reader.controllers(), try reader.databaseTime() ?? now.timeIntervalSince1970)
        }
    }
}
