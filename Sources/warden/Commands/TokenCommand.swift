import ArgumentParser
import Foundation
import WardenCore

/// `warden token`: the API tokens `warden serve` accepts (docs/tokens.md).
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Add, list or revoke the API tokens warden serve accepts.",
        discussion: """
            Tokens are kept as SHA-256 digests in a token file (default: tokens.json in the state \
            folder), which must be a regular file of yours, mode 0600, in a folder only you can \
            write to: run these commands as the user that runs warden serve. Roles: viewer (read), \
            operator (plan, start, cancel, resume runs), approver (approve and deny gates), admin \
            (what an operator may, and break locks, reload; not approve), alerts (deliver alerts only).
            """,
        subcommands: [TokenAddCommand.self, TokenListCommand.self, TokenRevokeCommand.self])
}

/// `warden token add NAME --role ROLE...`: makes a token, prints it once.
struct TokenAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Make a token and print it (once: only its digest is kept).",
        discussion: """
            The token alone is printed on stdout, one line, so that it can be piped straight into \
            a secret store; what it carries is said on stderr.
            """)

    @Argument(help: "Its name, which the journal records for what it does (A-Z a-z 0-9 . _ @ -, at most 64).")
    var name: String

    @Option(name: .customLong("role"), help: "A role it carries; repeat for more: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).")
    var roles: [String] = []

    @Option(help: "How long it is valid: 90d, 36h, 1d12h (default: until revoked).")
    var expires: String?

    @OptionGroup var tokens: TokenFileOptions

    func validate() throws {
        guard !roles.isEmpty else {
            throw ValidationError("give the token at least one --role: \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let expires { _ = try TokenLifetime.seconds(expires) }
    }

    func run() throws {
        let roles = try TokenFileOptions.handling { () throws(TokenFileError) in
            var parsed: Set<Role> = []
            for name in self.roles { parsed.insert(try Role(named: name)) }
            return parsed
        }
        let now = Date()
        let expiry = try expires.map { now.addingTimeInterval(try TokenLifetime.seconds($0)) }
        try tokens.makeDefaultFolder()
        let path = tokens.path
        let token = try TokenFileOptions.handling { () throws(TokenFileError) in
            try TokenFile.update(path: path, creating: true) { (file: inout TokenFile) throws(TokenFileError) in
                try file.add(name: name, roles: roles, expires: expiry, now: now)
            }
        }
        Terminal.write(token + "\n")
        let carried = Role.allCases.filter(roles.contains).map(\.rawValue).joined(separator: ", ")
        let until = expiry.map { "until \(ISO8601DateFormatter().string(from: $0))" } ?? "until revoked"
        Terminal.writeError("""
            The token above is shown only this once; Warden keeps only its digest (in \(path)).
            '\(name)' carries the role\(roles.count == 1 ? "" : "s") \(carried), \(until); revoke it with: warden token revoke \(name)

            """)
    }
}

/// `warden token list`: what each token may do and until when; never a digest.
struct TokenListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the tokens: name, roles, when made, when they expire.")

    @OptionGroup var tokens: TokenFileOptions

    @Option(help: "Output format: text or json.")
    var output: OutputFormat = .text

    /// One token as `--output json` lists it: the file's fields less the digest, and whether it has expired.
    struct Listed: Encodable {
        let name: String
        let roles: [String]
        let createdAt: Int
        let expiresAt: Int?
        let expired: Bool

        enum CodingKeys: String, CodingKey {
            case name, roles, expired
            case createdAt = "created_at"
            case expiresAt = "expires_at"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(roles, forKey: .roles)
            try container.encode(createdAt, forKey: .createdAt)
            // null, not absent, for a token that never expires: a reader sees the field either way.
            try container.encode(expiresAt, forKey: .expiresAt)
            try container.encode(expired, forKey: .expired)
        }
    }

    func run() throws {
        let path = tokens.path
        let file = try TokenFileOptions.handling { () throws(TokenFileError) in try TokenFile.load(path: path) }
        let now = Date()
        let listed = file.entries.map { entry in
            Listed(name: entry.name, roles: entry.sortedRoles.map(\.rawValue), createdAt: Int(entry.created.timeIntervalSince1970),
                   expiresAt: entry.expires.map { Int($0.timeIntervalSince1970) }, expired: entry.isExpired(at: now))
        }
        switch output {
        case .json:
            Terminal.writeJSON(try JSONText.encode(listed) + "\n")
        case .text:
            Terminal.write(Self.table(listed))
        }
    }

    static func table(_ listed: [Listed]) -> String {
        guard !listed.isEmpty else { return "No tokens.\n" }
        let time = ISO8601DateFormatter()
        let rows = [["NAME", "ROLES", "CREATED", "EXPIRES"]] + listed.map { token in
            [token.name, token.roles.joined(separator: ","),
             time.string(from: Date(timeIntervalSince1970: TimeInterval(token.createdAt))),
             token.expiresAt.map { time.string(from: Date(timeIntervalSince1970: TimeInterval($0))) + (token.expired ? " (expired)" : "") } ?? "never"]
        }
        let widths = (0..<4).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, text in
                column == row.count - 1 ? text : text.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}

/// `warden token revoke NAME`: the token no longer authenticates once the server has read the file.
struct TokenRevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke a token: warden serve refuses it once it has read the token file again.")

    @Argument(help: "The token's name (see `warden token list`).")
    var name: String

    @OptionGroup var tokens: TokenFileOptions

    func run() throws {
        let path = tokens.path
        try TokenFileOptions.handling { () throws(TokenFileError) in
            try TokenFile.update(path: path, creating: false) { (file: inout TokenFile) throws(TokenFileError) in
                try file.revoke(name: name)
            }
        }
        Terminal.write(VisibleText.line("revoked the token '\(name)' in \(path)") + "\n")
    }
}
