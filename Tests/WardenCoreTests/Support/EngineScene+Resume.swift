import Foundation
import Testing
@testable import WardenCore
import WardenTesting

/// A run's controller killed at a point of its journal, and `warden resume` on it.
extension EngineScene {
    /// An event as `kind step@host` (the parts it has).
    static func line(_ event: JournalEvent) -> String {
        [event.kind.rawValue, [event.step, event.host].compactMap { $0 }.joined(separator: "@")].filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// Writes into this scene's journal what a controller killed right after writing the
    /// `occurrence`-th event reading `point` (see `line`) of `events` had written. Process groups
    /// are left out unless `processGroups`: they are journaled by an append nobody waits for, so
    /// their place among the other events is not fixed.
    func journal(of events: [JournalEvent], through point: String, occurrence: Int = 1, processGroups: Bool = false,
                 sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
        let kept = processGroups ? events : events.filter { $0.kind != .processGroup }
        let matches = kept.indices.filter { Self.line(kept[$0]) == point }
        let end = try #require(matches.count >= occurrence ? matches[occurrence - 1] : nil, "no '\(point)' in \(kept.map(Self.line))",
                               sourceLocation: sourceLocation)
        try await journal.append(kept[...end].map { event in
            JournalEvent.Draft(runID: runID, kind: event.kind, step: event.step, host: event.host, command: event.command,
                               status: event.status, exit: event.exit, detail: event.detail)
        })
    }

    /// What `warden resume --yes [--assume] [--leftovers]` does once the run is found: rebuild from
    /// the journal, settle leftovers, verify unknowns, take the operator's word on what is still
    /// unknown (`assumeDone`), run. Also returns verify's lines.
    func resume(assumeDone: Bool? = nil, leftovers: LeftoverPolicy = .wait,
                sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws -> (RunReport, [String]) {
        var state = ResumeState.rebuild(from: try await events(), context: context)
        _ = try await state.settleLeftovers(policy: leftovers, context: context, transport: transport) { _ in }
        let verified = await state.verifyUnknowns(context: context, transport: transport)
        if !state.mutatingUnknowns.isEmpty {
            let word = try #require(assumeDone as Bool?, "the resume needs --assume for \(state.mutatingUnknowns)", sourceLocation: sourceLocation)
            state.assume(done: word)
        }
        return (await run(resume: state), verified)
    }
}
