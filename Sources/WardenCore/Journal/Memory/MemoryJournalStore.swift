import Synchronization
import Foundation

/// A journal kept in memory, for fast engine tests (and for trying things
/// without a state folder): it keeps every promise of `JournalStore` within
/// one process, and nothing survives the process. Every `Journal` made over
/// one store shares its contents, as controllers share a database.
///
/// Reads and writes run on the caller's thread under a lock: they only
/// copy and compare values, never wait on a disk.
public final class MemoryJournalStore: JournalStore {
    private let contents: Mutex<MemoryJournalContents>
    /// Set: every write fails with it, as a database that went away (`unreachable(_:)`).
    private let outage = Mutex<String?>(nil)
    public let location: String
    /// A folder of its own under the temporary directory, for what runs keep beside a journal (artifacts).
    public var localFolder: String? { (NSTemporaryDirectory() as NSString).appendingPathComponent("warden-\(location.replacingOccurrences(of: ":", with: "-"))") }

    /// `name` says which store a message is about (`memory:NAME`).
    public init(name: String = "journal", contents: MemoryJournalContents = MemoryJournalContents()) {
        self.contents = Mutex(contents)
        location = "memory:\(name)"
    }

    /// A copy of what it holds now: a test that kills a controller keeps the journal as the
    /// controller left it, in a store of its own, while the abandoned run writes on here.
    public func snapshot() -> MemoryJournalContents {
        contents.withLock { $0 }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any JournalReader) throws -> T) async throws(JournalError) -> T {
        // A snapshot (the contents are values): a write that commits meanwhile is not seen halfway.
        let snapshot = contents.withLock { $0 }
        do {
            return try body(MemoryJournalAccess(snapshot, location: location))
        } catch {
            throw MemoryJournalStore.journalError(error, kind: .cannotRead, location: location)
        }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any JournalWriter) throws -> T) async throws(JournalError) -> T {
        let location = self.location
        if let reason = outage.withLock({ $0 }) {
            throw JournalError(.cannotWrite, "cannot write to the journal \(location): \(reason)")
        }
        let outcome: Result<T, JournalError> = contents.withLock { current in
            let access = MemoryJournalAccess(current, location: location)
            do {
                let value = try body(access)
                current = access.contents
                return .success(value)
            } catch {
                return .failure(MemoryJournalStore.journalError(error, kind: .cannotWrite, location: location))
            }
        }
        return try outcome.get()
    }

    /// From now on every write fails with `reason` (a database that went away), until called
    /// again with nil: for tests of what a controller does while it cannot confirm its hold.
    public func unreachable(_ reason: String?) {
        outage.withLock { $0 = reason }
    }

    /// Changes the contents behind the journal's back, as someone with write
    /// access to a database would: for tests of what `verifyAudit` catches.
    public func tamper(_ change: (inout MemoryJournalContents) -> Void) {
        contents.withLock { change(&$0) }
    }

    private static func journalError(_ error: any Error, kind: JournalError.Kind, location: String) -> JournalError {
        if let error = error as? JournalError { return error }
        return JournalError(kind, "\(kind == .cannotRead ? "cannot read" : "cannot write to") the journal \(location): \(error)")
    }
}
