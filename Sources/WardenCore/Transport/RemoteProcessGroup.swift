/// The process group a command runs in on its host, as the transport learnt
/// it when the command started: its id (the leader's pid) and the leader's
/// start time (`/proc/<pid>/stat` field 22, when the host has /proc).
///
/// Journaled for every change, so that a resume after the controller died
/// can tell whether the command is still running there: pids are reused, so
/// the id alone could name someone else's processes; the start time tells.
public struct RemoteProcessGroup: Sendable, Hashable, Codable {
    public let id: Int32
    /// Clock ticks since boot when the leader started; nil: not known.
    public let startTime: String?

    public init(id: Int32, startTime: String?) {
        self.id = id
        self.startTime = startTime
    }
}
