import ArgumentParser
import Foundation
import WardenCore

/// Where runs are journaled; shared by every command that reads or writes runs.
struct StateOptions: ParsableArguments {
    @Option(name: .customLong("state"), help: "The state folder holding the run journal (default: WARDEN_STATE_DIR, else $XDG_STATE_HOME/warden, else ~/.local/state/warden).")
    var directory: String?

    var resolved: String { directory ?? Journal.defaultDirectory() }

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

    /// The journal; a folder that cannot hold it is invalid input.
    func open() async throws -> Journal {
        do {
            return try await Journal.open(directory: resolved)
        } catch {
            throw InvalidInput(description: error.description)
        }
    }
}
