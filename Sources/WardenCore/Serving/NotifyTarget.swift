/// One entry of `notify:` in the serve config: a webhook told of what needs a
/// person (a run waiting for approval, an escalation, a blocked start, a
/// flapping alert; a scheduled occurrence to approve, held, missed, skipped,
/// or whose run failed), with a JSON body naming the rule and incident or the
/// schedule and occurrence, and the run.
public struct NotifyTarget: Sendable, Hashable {
    /// `http://` or `https://`.
    public var url: String
    /// A file holding a bearer token for it (never the token itself in the config).
    public var tokenFile: String?
    /// Which decision kinds it hears of (`AlertDecision.kind`); empty: every one that needs a person.
    public var events: Set<String>

    public init(url: String, tokenFile: String? = nil, events: Set<String> = []) {
        self.url = url
        self.tokenFile = tokenFile
        self.events = events
    }

    /// The kinds that may be asked for: alert decisions, then scheduled occurrences.
    public static let eventKinds = ["waiting-for-approval", "escalated", "blocked", "flapping"] + scheduleEventKinds

    /// A scheduled occurrence was planned ahead and waits for approval; its plan changed since it was
    /// approved and it is held; it was missed; it was skipped (overlap, blackout, pause, disabled);
    /// it did not start (not approved, plan blocked, refused); its run failed.
    public static let scheduleEventKinds = ["occurrence-needs-approval", "occurrence-held", "occurrence-missed", "occurrence-skipped",
                                            "occurrence-not-started", "occurrence-run-failed"]
}
