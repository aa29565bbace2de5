import Crypto
import Foundation

/// The API tokens `warden serve` accepts: one JSON document,
///
/// ```json
/// {"version": 1, "tokens": [{"name": "alice", "roles": ["operator"], "sha256": "<hex>",
///                            "created_at": 1750000000, "expires_at": 1757776000}]}
/// ```
///
/// managed with `warden token add|list|revoke` (`add`, `revoke`, `save`)
/// and read by the server (`load`, `identity(forToken:at:)`).
///
/// Only SHA-256 digests of the tokens are stored, never the tokens: the file
/// sits in a state folder that is backed up and copied around, and whoever
/// reads a digest still cannot present the token. A plain (unkeyed, unsalted)
/// digest is enough here, unlike for secret parameters (`SecretDigestKey`),
/// because a token is 256 random bits: there is nothing to guess.
///
/// The file is trusted only when nobody but its owner could have written
/// it (`load`): it decides who may start runs and approve them.
public struct TokenFile: Sendable, CustomStringConvertible {
    /// The format version this Warden reads and writes.
    public static let version = 1
    /// What every token starts with, so that secret scanners and people spot one in a log or a commit.
    public static let tokenPrefix = "wdn_"
    /// Random bytes per token: 256 bits, base64url-encoded to 43 characters after the prefix.
    public static let tokenBytes = 32
    /// Longer presented tokens are refused without hashing: a real one is 47 bytes, and hashing
    /// whatever megabytes a client sends in a header would be work done for an attacker.
    public static let maximumTokenLength = 200

    /// The tokens, in the order they were added.
    public private(set) var entries: [TokenEntry]

    /// An empty token file (no token authenticates).
    public init() {
        entries = []
    }

    init(entries: [TokenEntry]) {
        self.entries = entries
    }

    /// `N tokens: alice, bob`: names only, never digests.
    public var description: String {
        "\(entries.count) token\(entries.count == 1 ? "" : "s")" + (entries.isEmpty ? "" : ": " + entries.map(\.name).joined(separator: ", "))
    }

    /// Adds a token called `name` carrying `roles`, made at `now` and
    /// valid until `expires` (nil: until revoked), and returns it: the only
    /// time it exists outside the client that is given it. Refuses a name
    /// that is not `[A-Za-z0-9._@-]{1,64}` or is taken, no roles, and an
    /// expiry that is not after `now`.
    public mutating func add(name: String, roles: Set<Role>, expires: Date?, now: Date) throws(TokenFileError) -> String {
        guard TokenEntry.isValidName(name) else {
            throw TokenFileError(.invalidRequest, "'\(VisibleText.line(name.prefix(80)))' cannot name a token: use 1 to 64 of the letters A-Z and a-z, the digits and . _ @ - "
                                 + "(the name is what the journal records for what the token does)")
        }
        guard !entries.contains(where: { $0.name == name }) else {
            throw TokenFileError(.invalidRequest, "there is already a token called '\(name)'; revoke it first (warden token revoke \(name)) or choose another name")
        }
        guard !roles.isEmpty else {
            throw TokenFileError(.invalidRequest, "a token needs at least one role; the roles are \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let createdAt = Int64(now.timeIntervalSince1970.rounded(.down))
        var expiresAt: Int64?
        if let expires {
            let seconds = expires.timeIntervalSince1970.rounded(.down)
            guard seconds > TimeInterval(createdAt), seconds < TimeInterval(Int64.max) else {
                throw TokenFileError(.invalidRequest, "the token '\(name)' would expire at \(ISO8601DateFormatter().string(from: expires)), "
                                     + "not after it is made (\(ISO8601DateFormatter().string(from: now))); give an expiry in the future")
            }
            expiresAt = Int64(seconds)
        }
        let token = TokenFile.newToken()
        let entry = TokenEntry(name: name, roles: roles, createdAt: createdAt, expiresAt: expiresAt, digest: TokenFile.digest(of: token))
        entries.append(entry)
        return token
    }

    /// Removes the token called `name`; a client presenting it is refused
    /// once the server has read the saved file. An unknown name is refused
    /// with the closest known one.
    public mutating func revoke(name: String) throws(TokenFileError) {
        guard let index = entries.firstIndex(where: { $0.name == name }) else {
            let names = entries.map(\.name)
            let hint = NameSuggestion.hint(for: name, among: names).map { " (\($0))" } ?? ""
            let known = names.isEmpty ? "there are no tokens" : "the tokens are \(names.joined(separator: ", "))"
            throw TokenFileError(.noSuchToken, "there is no token called '\(VisibleText.line(name.prefix(80)))'\(hint); \(known)")
        }
        entries.remove(at: index)
    }

    /// The identity a client presenting `token` has at `date`: nil for a token
    /// that is not in the file, has expired, or is not a Warden token at all.
    ///
    /// Every stored digest is compared in full with the presented token's,
    /// with no early exit, so the time taken does not tell a client how
    /// much of a digest it got right (it depends only on the number of tokens).
    public func identity(forToken token: String, at date: Date) -> Identity? {
        let bytes = Array(token.utf8)
        guard bytes.count <= TokenFile.maximumTokenLength, bytes.starts(with: Array(TokenFile.tokenPrefix.utf8)) else { return nil }
        return identity(forDigest: TokenFile.digest(of: token), at: date)
    }

    /// The identity of the token whose SHA-256 digest is `presented`, as `identity(forToken:at:)`: what a
    /// web session keeps instead of the token, so revoking or expiring the token (or changing its roles)
    /// reaches the sessions signed in with it at their next page.
    public func identity(forDigest presented: [UInt8], at date: Date) -> Identity? {
        guard presented.count == 32 else { return nil }
        var found = -1
        for (index, entry) in entries.enumerated() {
            // Stored digests always have 32 bytes (the loader and `add` make sure).
            var difference: UInt8 = 0
            for position in 0..<presented.count {
                difference |= presented[position] ^ entry.digest[position]
            }
            // Remembers a match without branching on where the digests differed.
            let matches = Int(difference == 0 ? 1 : 0)
            found = matches * index + (1 - matches) * found
        }
        guard found >= 0 else { return nil }
        let entry = entries[found]
        guard !entry.isExpired(at: date) else { return nil }
        return Identity(name: entry.name, roles: entry.roles, proof: .token(name: entry.name))
    }

    /// SHA-256 of a token's UTF-8 bytes: what the file stores.
    public static func digest(of token: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(token.utf8)))
    }

    /// `wdn_` and 32 bytes of the system's CSPRNG (getrandom) in base64url without padding.
    static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<tokenBytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let base64 = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return tokenPrefix + base64
    }
}
