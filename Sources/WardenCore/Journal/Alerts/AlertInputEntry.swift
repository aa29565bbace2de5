import Foundation

/// One thing the alert decider was told, as the journal keeps it: a webhook
/// body exactly as it arrived (garbage included: its `invalid` decision must
/// be reproducible), or what the daemon itself reported (a run it started for
/// an incident, a start that failed, a run that ended, an operator's close).
///
/// Inputs are numbered 1, 2, 3... over the journal and decided in that order.
/// An input is written before it is decided (the webhook answers 202 once the
/// body is durable), so `decidedAt` is nil until its decisions are written; a
/// daemon that died in between decides it once after its restart. After a
/// restart the decider replays every decided input to come back to the same
/// incidents and throttles.
public struct AlertInputEntry: Sendable, Hashable {
    /// What kind of input it is; raw values are what the journal stores.
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        case delivery
        case runStarted = "run-started"
        case startFailed = "start-failed"
        case runEnded = "run-ended"
        case close
        /// A rule with `approval: required`: its run was planned and waits for an approver (`detail`: the plan hash).
        case planned
        /// A silence was created for an incident's run (`detail`: the silence id, a space, the Alertmanager URL).
        case silenced
        /// A silence could not be created (`detail`: why); the run goes on.
        case silenceFailed = "silence-failed"
        /// The run ended and its silence was expired (`detail`: id and URL, or why not).
        case silenceExpired = "silence-expired"
        /// One round of a monitor (`source`: `monitor ID`; `body`: `MonitorRecord` JSON): journaled so
        /// its rules' windows survive a restart. Nothing is decided about it; a rule it makes fire
        /// comes in as a delivery of its own.
        case monitorSample = "monitor-sample"
    }

    public var sequence: Int
    public var at: Double
    public var kind: Kind
    /// Who gave it: the identity that posted a delivery or closed an incident, `warden` for the daemon's own reports.
    public var source: String
    /// A delivery's raw body.
    public var body: [UInt8]?
    public var run: String?
    public var incident: String?
    /// A close's reason, a failed start's reason; "approval" on a run started waiting for an approver.
    public var detail: String?
    /// When its decisions were written; nil while it waits to be decided.
    public var decidedAt: Double?

    public init(sequence: Int, at: Double, kind: Kind, source: String, body: [UInt8]? = nil, run: String? = nil, incident: String? = nil,
                detail: String? = nil, decidedAt: Double? = nil) {
        self.sequence = sequence
        self.at = at
        self.kind = kind
        self.source = source
        self.body = body
        self.run = run
        self.incident = incident
        self.detail = detail
        self.decidedAt = decidedAt
    }

    /// `sha256:...` over everything but `decidedAt`: what its audit record carries.
    public var digest: String {
        let absent = ChainHash.absent
        let content = ChainHash.of([
            String(sequence), String(at.bitPattern), kind.rawValue, source, body.map { ChainHash.digest(bytes: $0) } ?? absent, run ?? absent,
            incident ?? absent, detail ?? absent,
        ])
        return "sha256:" + content
    }
}
