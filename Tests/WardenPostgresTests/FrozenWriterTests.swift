import Foundation
import Synchronization
import Testing
import WardenCore
@testable import WardenPostgres

/// A controller frozen inside a write transaction (SIGSTOP, a stalled VM) holds the write lock
/// that orders every controller's writes. The server ends its session once it has sat idle in
/// the transaction for `idleInTransactionTimeout`, and the others write on. When the frozen one
/// wakes, its transaction is kept whole or not at all: the rest of it never goes out on a new
/// connection, outside the transaction (it is tried again from the start instead).
@Suite struct FrozenWriterTests {
    @Sendable private static func record(_ id: String) -> ControllerRecord {
        ControllerRecord(id: id, listen: "-", version: "test", startedAt: 1, heartbeatAt: 1)
    }

    @Test func aWriterFrozenInsideItsTransactionHoldsTheOthersUpOnlyUntilTheServerEndsIt() async throws {
        let server = try await SharedPostgres.server()
        let address = try PostgresAddress(url: try await server.createDatabase())
        let password = try PostgresPassword.resolve(file: server.passwordFile)
        let frozen = try await PostgresJournalStore.open(address, password: password, idleInTransactionTimeout: .seconds(2))
        let other = try await PostgresJournalStore.open(address, password: password, idleInTransactionTimeout: .seconds(2))

        // The frozen write: one row, then (the write lock held) its thread stops until told, then a
        // second row. Only its first attempt stops.
        let attempts = Mutex(0)
        let wake = DispatchSemaphore(value: 0)
        let stuck = Task {
            try await frozen.write { writer in
                try writer.save(Self.record("frozen-1"))
                if attempts.withLock({ $0 += 1; return $0 }) == 1 { wake.wait() }
                try writer.save(Self.record("frozen-2"))
                return true
            }
        }
        for _ in 0..<400 where attempts.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(50)) }
        try #require(attempts.withLock { $0 } == 1, "the first write took the lock")

        // Another controller's write goes through while the first is still frozen. Without the
        // timeout it would wait for the frozen one for ever; a minute stands for that here.
        let wrote = await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await other.write { writer in try writer.save(Self.record("other")); return true }) ?? false }
            group.addTask { try? await Task.sleep(for: .seconds(60)); return false }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        #expect(wrote, "a write waited a minute behind a writer frozen inside its transaction")

        wake.signal()
        #expect(try await stuck.value, "the frozen write, tried again whole once it woke")
        #expect(attempts.withLock { $0 } == 2)
        let kept = try await other.read { reader in try reader.controllers().map(\.id).sorted() }
        #expect(kept == ["frozen-1", "frozen-2", "other"], "never half of the frozen write")
    }

    /// Reads take no locks and hold no one up, so a read that works long between its statements
    /// (checking a big journal's audit chain) is not ended: the bound is for writes.
    @Test func aReadThatWorksLongBetweenItsStatementsIsNotEnded() async throws {
        let server = try await SharedPostgres.server()
        let address = try PostgresAddress(url: try await server.createDatabase())
        let password = try PostgresPassword.resolve(file: server.passwordFile)
        let store = try await PostgresJournalStore.open(address, password: password, idleInTransactionTimeout: .seconds(1))
        let attempts = Mutex(0)
        let read = try await store.read { reader in
            attempts.withLock { $0 += 1 }
            _ = try reader.controllers()
            Thread.sleep(forTimeInterval: 3)
            return try reader.controllers().count
        }
        #expect(read == 0)
        #expect(attempts.withLock { $0 } == 1, "the read was ended and tried again")
    }
}
