/// Who starts, resumes or decides on a run, and from which controller: the
/// operating-system user and `host:pid` for the CLI; for `warden serve`, the
/// authenticated caller and the daemon's own controller name.
public struct RunIdentity: Sendable, Equatable {
    public var user: String
    public var controller: String

    public init(user: String, controller: String) {
        self.user = user
        self.controller = controller
    }

    /// The user running this process, on this machine.
    public static var current: RunIdentity {
        RunIdentity(user: OperatingSystemUser.name, controller: OperatingSystemUser.controller)
    }
}
