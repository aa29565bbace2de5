import Foundation

/// Turns Alertmanager deliveries into decisions: at most one guarded run per
/// incident, throttled, with flapping alerts left alone and incident mode
/// (escalation) when too many members of one scope fire. No HTTP here: the
/// server hands it bodies and run events and journals what it returns.
///
/// An actor over `AlertDeciderState`, reading the time from an `EngineClock`
/// (its wall time: throttles must hold across a restart). Each call returns
/// the `AlertDeciderInput` to journal with the decisions; after a restart,
/// `init(rules:clock:replaying:)` rebuilds the same state from those inputs.
public actor AlertDecider {
    public private(set) var rules: [AlertRule]
    public private(set) var state: AlertDeciderState
    private let clock: any EngineClock

    public init(rules: [AlertRule], clock: any EngineClock = SystemClock(), limits: AlertDeciderState.Limits = AlertDeciderState.Limits()) {
        self.rules = rules
        self.clock = clock
        state = AlertDeciderState(limits: limits)
    }

    /// Comes back to the state the journaled `inputs` led to (decisions they led to are not repeated).
    public init(rules: [AlertRule], clock: any EngineClock = SystemClock(), replaying inputs: some Sequence<AlertDeciderInput>,
                limits: AlertDeciderState.Limits = AlertDeciderState.Limits()) {
        self.rules = rules
        self.clock = clock
        state = AlertDeciderState.replay(inputs, rules: rules, limits: limits).state
    }

    /// A reload: later inputs are decided under `rules`; open incidents stay.
    public func replaceRules(_ rules: [AlertRule]) {
        self.rules = rules
    }

    /// Decodes a webhook body and decides on it. A body that does not decode is one `invalid` decision.
    public func receive(_ body: some Collection<UInt8>, limits: AlertmanagerDelivery.Limits = AlertmanagerDelivery.Limits())
        -> (input: AlertDeciderInput, decisions: [AlertDecision]) {
        let decoded: Result<AlertmanagerDelivery, AlertmanagerDeliveryError>
        do {
            decoded = .success(try AlertmanagerDelivery.decode(body, limits: limits))
        } catch {
            decoded = .failure(error)
        }
        return record(.delivery(decoded, at: clock.now))
    }

    public func decide(_ delivery: AlertmanagerDelivery) -> (input: AlertDeciderInput, decisions: [AlertDecision]) {
        record(.delivery(.success(delivery), at: clock.now))
    }

    /// The server started the run of an incident's `start`.
    public func runStarted(_ run: String, incident: String, awaitingApproval: Bool = false) -> (input: AlertDeciderInput, decisions: [AlertDecision]) {
        record(.runStarted(run: run, incident: incident, awaitingApproval: awaitingApproval, at: clock.now))
    }

    /// The server could not start it (`reason` says why); the incident closes.
    public func startFailed(incident: String, reason: String) -> (input: AlertDeciderInput, decisions: [AlertDecision]) {
        record(.startFailed(incident: incident, reason: reason, at: clock.now))
    }

    /// Decides on `input` as journaled (the daemon writes inputs first, then decides them in order).
    public func apply(_ input: AlertDeciderInput) -> [AlertDecision] {
        state.apply(input, rules: rules)
    }

    /// A run ended (however): its incident closes if its alerts resolved too.
    public func runEnded(_ run: String) -> (input: AlertDeciderInput, decisions: [AlertDecision]) {
        record(.runEnded(run: run, at: clock.now))
    }

    /// An operator closes an incident.
    public func close(incident: String, reason: String) -> (input: AlertDeciderInput, decisions: [AlertDecision]) {
        record(.close(incident: incident, reason: reason, at: clock.now))
    }

    private func record(_ input: AlertDeciderInput) -> (input: AlertDeciderInput, decisions: [AlertDecision]) {
        (input, state.apply(input, rules: rules))
    }
}
