/// A controller's hold on a run: the run and the epoch it was given (1 at the start, one more
/// at each adoption). Journal writes made with a fence are kept only while the run's epoch is
/// still the fence's, checked in the write's own transaction, so a controller a run was taken
/// from (it froze, lost the network, or was paused past its lease) can write nothing more for
/// it and therefore, since every command's intent is journaled first, send nothing more.
public struct RunFence: Sendable, Hashable, CustomStringConvertible {
    public let runID: String
    public let epoch: Int

    public init(runID: String, epoch: Int) {
        self.runID = runID
        self.epoch = epoch
    }

    public var description: String { "run \(runID) at epoch \(epoch)" }

    /// Throws `.fenced` unless `run` is still held at this epoch.
    public func check(_ run: JournalRun) throws(JournalError) {
        guard run.epoch != epoch else { return }
        throw JournalError(.fenced, """
            run \(runID) was taken over by \(run.controller) (epoch \(run.epoch); this controller held epoch \(epoch)): \
            nothing more is written or sent for it from here; its new controller carries it on
            """)
    }
}
