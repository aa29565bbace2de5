import Foundation
import Testing
import WardenCore
import WardenTesting

/// `warden token add|list|revoke` on a real state folder: the token is
/// printed once and never stored, a listing never shows a digest, and
/// invalid input (an unknown role, a token file others may read) exits 2.
@Suite("warden token, the command")
struct TokenCommandTests {
    /// A fresh state folder (not yet made: `add` makes it) under a private temporary folder.
    private func stateFolder() throws -> (root: URL, state: String) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("warden-token-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return (root, root.appendingPathComponent("state").path)
    }

    @Test func addPrintsATokenOnceListShowsItWithoutItsDigestAndRevokeRemovesIt() async throws {
        let (root, state) = try stateFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = state + "/tokens.json"

        let added = try await warden(["token", "add", "alice", "--role", "operator", "--role", "approver", "--expires", "90d", "--state", state])
        #expect(added.status == 0, "\(added.stderr)")
        let token = added.stdout.trimmingCharacters(in: .newlines)
        #expect(added.stdout == token + "\n", "stdout is the token alone, on one line")
        #expect(token.hasPrefix("wdn_") && token.count == 47, "\(token)")
        #expect(added.stderr.contains("shown only this once"), "\(added.stderr)")
        #expect(added.stderr.contains("'alice' carries the roles operator, approver"), "\(added.stderr)")

        // The file holds the digest, never the token, and authenticates it.
        let stored = try String(contentsOfFile: file, encoding: .utf8)
        #expect(!stored.contains(token))
        var info = stat()
        #expect(stat(file, &info) == 0 && info.st_mode & 0o777 == 0o600)
        let loaded = try TokenFile.load(path: file)
        #expect(loaded.identity(forToken: token, at: Date())?.roles == [.operator, .approver])
        let digest = try #require((try JSONSerialization.jsonObject(with: Data(stored.utf8)) as? [String: Any])
            .flatMap { ($0["tokens"] as? [[String: Any]])?.first?["sha256"] as? String })

        let second = try await warden(["token", "add", "grafana", "--role", "alerts", "--state", state])
        #expect(second.status == 0, "\(second.stderr)")

        let listed = try await warden(["token", "list", "--state", state])
        #expect(listed.status == 0, "\(listed.stderr)")
        let lines = listed.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(listed.stdout)")
        #expect(lines.first?.split(separator: " ", omittingEmptySubsequences: true) == ["NAME", "ROLES", "CREATED", "EXPIRES"])
        #expect(lines.contains { $0.hasPrefix("alice ") && $0.contains("operator,approver") && !$0.contains("never") })
        #expect(lines.contains { $0.hasPrefix("grafana ") && $0.contains("alerts") && $0.hasSuffix("never") })

        let json = try await warden(["token", "list", "--state", state, "--output", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(entries.map { $0["name"] as? String } == ["alice", "grafana"])
        #expect(entries[0]["roles"] as? [String] == ["operator", "approver"])
        #expect(entries[0]["expired"] as? Bool == false)
        let created = try #require(entries[0]["created_at"] as? Int)
        let expires = try #require(entries[0]["expires_at"] as? Int)
        #expect(expires - created == 90 * 86_400)
        #expect(entries[1]["expires_at"] is NSNull)
        for output in [listed, json] {
            #expect(!output.stdout.contains(digest) && !output.stdout.contains(String(digest.prefix(12))) && !output.stdout.contains(token))
            #expect(!output.stdout.contains("sha256"))
        }

        let revoked = try await warden(["token", "revoke", "alice", "--state", state])
        #expect(revoked.status == 0, "\(revoked.stderr)")
        #expect(try TokenFile.load(path: file).identity(forToken: token, at: Date()) == nil)
        let after = try await warden(["token", "list", "--state", state])
        #expect(!after.stdout.contains("alice") && after.stdout.contains("grafana"), "\(after.stdout)")

        let again = try await warden(["token", "revoke", "alice", "--state", state])
        #expect(again.status == 2)
        #expect(again.stderr.contains("there is no token called 'alice'; the tokens are grafana"), "\(again.stderr)")
    }

    @Test func anUnknownRoleExitsTwoNamingTheValidRolesAndWritesNothing() async throws {
        let (root, state) = try stateFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try await warden(["token", "add", "bob", "--role", "viewer", "--role", "admn", "--state", state])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("unknown role 'admn' (did you mean 'admin'?); the roles are viewer, operator, approver, admin, alerts"),
                "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: state + "/tokens.json"))

        let none = try await warden(["token", "add", "bob", "--state", state])
        #expect(none.status == 2)
        #expect(none.stderr.contains("at least one --role"), "\(none.stderr)")
    }

    @Test func aTokenFileOthersMayReadIsRefusedWithExitTwo() async throws {
        let (root, state) = try stateFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("api-tokens.json").path
        let added = try await warden(["token", "add", "ci", "--role", "operator", "--tokens", file])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(chmod(file, 0o640) == 0)

        for arguments in [["list"], ["revoke", "ci"], ["add", "other", "--role", "viewer"]] {
            let refused = try await warden(["token"] + arguments + ["--tokens", file])
            #expect(refused.status == 2, "\(arguments): \(refused.stderr)")
            #expect(refused.stdout.isEmpty)
            #expect(refused.stderr.contains("error: cannot trust the token file \(file): it can be read or written by group or others (mode 0640)"),
                    "\(refused.stderr)")
            #expect(refused.stderr.contains("chmod 600 '\(file)'"), "\(refused.stderr)")
        }
        #expect(chmod(file, 0o600) == 0)
        let listed = try await warden(["token", "list", "--tokens", file])
        #expect(listed.status == 0 && listed.stdout.contains("ci "), "\(listed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: state), "--tokens keeps the state folder out of it")
    }

    @Test func listingWithoutATokenFileSaysHowToMakeOne() async throws {
        let (root, state) = try stateFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let listed = try await warden(["token", "list", "--state", state])
        #expect(listed.status == 2)
        #expect(listed.stderr.contains("there is no token file \(state)/tokens.json"), "\(listed.stderr)")
        #expect(listed.stderr.contains("warden token add NAME --role ROLE"), "\(listed.stderr)")
    }
}
