import Foundation

/// One API token of a token file: its name, the roles it carries, when it
/// was made and when it expires. The token itself is never kept, only its
/// SHA-256 digest, and the digest is internal and left out of every
/// description, dump and mirror of an entry, so that no log line or test
/// failure message carries it (a digest is not the token, but a list of
/// them is all an offline guesser needs).
public struct TokenEntry: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// `[A-Za-z0-9._@-]{1,64}`: what the journal records as the identity's name.
    public let name: String
    public let roles: Set<Role>
    /// Unix seconds, as stored: whole seconds, so a file written and read back is equal to itself.
    let createdAt: Int64
    let expiresAt: Int64?
    /// SHA-256 of the token's UTF-8 bytes (prefix included).
    let digest: [UInt8]

    init(name: String, roles: Set<Role>, createdAt: Int64, expiresAt: Int64?, digest: [UInt8]) {
        self.name = name
        self.roles = roles
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.digest = digest
    }

    public var created: Date { Date(timeIntervalSince1970: TimeInterval(createdAt)) }

    /// Nil for a token that never expires.
    public var expires: Date? { expiresAt.map { Date(timeIntervalSince1970: TimeInterval($0)) } }

    /// Whether the token no longer authenticates at `date`: it expires at the second `expires` names.
    public func isExpired(at date: Date) -> Bool {
        guard let expiresAt else { return false }
        return date.timeIntervalSince1970 >= TimeInterval(expiresAt)
    }

    /// The roles in the order `Role.allCases` lists them, for output that does not change from run to run.
    public var sortedRoles: [Role] { Role.allCases.filter(roles.contains) }

    /// `alice [operator, approver] created 2025-06-15T15:06:40Z, expires never`; never the digest.
    public var description: String {
        let roles = sortedRoles.map(\.rawValue).joined(separator: ", ")
        let expiry = expires.map { ISO8601DateFormatter().string(from: $0) } ?? "never"
        return "\(name) [\(roles)] created \(ISO8601DateFormatter().string(from: created)), expires \(expiry)"
    }

    public var debugDescription: String { description }

    /// What `dump` and the test libraries show: the fields without the digest.
    public var customMirror: Mirror {
        Mirror(self, children: ["name": name, "roles": sortedRoles, "created": created, "expires": expires as Any],
               displayStyle: .struct)
    }

    /// Whether `name` is one a token may have: 1 to 64 of ASCII letters, digits, `.`, `_`, `@`, `-`.
    /// Names go into the journal and log lines as they are, so nothing else is allowed.
    public static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...64).contains(bytes.count) else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "@"), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
    }
}
