import Foundation
import Testing
@testable import WardenCore
import WardenTesting

extension IdentityTests {
    /// A token file round trip: a token added and saved authenticates after the
    /// file is loaded again, and nothing but its digest was written.
    @Suite("Token file")
    struct TokenFileTests {
        @Test func anAddedTokenAuthenticatesAfterSaveAndLoadAndTheFileHoldsOnlyItsDigest() throws {
            let folder = try TokenFolder()
            defer { folder.remove() }
            let clock = TestClock()
            var file = TokenFile()
            let token = try file.add(name: "alice", roles: [.operator, .approver], expires: nil, now: clock.now)
            let other = try file.add(name: "alerts-bridge", roles: [.alerts], expires: nil, now: clock.now)
            try file.save(path: folder.file)

            let loaded = try TokenFile.load(path: folder.file)
            #expect(loaded.entries == file.entries)
            let identity = try #require(loaded.identity(forToken: token, at: clock.now))
            #expect(identity == Identity(name: "alice", roles: [.operator, .approver], proof: .token(name: "alice")))
            #expect(loaded.identity(forToken: other, at: clock.now)?.name == "alerts-bridge")

            let written = try String(contentsOfFile: folder.file, encoding: .utf8)
            #expect(!written.contains(token) && !written.contains(String(token.dropFirst(4))), "the token itself must never be stored")
            #expect(written.contains(TokenFile.digest(of: token).hexText))
            #expect(TokenFolder.mode(folder.file) == 0o600)
            // Only the file itself is left: no temporary file beside it.
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["tokens.json"])
            let document = try JSONSerialization.jsonObject(with: Data(written.utf8)) as? [String: Any]
            #expect(document?["version"] as? Int == 1)
            let first = (document?["tokens"] as? [[String: Any]])?.first
            #expect(first?["roles"] as? [String] == ["operator", "approver"])
            #expect(first?["created_at"] as? Int == Int(clock.now.timeIntervalSince1970))
            #expect(first?["expires_at"] == nil)
        }

        @Test func tokensLookLikeWardenTokensAndAreNeverTheSame() throws {
            var file = TokenFile()
            var seen: Set<String> = []
            for index in 0..<50 {
                let token = try file.add(name: "t\(index)", roles: [.viewer], expires: nil, now: Date())
                #expect(token.hasPrefix("wdn_"))
                #expect(token.count == 4 + 43, "32 bytes in base64url without padding")
                #expect(token.dropFirst(4).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
                seen.insert(token)
            }
            #expect(seen.count == 50)
        }

        @Test func aWrongTokenAnUnprefixedOneAndAnAbsurdlyLongOneGiveNoIdentity() throws {
            var file = TokenFile()
            let token = try file.add(name: "alice", roles: [.viewer], expires: nil, now: Date())
            #expect(file.identity(forToken: token, at: Date()) != nil)
            var wrong = Array(token)
            wrong[wrong.count - 1] = wrong.last == "A" ? "B" : "A"
            #expect(file.identity(forToken: String(wrong), at: Date()) == nil)
            #expect(file.identity(forToken: String(token.dropFirst(4)), at: Date()) == nil, "the prefix is part of the token")
            #expect(file.identity(forToken: "", at: Date()) == nil)
            #expect(file.identity(forToken: "wdn_", at: Date()) == nil)
            #expect(file.identity(forToken: token + String(repeating: "x", count: 200), at: Date()) == nil)
            #expect(TokenFile().identity(forToken: token, at: Date()) == nil)
        }

        @Test func anExpiredTokenGivesNoIdentityFromTheSecondItExpires() throws {
            let folder = try TokenFolder()
            defer { folder.remove() }
            let clock = TestClock()
            var file = TokenFile()
            let token = try file.add(name: "ci", roles: [.operator], expires: clock.now.addingTimeInterval(3600), now: clock.now)
            try file.save(path: folder.file)
            let loaded = try TokenFile.load(path: folder.file)
            #expect(loaded.entries.first?.expires == clock.now.addingTimeInterval(3600))
            #expect(loaded.identity(forToken: token, at: clock.now)?.name == "ci")
            clock.advance(by: .seconds(3599))
            #expect(loaded.identity(forToken: token, at: clock.now)?.name == "ci")
            clock.advance(by: .seconds(1))
            #expect(loaded.identity(forToken: token, at: clock.now) == nil)
            #expect(loaded.entries.first?.isExpired(at: clock.now) == true)
        }

        @Test func addRefusesABadOrTakenNameNoRolesAndAnExpiryNotInTheFuture() throws {
            var file = TokenFile()
            let now = Date(timeIntervalSince1970: 1_750_000_000)
            _ = try file.add(name: "alice@example.com", roles: [.viewer], expires: nil, now: now)
            func refusal(_ name: String, _ roles: Set<Role> = [.viewer], expires: Date? = nil) -> TokenFileError? {
                do throws(TokenFileError) {
                    _ = try file.add(name: name, roles: roles, expires: expires, now: now)
                    return nil
                } catch {
                    return error
                }
            }
            #expect(refusal("alice@example.com")?.description.contains("there is already a token called 'alice@example.com'") == true)
            #expect(refusal("")?.kind == .invalidRequest)
            #expect(refusal("two words")?.description.contains("cannot name a token") == true)
            #expect(refusal("bell\u{7}")?.description.contains("'bell\\x07'") == true, "a refused name is shown escaped")
            #expect(refusal(String(repeating: "a", count: 65)) != nil)
            #expect(refusal(String(repeating: "a", count: 64)) == nil)
            #expect(refusal("no-roles", [])?.description.contains("at least one role") == true)
            #expect(refusal("past", expires: now)?.description.contains("not after it is made") == true)
            #expect(file.entries.count == 2, "only the refusals' names are missing")
        }

