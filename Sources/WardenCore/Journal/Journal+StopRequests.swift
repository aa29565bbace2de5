import Foundation

/// Stopping a run from anywhere: any controller or terminal sharing the journal may ask that a
/// run stop, and the one carrying it stops it (cleanup included), whichever machine that is.
/// Rundeck's cluster leaves runs on a dead or other server that nobody can kill (rundeck#3993);
/// here the request is in the journal, so the carrier finds it at its next lease renewal, an
/// adopter finds it when it takes the run over, and a signal makes it immediate where the store
/// has them.
extension Journal {
    /// Asks that the running run `id` stop: noted in its journal (who and why)
    /// and kept on the run for its carrier. The first request is the one kept; a
    /// second one is noted too. `.alreadyClaimed` once the run ended. Returns the run as it is now.
    @discardableResult
    public func requestStop(run id: String, by person: String, reason: String, at date: Date = Date()) async throws(JournalError) -> JournalRun {
        let (actor, location) = (self.actor, path)
        return try await store.write { writer in
            guard var run = try writer.run(id) else { throw Journal.noSuchRun(id, in: location) }
            guard run.status == .running else {
                throw JournalError(.alreadyClaimed, "run \(id) already ended (\(run.status)); nothing to stop")
            }
            let request = "\(person): \(reason)"
            if run.stopRequest == nil {
                run.stopRequest = request
                try writer.update(run)
            }
            _ = try Journal.append([.init(runID: id, kind: .note, detail: "cancelled by \(request)", at: date)],
                                   actor: actor, location: location, fence: nil, in: writer)
            try writer.signal(.stop(runID: id))
            return run
        }
    }
}
