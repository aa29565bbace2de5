import Foundation
import Testing
@testable import WardenCore

/// The report of a run the test started in a task, once it ends; a run that
/// does not end within `limit` of real time (the test moved the clock too
/// little, or the engine is stuck) is cancelled and fails the test instead
/// of hanging it.
func outcome(of run: Task<RunReport, Never>, limit: Duration = .seconds(10),
             sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws -> RunReport {
    try await finished(run, limit: limit, sourceLocation: sourceLocation)
}

/// The value of `task` once it ends; cancelled, and the test failed, when it
/// has not ended within `limit` of real time.
func finished<T: Sendable>(_ task: Task<T, Never>, limit: Duration = .seconds(10),
                           sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws -> T {
    let value = await withTaskGroup(of: T?.self) { group -> T? in
        group.addTask { await task.value }
        group.addTask {
            try? await Task.sleep(for: limit)
            return nil
        }
        let first = await group.next() ?? nil
        // Awaiting a task's value is not cancelled with the group: the task itself must be.
        if first == nil { task.cancel() }
        group.cancelAll()
        return first
    }
    guard let value else {
        Issue.record("the task did not end within \(limit)", sourceLocation: sourceLocation)
        throw CancellationError()
    }
    return value
}