        @Test func revokeRemovesATokenAndNamesTheClosestForAnUnknownOne() throws {
            let folder = try TokenFolder()
            defer { folder.remove() }
            var file = TokenFile()
            let alice = try file.add(name: "alice", roles: [.viewer], expires: nil, now: Date())
            let bob = try file.add(name: "bob", roles: [.viewer], expires: nil, now: Date())
            try file.save(path: folder.file)

            try TokenFile.update(path: folder.file, creating: false) { (file: inout TokenFile) throws(TokenFileError) in
                try file.revoke(name: "alice")
            }
            let loaded = try TokenFile.load(path: folder.file)
            #expect(loaded.entries.map(\.name) == ["bob"])
            #expect(loaded.identity(forToken: alice, at: Date()) == nil)
            #expect(loaded.identity(forToken: bob, at: Date()) != nil)

            var copy = loaded
            let error = #expect(throws: TokenFileError.self) { try copy.revoke(name: "bobb") }
            #expect(error?.kind == .noSuchToken)
            #expect(error?.description == "there is no token called 'bobb' (did you mean 'bob'?); the tokens are bob")
        }

        @Test func noDescriptionDumpOrMirrorOfAnEntryOrAFileShowsADigest() throws {
            var file = TokenFile()
            let token = try file.add(name: "alice", roles: [.admin, .approver], expires: nil, now: Date(timeIntervalSince1970: 1_750_000_000))
            let digest = TokenFile.digest(of: token).hexText
            let entry = try #require(file.entries.first)
            var dumped = ""
            dump(entry, to: &dumped)
            dump(file, to: &dumped)
            for text in [entry.description, String(describing: entry), String(reflecting: entry), "\(file)", String(reflecting: file), dumped] {
                #expect(!text.contains(digest) && !text.contains(String(digest.prefix(16))), "\(text)")
                #expect(!text.contains(token))
            }
            #expect(entry.description == "alice [approver, admin] created 2025-06-15T15:06:40Z, expires never")
        }

        @Test func updateMakesTheFirstFileOnlyWhenAskedAndLoadOrEmptyTakesAMissingFileForAnEmptyOne() throws {
            let folder = try TokenFolder()
            defer { folder.remove() }
            #expect(folder.loadError()?.kind == .missing)
            #expect(folder.loadError()?.description.contains("there is no token file \(folder.file)") == true)
            #expect(try TokenFile.loadOrEmpty(path: folder.file).entries.isEmpty)
            #expect(try TokenFile.loadOrEmpty(path: folder.path + "/absent/tokens.json").entries.isEmpty)

            let refused = #expect(throws: TokenFileError.self) {
                try TokenFile.update(path: folder.file, creating: false) { (file: inout TokenFile) throws(TokenFileError) in
                    try file.revoke(name: "alice")
                }
            }
            #expect(refused?.kind == .missing)
            #expect(!FileManager.default.fileExists(atPath: folder.file))

            let token = try TokenFile.update(path: folder.file, creating: true) { (file: inout TokenFile) throws(TokenFileError) in
                try file.add(name: "first", roles: [.viewer], expires: nil, now: Date())
            }
            #expect(try TokenFile.load(path: folder.file).identity(forToken: token, at: Date())?.name == "first")

            // A change that throws writes nothing.
            _ = #expect(throws: TokenFileError.self) {
                try TokenFile.update(path: folder.file, creating: true) { (file: inout TokenFile) throws(TokenFileError) in
                    _ = try file.add(name: "second", roles: [.viewer], expires: nil, now: Date())
                    try file.revoke(name: "nobody")
                }
            }
            #expect(try TokenFile.load(path: folder.file).entries.map(\.name) == ["first"])

            // Saving needs the folder.
            let noFolder = #expect(throws: TokenFileError.self) { try TokenFile().save(path: folder.path + "/absent/tokens.json") }
            #expect(noFolder?.kind == .cannotWrite)
            #expect(noFolder?.description.contains("does not exist") == true)
        }

        @Test func concurrentUpdatesLoseNoChange() async throws {
            let folder = try TokenFolder()
            defer { folder.remove() }
            let path = folder.file
            let names = (0..<12).map { "token-\($0)" }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for name in names {
                    group.addTask {
                        try await onDedicatedThread {
                            _ = try TokenFile.update(path: path, creating: true) { (file: inout TokenFile) throws(TokenFileError) in
                                try file.add(name: name, roles: [.viewer], expires: nil, now: Date())
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(Set(try TokenFile.load(path: path).entries.map(\.name)) == Set(names))
        }
    }
}
