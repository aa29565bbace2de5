/// What `warden resume --leftovers` does with a command the dead controller
/// started that is still running on its host: wait for it to end (up to its
/// step's timeout), or kill its whole process group. Either way nothing else
/// runs on that host for the step, `verify` included, while it still runs.
public enum LeftoverPolicy: String, Sendable, CaseIterable {
    case wait
    case kill
}
