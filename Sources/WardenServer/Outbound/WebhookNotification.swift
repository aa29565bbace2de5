import Foundation
import WardenCore

/// What `WebhookNotifier` posts: one thing a person may want to know about an incident or a
/// scheduled occurrence, as JSON (`{"event":"escalated","summary":"…","rule":"…","incident":"…",
/// "run":"…","at":"…","url":"…"}`, or with `schedule` and `occurrence` instead of `rule` and `incident`).
/// It carries names, IDs and a link, never a parameter's value or a token: a chat channel is
/// read by more people than a runbook's secrets are meant for.
public struct WebhookNotification: Sendable, Hashable, Codable {
    /// Which kind of news: a string on the wire, so a receiver keeps working when a later
    /// Warden adds kinds.
    public struct Event: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        public let rawValue: String

        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// A run of the incident waits at an approval gate.
        public static let waitingForApproval = Event(rawValue: "waiting-for-approval")
        /// The rule's automation gave up on the incident and hands it to a person.
        public static let escalated = Event(rawValue: "escalated")
        /// A guard, lock or window stopped the incident's run from starting.
        public static let blocked = Event(rawValue: "blocked")
        /// The alert fires and resolves too often for automation to keep acting on it.
        public static let flapping = Event(rawValue: "flapping")

        public init(from decoder: any Decoder) throws {
            rawValue = try decoder.singleValueContainer().decode(String.self)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }

        public var description: String { rawValue }
    }

    public var event: Event
    /// One line for a person: what happened and what is asked of them.
    public var summary: String
    /// The alert rule's name (an incident's news).
    public var rule: String?
    /// The incident's ID.
    public var incident: String?
    /// The schedule's id (a scheduled occurrence's news).
    public var schedule: String?
    /// The occurrence's nominal start, RFC 3339 UTC.
    public var occurrence: String?
    /// The run's ID, when there is one.
    public var run: String?
    public var at: Date
    /// A link to the incident or run, when Warden knows its public URL.
    public var url: String?

    public init(event: Event, summary: String, rule: String? = nil, incident: String? = nil, schedule: String? = nil, occurrence: String? = nil,
                run: String? = nil, at: Date = Date(), url: String? = nil) {
        self.event = event
        self.summary = summary
        self.rule = rule
        self.incident = incident
        self.schedule = schedule
        self.occurrence = occurrence
        self.run = run
        self.at = at
        self.url = url
    }

    enum CodingKeys: String, CodingKey {
        case event, summary, rule, incident, schedule, occurrence, run, at, url
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        event = try container.decode(Event.self, forKey: .event)
        summary = try container.decode(String.self, forKey: .summary)
        rule = try container.decodeIfPresent(String.self, forKey: .rule)
        incident = try container.decodeIfPresent(String.self, forKey: .incident)
        schedule = try container.decodeIfPresent(String.self, forKey: .schedule)
        occurrence = try container.decodeIfPresent(String.self, forKey: .occurrence)
        run = try container.decodeIfPresent(String.self, forKey: .run)
        let text = try container.decode(String.self, forKey: .at)
        guard let at = AlertTimestamp.parse(text) else {
            throw DecodingError.dataCorruptedError(forKey: .at, in: container, debugDescription: "not an RFC 3339 time: \(text)")
        }
        self.at = at.date
        url = try container.decodeIfPresent(String.self, forKey: .url)
    }

    /// `at` as RFC 3339 in UTC; absent optional fields are left out rather than null.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(event, forKey: .event)
        try container.encode(summary, forKey: .summary)
        try container.encodeIfPresent(rule, forKey: .rule)
        try container.encodeIfPresent(incident, forKey: .incident)
        try container.encodeIfPresent(schedule, forKey: .schedule)
        try container.encodeIfPresent(occurrence, forKey: .occurrence)
        try container.encodeIfPresent(run, forKey: .run)
        try container.encode(AlertTimestamp(at).description, forKey: .at)
        try container.encodeIfPresent(url, forKey: .url)
    }
}
