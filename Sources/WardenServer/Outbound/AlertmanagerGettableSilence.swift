/// The answer to `GET /api/v2/silence/{id}` (API v2's `gettableSilence`), what Warden reads
/// of it; times stay text here and are parsed as RFC 3339 to the nanosecond.
struct AlertmanagerGettableSilence: Decodable, Sendable {
    struct Status: Decodable, Sendable {
        let state: String
    }

    let id: String
    let status: Status
    let matchers: [AlertmanagerMatcher]
    let startsAt: String
    let endsAt: String
    let createdBy: String
    let comment: String?
}
