/// A named read-only command (`probes:`), run by guards, watches, waits and
/// `when:` conditions, and for real in a dry run: its result is data, never a
/// change.
public struct ProbeSpec: Sendable {
    /// With the scope prefix for probes of included runbooks; "" for an inline probe.
    public let name: String
    public let location: SourceLocation
    let scope: Int
    public internal(set) var target: String
    /// Where `on:` is written, for messages about the target.
    let targetLocation: SourceLocation
    public let command: Template
    public let parser: ParserSpec?
    public let timeout: Duration?
}

/// A probe named in the runbook's `probes:`, or written inline.
public enum ProbeReference: Sendable {
    case named(String)
    case inline(ProbeSpec)
}

/// A condition that must hold before the first mutating step and again
/// immediately before each one; a failed guard stops the run before the change.
public struct GuardSpec: Sendable {
    public let location: SourceLocation
    let scope: Int
    public let probe: ProbeReference
    /// Where `probe:` names or spells out the probe, for messages about it.
    let probeLocation: SourceLocation
    /// Evaluated per host of the probe, with `result`, `stdout`, `stderr`, `exit`.
    public let expect: Expression
    /// Said when the guard fails, in the operator's words.
    public let message: String?

    /// Tells guards apart: one rules file used twice (under two names) gives
    /// two guards at one location, each reading its own parameters.
    var identity: String { "\(scope)@\(location)" }
}

/// A circuit breaker: while the run goes on, the probe is taken `every`
/// so often and the run aborts (cleanup runs) when `abortIf` holds.
public struct WatchSpec: Sendable {
    public let location: SourceLocation
    let scope: Int
    public let probe: ProbeReference
    /// Where `probe:` names or spells out the probe, for messages about it.
    let probeLocation: SourceLocation
    public internal(set) var every: Duration
    /// Fires (under `samples`) when true on any host; nil for a watch that only has `decreased`.
    public let abortIf: Expression?
    public let message: String?
    /// How many recent samples must breach (`for:`); one by default.
    public var samples: SampleRule = .each
    /// Fires when a value keeps going down (`decreased:`).
    var decreased: DecreaseRule? = nil

    /// The watch's condition as the operator wrote it, for plans and messages.
    var conditionText: String {
        var parts: [String] = []
        if let abortIf { parts.append(abortIf.text + (samples == .each ? "" : " in \(samples.description) samples")) }
        if let decreased { parts.append("\(decreased.value.text) decreased \(decreased.times) times within \(DurationText.format(decreased.within))") }
        return parts.joined(separator: ", or ")
    }
}
