/// One entry of `notify:` in the serve config: a webhook told of what needs a
/// person (a run waiting for approval, an escalation, a blocked start, a
/// flapping alert), with a JSON body naming the rule, incident and run.
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

    /// The kinds that may be asked for.
    public static let eventKinds = ["waiting-for-approval", "escalated", "blocked", "flapping"]
}
