import Foundation
import WardenCore

/// Where the journal is, as `--state`, `WARDEN_STATE` and the serve config's `state:` say it: a
/// state folder (SQLite, the embedded default for one controller) or a PostgreSQL database
/// (`postgres://USER@HOST:PORT/DATABASE`, for several controllers sharing one journal). The one
/// place either is opened, for the CLI, the daemon and the tests alike.
public enum JournalLocation: Sendable, Hashable, CustomStringConvertible {
    case folder(String)
    case database(PostgresAddress)

    /// A folder path, or a database URL (refused with the reason when it is not usable).
    public init(_ text: String) throws(JournalError) {
        if DatabaseURL.isDatabaseURL(text) {
            self = .database(try PostgresAddress(url: text))
        } else {
            self = .folder(text)
        }
    }

    public var description: String {
        switch self {
        case let .folder(path): path
        case let .database(address): address.description
        }
    }

    /// Opens the journal (creating a folder's, migrating either). For a database: the password
    /// from `passwordFile` or the environment (`PostgresPassword`), and `folder` as this
    /// controller's local state folder (artifacts, keys; default `Journal.defaultDirectory`).
    public func open(folder: String? = nil, passwordFile: String? = nil,
                     environment: [String: String] = ProcessInfo.processInfo.environment,
                     actor: String = OperatingSystemUser.name) async throws(JournalError) -> Journal {
        switch self {
        case let .folder(path):
            return Journal(store: try await Journal.open(directory: path).store, actor: actor)
        case let .database(address):
            let password = try PostgresPassword.resolve(file: passwordFile, environment: environment)
            let store = try await PostgresJournalStore.open(address, password: password)
            // The local state folder (artifacts, keys, tokens), made as a state folder's journal would make it.
            let local = folder ?? Journal.defaultDirectory(environment: environment)
            do {
                try FileManager.default.createDirectory(atPath: local, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw JournalError(.cannotOpen, "cannot create the state folder \(local): \(error.localizedDescription)")
            }
            return Journal(store: store, actor: actor, folder: local)
        }
    }
}
