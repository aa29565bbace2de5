import Foundation
import WardenCore

/// Where a journal in PostgreSQL is: `postgres://USER@HOST:PORT/DATABASE`, as operators write
/// it for libpq, with the options Warden takes: `sslmode=disable|require|verify-full` (any
/// mode but `disable` encrypts and verifies the server's certificate and name: Warden never
/// talks to its journal over an unverified channel), `sslrootcert=FILE` (the CA to trust,
/// else the system's), and `host=/run/postgresql` for a Unix socket folder.
///
/// Never with a password: a URL is given in argv, config files and logs, all readable by others.
/// The password comes from a file or the environment (`PostgresPassword`).
public struct PostgresAddress: Sendable, Hashable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, Hashable {
        case disable
        /// Encrypted, with the server's certificate verified against the trusted CAs and its name.
        case require
    }

    public var user: String
    /// A host name or address; ignored when `socketFolder` is set.
    public var host: String
    public var port: Int
    public var database: String
    public var tls: TLSMode
    /// The CA certificate file (PEM) to verify the server with; nil: the system's roots.
    public var rootCertificate: String?
    /// The folder of the server's Unix socket (`.s.PGSQL.PORT` in it); nil: TCP.
    public var socketFolder: String?

    /// Parses `url`; an error names what is wrong and what to write instead.
    public init(url: String) throws(JournalError) {
        func refuse(_ why: String) -> JournalError {
            JournalError(.cannotOpen, "the journal database address is not usable: \(why) (expected postgres://USER@HOST:PORT/DATABASE)")
        }
        guard DatabaseURL.isDatabaseURL(url), let components = URLComponents(string: url) else {
            throw refuse("it is not a postgres:// URL")
        }
        if components.password != nil {
            throw refuse("""
                it carries a password, which would be readable in process lists, configs and logs; remove it and put the password in a \
                file only Warden's user can read (WARDEN_STATE_PASSWORD_FILE, or password_file: in the serve config)
                """)
        }
        guard let user = components.user, !user.isEmpty else { throw refuse("it names no user (postgres://USER@HOST/DATABASE)") }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { throw refuse("it names no database (…/DATABASE)") }
        var socketFolder: String?
        var tls: TLSMode?
        var rootCertificate: String?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                switch item.value {
                case "disable": tls = .disable
                case "require", "verify-full", "verify-ca": tls = .require
                default: throw refuse("sslmode must be disable, require or verify-full, not '\(item.value ?? "")'")
                }
            case "sslrootcert": rootCertificate = item.value
            case "host":
                guard let folder = item.value, folder.hasPrefix("/") else { throw refuse("host= must be the absolute path of a socket folder") }
                socketFolder = folder
            case "application_name", "connect_timeout": continue
            default: throw refuse("the option '\(item.name)' is not one Warden takes (sslmode, sslrootcert, host)")
            }
        }
        let host = (components.host ?? "").removingPercentEncoding ?? ""
        guard !host.isEmpty || socketFolder != nil else { throw refuse("it names no host (…@HOST…, or ?host=/socket/folder)") }
        self.user = user.removingPercentEncoding ?? user
        self.host = host
        port = components.port ?? 5432
        self.database = database.removingPercentEncoding ?? database
        self.socketFolder = socketFolder
        self.rootCertificate = rootCertificate
        // Loopback and a socket stay on this machine; anything else is encrypted unless said otherwise.
        let local = socketFolder != nil || host == "localhost" || host == "::1" || host.hasPrefix("127.")
        self.tls = tls ?? (local ? .disable : .require)
    }

    /// The address as a URL, for messages and logs: no password is ever in it.
    public var description: String {
        var text = "postgres://\(user)@\(socketFolder == nil ? host : ""):\(port)/\(database)"
        var options: [String] = []
        if let socketFolder { options.append("host=\(socketFolder)") }
        if tls == .require { options.append("sslmode=require") }
        if !options.isEmpty { text += "?" + options.joined(separator: "&") }
        return text
    }
}
