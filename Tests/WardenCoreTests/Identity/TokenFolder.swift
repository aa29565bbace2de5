import Foundation
import Testing
@testable import WardenCore

/// A private folder of its own for one test's token file, removed at the end.
struct TokenFolder {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("warden-tokens-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
    }

    /// The token file's path in it.
    var file: String { path + "/tokens.json" }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes `text` to the token file with `mode`.
    func write(_ text: String, mode: mode_t = 0o600) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        #expect(chmod(file, mode) == 0)
    }

    /// The error loading the token file gives; nil when it loads.
    func loadError() -> TokenFileError? {
        do throws(TokenFileError) {
            _ = try TokenFile.load(path: file)
            return nil
        } catch {
            return error
        }
    }

    static func mode(_ path: String) -> mode_t {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & 0o7777 : 0
    }
}

/// A token file document with one entry whose fields are given as JSON text.
func tokenDocument(_ entries: String..., version: String = "1") -> String {
    #"{"version": \#(version), "tokens": [\#(entries.joined(separator: ", "))]}"#
}

let sampleDigest = String(repeating: "ab", count: 32)

func tokenEntry(name: String = "alice", roles: String = #"["operator"]"#, sha256: String = sampleDigest, extra: String = "") -> String {
    #"{"name": "\#(name)", "roles": \#(roles), "sha256": "\#(sha256)", "created_at": 1750000000\#(extra)}"#
}
