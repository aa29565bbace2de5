/// Who starts, resumes or decides on a run, and from which controller: the
/// operating-system user and `host:pid` for the CLI; for `warden serve`, the
/// authenticated caller and the daemon's own controller name.
public struct RunIdentity: Sendable, Equatable {
    public var user: String
    public var controller: String
    /// What asked for the run (journaled with it).
    public var trigger: RunTrigger
    /// How the daemon knew who asked (`token`, `via proxy 10.0.0.5`), journaled in the run's first
    /// note; nil at a terminal, where the operating-system user is the proof.
    public var proof: String?

    public init(user: String, controller: String, trigger: RunTrigger = .terminal, proof: String? = nil) {
        self.user = user
        self.controller = controller
        self.trigger = trigger
        self.proof = proof
    }

    /// The user running this process, on this machine.
    public static var current: RunIdentity {
        RunIdentity(user: OperatingSystemUser.name, controller: OperatingSystemUser.controller)
    }
}
