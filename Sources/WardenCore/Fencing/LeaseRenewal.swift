/// A lease renewed every third of it until the task is cancelled, or until a renewal is refused
/// as fenced (the lease is someone else's now); a renewal that fails otherwise (the journal is
/// unreachable) is tried again next time. For what is held but not yet kept by a run's own
/// keeper: a run's hold while an adoption's checks run (`RunLease.keepRenewed`), and a work
/// item's claim while its run is planned.
public enum LeaseRenewal {
    public static func every(third lease: Duration, clock: any EngineClock,
                             _ renew: @escaping @Sendable () async throws(JournalError) -> Void) -> Task<Void, Never> {
        Task {
            while !Task.isCancelled {
                do { try await clock.sleep(for: lease / 3) } catch { return }
                do throws(JournalError) {
                    try await renew()
                } catch {
                    if error.kind == .fenced { return }
                }
            }
        }
    }
}
