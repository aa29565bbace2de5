import Foundation
import Testing
import WardenCore
@testable import WardenPostgres
import WardenTesting

/// The journal database's address and password: what is taken, what is refused and why, and
/// that no password ever reaches a message.
@Suite("PostgreSQL address and password")
struct PostgresAddressTests {
    @Test func anAddressReadsAsLibpqWritesItAndLoopbackGoesWithoutTLSUnlessAsked() throws {
        let local = try PostgresAddress(url: "postgres://warden@127.0.0.1:5433/journal")
        #expect(local.user == "warden" && local.host == "127.0.0.1" && local.port == 5433 && local.database == "journal")
        #expect(local.tls == .disable)
        let remote = try PostgresAddress(url: "postgresql://warden@db.internal/journal")
        #expect(remote.port == 5432 && remote.tls == .require, "a host off this machine is encrypted and verified by default")
        let socket = try PostgresAddress(url: "postgres://warden@/journal?host=/run/postgresql")
        #expect(socket.socketFolder == "/run/postgresql" && socket.tls == .disable)
        let pinned = try PostgresAddress(url: "postgres://warden@db.internal/journal?sslmode=verify-full&sslrootcert=/etc/warden/ca.pem")
        #expect(pinned.tls == .require && pinned.rootCertificate == "/etc/warden/ca.pem")
        #expect(pinned.description == "postgres://warden@db.internal:5432/journal?sslmode=require")
    }

    @Test(arguments: [
        ("postgres://warden:hunter2@db/journal", "carries a password"),
        ("postgres://db/journal", "names no user"),
        ("postgres://warden@db/", "names no database"),
        ("postgres://warden@db/journal?sslmode=allow", "sslmode must be"),
        ("postgres://warden@db/journal?options=-c%20x", "not one Warden takes"),
        ("postgres://warden@/journal", "names no host"),
        ("postgres://warden@/journal?host=relative", "absolute path"),
        ("mysql://warden@db/journal", "not a postgres:// URL"),
    ])
    func aBadAddressIsRefusedNamingWhatIsWrongAndNeverItsPassword(_ url: String, _ expected: String) {
        do {
            _ = try PostgresAddress(url: url)
            Issue.record("\(url) was taken")
        } catch {
            #expect(error.kind == .cannotOpen)
            #expect(error.description.contains(expected), "\(error)")
            #expect(!error.description.contains("hunter2"))
        }
    }

    @Test func garbageAddressesAreRefusedWithoutCrashing() {
        var generator = SeededGenerator(seed: 19)
        let pieces = ["postgres://", "postgresql://", "@", ":", "/", "?", "&", "=", "%", "%00", "host=", "sslmode=", "user", "db", "[::1]",
                      "\u{0}", "é", " ", "#", "5432", "99999999999999999999", "..", "//"]
        for _ in 0..<5000 {
            let url = (0..<Int.random(in: 1...12, using: &generator)).map { _ in pieces.randomElement(using: &generator) ?? "" }.joined()
            if let address = try? PostgresAddress(url: url) {
                #expect(!address.description.isEmpty && !address.user.isEmpty)
            }
        }
    }

    @Test func thePasswordComesFromAFileOnlyItsOwnerReadsAndNeverFromALink() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("warden-password-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/password"
        FileManager.default.createFile(atPath: file, contents: Data("s3cret\nignored\n".utf8), attributes: [.posixPermissions: 0o600])
        #expect(try PostgresPassword.resolve(file: file, environment: [:]) == "s3cret")
        #expect(try PostgresPassword.resolve(environment: ["WARDEN_STATE_PASSWORD_FILE": file]) == "s3cret")
        #expect(try PostgresPassword.resolve(environment: ["WARDEN_STATE_PASSWORD": "fromenv"]) == "fromenv")
        #expect(try PostgresPassword.resolve(environment: [:]) == nil)

        chmod(file, 0o644)
        #expect(throws: JournalError.self) { try PostgresPassword.resolve(file: file, environment: [:]) }
        do {
            _ = try PostgresPassword.resolve(file: file, environment: [:])
        } catch {
            #expect(error.description.contains("can be read by other users") && !error.description.contains("s3cret"), "\(error)")
        }
        chmod(file, 0o600)
        let link = folder + "/link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: file)
        do {
            _ = try PostgresPassword.resolve(file: link, environment: [:])
            Issue.record("a password was read through a link")
        } catch {
            #expect(error.description.contains("symbolic link"), "\(error)")
        }
    }
}
