import HTTPTypes

/// The `Idempotency-Key` header of `POST /runs`: a client that sends a start again (its answer
/// was lost) with the same key gets the first request's outcome, and nothing starts twice.
enum IdempotencyKey {
    static let header = HTTPField.Name("Idempotency-Key")!
    static let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-")

    /// The key, if sent; 400 naming the header when it is empty, too long or holds other characters.
    static func read(_ headers: HTTPFields) throws(APIError) -> String? {
        guard let key = headers[header] else { return nil }
        guard (1...128).contains(key.count), key.allSatisfy(allowed.contains) else {
            throw APIError(.badRequest, "Idempotency-Key must be 1 to 128 letters, digits, '.', '_', ':' or '-'", field: "Idempotency-Key")
        }
        return key
    }
}
