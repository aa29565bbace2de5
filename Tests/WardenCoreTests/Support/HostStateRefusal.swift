import Testing
@testable import WardenCore

/// The `HostStateError` that `body` threw (a refused path, a busy lock); nil when it threw
/// nothing, and an issue recorded when it threw something else.
func hostStateRefusal(_ body: () async throws -> Void) async -> HostStateError? {
    do {
        try await body()
        return nil
    } catch let error as HostStateError {
        return error
    } catch {
        Issue.record("not a HostStateError: \(error)")
        return nil
    }
}
