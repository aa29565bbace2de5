import ArgumentParser
import Foundation
import WardenCore
import WardenPostgres

/// Where runs are journaled; shared by every command that reads or writes runs: a state folder
/// (SQLite, the default) or a PostgreSQL database that several controllers share.
struct StateOptions: ParsableArguments {
    @Option(name: .customLong("state"), help: ArgumentHelp(
        "The journal: a state folder, or postgres://USER@HOST:PORT/DATABASE (default: WARDEN_STATE, else WARDEN_STATE_DIR, else $XDG_STATE_HOME/warden, else ~/.local/state/warden).",
        discussion: "A database's password is never given here: WARDEN_STATE_PASSWORD_FILE names a file only you can read (or WARDEN_STATE_PASSWORD holds it)."))
    var location: String?

    /// What `--state` or `WARDEN_STATE` says, else the default state folder.
    var given: String {
        if let location { return location }
        if let state = ProcessInfo.processInfo.environment["WARDEN_STATE"], !state.isEmpty { return state }
        return Journal.defaultDirectory()
    }

    /// This controller's state folder: the journal's own, or beside a database (tokens, keys,
    /// artifacts) the default state folder.
    var resolved: String {
        DatabaseURL.isDatabaseURL(given) ? Journal.defaultDirectory() : given
    }

    /// This user's key for binding secret values into plan hashes
    /// (`SecretDigestKey`), made when there is none; nil for a runbook without
    /// secret parameters. A key that cannot be made or trusted is invalid input.
    func secretKey(for runbook: Runbook) throws -> SecretDigestKey? {
        guard runbook.parameters.contains(where: \.secret) else { return nil }
        do {
            return try SecretDigestKey.openOrCreate(directory: resolved)
        } catch {
            throw InvalidInput(description: error.description)
        }
    }

    /// The journal; a folder or database that cannot hold it (or an address that is not
    /// usable, such as one carrying a password) is invalid input.
    func open() async throws -> Journal {
        do {
            return try await JournalLocation(given).open(folder: resolved)
        } catch {
            throw InvalidInput(description: error.description)
        }
    }
}
