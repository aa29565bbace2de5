/// The body of `POST /api/v2/silences` (API v2's `postableSilence`, without an `id`: a new one).
struct AlertmanagerPostableSilence: Encodable, Sendable {
    let matchers: [AlertmanagerMatcher]
    /// RFC 3339, UTC.
    let startsAt: String
    let endsAt: String
    let createdBy: String
    let comment: String
}
