import Foundation

/// A silence as Alertmanager's `GET /api/v2/silences` lists it, what tests check of it.
public struct TestSilence: Sendable, Hashable, Decodable {
    /// One matcher (API v2's `matcher`).
    public struct Matcher: Sendable, Hashable, Decodable {
        public let name: String
        public let value: String
        public let isRegex: Bool
        public let isEqual: Bool?
    }

    /// Its `status`.
    public struct Status: Sendable, Hashable, Decodable {
        /// `active`, `pending` or `expired`.
        public let state: String
    }

    public let id: String
    public let status: Status
    public let matchers: [Matcher]
    /// RFC 3339, as Alertmanager wrote them.
    public let startsAt: String
    public let endsAt: String
    public let updatedAt: String
    public let createdBy: String
    public let comment: String

    /// `status.state`.
    public var state: String { status.state }
}
