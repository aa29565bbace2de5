/// The answer to `POST /api/v2/silences`: `{"silenceID": "..."}`.
struct AlertmanagerCreatedSilence: Decodable, Sendable {
    let silenceID: String
}
