import Crypto

/// The fingerprint of what a run will do: the runbook files, the parameter
/// values, the hosts each target resolved to and every command rendered per
/// host. An approval is bound to it; if any of these changes before the
/// change starts, the approval no longer applies.
///
/// Secrets enter as their keyed digests (`SecretDigestKey`), never as
/// values nor plain digests: the hash is shown and stored, and a plain digest
/// of a short secret could be brute-forced. Other text enters as shown, with
/// whatever equals a secret's value masked.
struct PlanHash: Sendable {
    private var hasher = SHA256()

    public init() {}

    /// Each field is length-prefixed so that no two different inputs can
    /// run together into the same byte stream.
    public mutating func add(_ fields: String...) {
        for field in fields {
            let bytes = Array(field.utf8)
            hasher.update(data: Array("\(bytes.count):".utf8))
            hasher.update(data: bytes)
        }
        hasher.update(data: [0x0a])
    }

    public func finalize() -> String {
        "sha256:" + hasher.finalize().hexText
    }
}
