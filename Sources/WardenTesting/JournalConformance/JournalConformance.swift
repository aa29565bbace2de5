/// What every `JournalStore` must do, as checks a test target runs against
/// its own store: the SQLite and in-memory stores pass them
/// (`Tests/WardenCoreTests/Journal/JournalConformanceTests.swift`), and a new
/// store (PostgreSQL, for several controllers sharing one journal) is written
/// against them. With Swift Testing:
///
///     extension JournalStoreFactory {
///         static let postgres = JournalStoreFactory(name: "postgres", capabilities: [.holdsUnknownValues, .sharedAcrossProcesses]) {
///             // a fresh, empty database; a Journal over it; a JournalTampering that edits it with SQL
///         }
///     }
///
///     @Test(arguments: JournalConformance.cases(for: [.postgres]))
///     func conforms(_ test: JournalConformanceCase) async throws { try await test.run() }
///
/// Each check runs on a fresh store and says what it expected when it fails.
/// They cover: appends numbered without gaps and chained, batches kept whole
/// or not at all, what another journal on the store sees once an append
/// returns, runs and their end, approvals in the order recorded, locks with
/// leases, takeovers and breaks, run leases and fencing epochs (an adopted run refuses its old
/// controller's writes), the audit record of every action and what
/// `verifyAudit` catches (a record, event, row or checkpoint changed,
/// removed or inserted behind the journal's back), checkpoints, alert inputs
/// and decisions, schedule events and their once-per-occurrence claims,
/// values read back as written (and unknown ones refused), and concurrent
/// writers (two journals, or another process).
public enum JournalConformance {
    /// Every check.
    public static var checks: [JournalConformanceCheck] {
        runs + events + approvals + locks + leases + queue + audit + checkpoints + alerts + schedules + storedValues + concurrency
    }

    /// Each check for each store, leaving out those a store cannot take
    /// (`JournalConformanceCheck.requires`).
    public static func cases(for stores: [JournalStoreFactory]) -> [JournalConformanceCase] {
        stores.flatMap { store in
            checks.filter { $0.requires.isSubset(of: store.capabilities) }.map { JournalConformanceCase(store: store, check: $0) }
        }
    }
}
