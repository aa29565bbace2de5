import WardenCore

/// A journaled run as `warden runs` lists it: the run, and whether it is a
/// `running` run whose controller is gone (`RunLock.controllerIsGone`, as
/// `warden locks` tells it), which waits for an operator to resume or abandon it.
struct ListedRun: Encodable {
    let run: JournalRun
    /// True for a running run whose controller died; nil otherwise (and then absent from JSON).
    let controllerGone: Bool?
    /// The command that continues it, when its controller is gone.
    let resume: String?

    init(_ run: JournalRun) {
        self.run = run
        let gone = run.status == .running
            && OperatingSystemUser.isGone(run.controller)
        controllerGone = gone ? true : nil
        resume = gone ? "warden resume \(run.id) -i INVENTORY" : nil
    }

    /// What the STATUS column shows.
    var status: String { controllerGone == true ? "controller gone" : run.status.rawValue }

    private enum Keys: String, CodingKey {
        case controllerGone = "controller_gone"
        case resume
    }

    /// The run's own fields, and the two above beside them: readers of the
    /// array of runs `warden runs --output json` always printed keep working.
    func encode(to encoder: any Encoder) throws {
        try run.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encodeIfPresent(controllerGone, forKey: .controllerGone)
        try container.encodeIfPresent(resume, forKey: .resume)
    }
}
