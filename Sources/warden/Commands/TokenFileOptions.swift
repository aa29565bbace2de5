import ArgumentParser
import Foundation
import WardenCore

/// Which token file `warden token` manages: `--tokens FILE`, else
/// `tokens.json` in the state folder (`StateOptions`), where `warden serve`
/// looks for it by default.
struct TokenFileOptions: ParsableArguments {
    @OptionGroup var state: StateOptions

    @Option(name: .customLong("tokens"), help: "The token file (default: tokens.json in the state folder).")
    var file: String?

    static let defaultName = "tokens.json"

    var path: String { file ?? (state.resolved as NSString).appendingPathComponent(Self.defaultName) }

    /// Makes the state folder for the default token file when there is none yet, as the
    /// journal does, but private (0700): the token file's folder must not be writable by
    /// others. A folder named by `--tokens` is never made (a typo would go unnoticed).
    func makeDefaultFolder() throws {
        guard file == nil else { return }
        let folder = state.resolved
        guard !FileManager.default.fileExists(atPath: folder) else { return }
        let parent = (folder as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw InvalidInput(description: "cannot create the folder \(parent) for the state folder \(folder): \(error.localizedDescription)")
        }
        guard mkdir(folder, 0o700) == 0 || errno == EEXIST else {
            throw InvalidInput(description: "cannot create the state folder \(folder): \(String(cString: strerror(errno)))")
        }
    }

    /// Runs `body`, turning a token file's refusal into Warden's exit statuses: a file that
    /// could not be written is a failure (exit 1), everything else (no such file, an untrusted
    /// or malformed one, a bad name or role, no such token) is invalid input (exit 2).
    static func handling<Result>(_ body: () throws(TokenFileError) -> Result) throws -> Result {
        do {
            return try body()
        } catch {
            if error.kind == .cannotWrite {
                Terminal.writeError("warden: \(error.description)\n")
                throw ExitStatus.failure
            }
            throw InvalidInput(description: error.description)
        }
    }
}
