import Crypto

/// The hash that links a record to the one before it, shared by a run's
/// events and the audit log: SHA-256 over the fields, each length-prefixed
/// so that no two different records hash alike, an absent field written as
/// a lone NUL so that it differs from an empty one.
enum ChainHash {
    static let absent = "\u{0}"

    static func of(_ fields: [String]) -> String {
        var hasher = SHA256()
        for field in fields {
            let bytes = Array(field.utf8)
            hasher.update(data: Array("\(bytes.count):".utf8))
            hasher.update(data: bytes)
        }
        return hasher.finalize().hexText
    }

    /// The digest of a record's content that the audit log carries instead
    /// of the content itself (output can be large; the journal holds it).
    static func digest(_ text: String?) -> String? {
        guard let text else { return nil }
        var hasher = SHA256()
        hasher.update(data: Array(text.utf8))
        return "sha256:" + hasher.finalize().hexText
    }

    /// The same for raw bytes (a webhook body need not be UTF-8).
    static func digest(bytes: [UInt8]) -> String {
        var hasher = SHA256()
        hasher.update(data: bytes)
        return "sha256:" + hasher.finalize().hexText
    }
}
