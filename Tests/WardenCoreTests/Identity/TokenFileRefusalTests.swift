import Foundation
import Testing
@testable import WardenCore

extension IdentityTests {
    /// A token file decides who may use the API, so one that someone else
    /// could have written, or that does not say exactly what it means, is
    /// refused, with a message naming the file, the problem and the fix.
    @Suite("Token file refusals")
    struct TokenFileRefusalTests {
        /// A valid file with one token, as `save` writes it.
        private func validFile(in folder: TokenFolder) throws {
            var file = TokenFile()
            _ = try file.add(name: "alice", roles: [.operator], expires: nil, now: Date())
            try file.save(path: folder.file)
        }

        @Test(arguments: [0o644, 0o640, 0o604, 0o620, 0o602] as [mode_t])
        func aFileOthersMayReadOrWriteIsRefused(mode: mode_t) throws {
            let folder = try TokenFolder()
            defer { folder.remove() }
            try validFile(in: folder)
            #expect(chmod(folder.file, mode) == 0)
            let error = try #require(folder.loadError())
            #expect(error.kind == .untrusted)
            #expect(error.description.contains(folder.file), "\(error)")
            #expect(error.description.contains("can be read or written by group or others (mode 0\(String(mode, radix: 8)))"), "\(error)")
            #expect(error.description.contains("chmod 600 '\(folder.file)'"), "\(error)")
        }

        @Test func aSymbolicLinkIsRefusedEvenToAGoodFile() throws {
            let folder = try TokenFolder()
            defer { folder.remove() }
            let real = folder.path + "/real.json"
            try validFile(in: folder)
            #expect(rename(folder.file, real) == 0)
            try FileManager.default.createSymbolicLink(atPath: folder.file, withDestinationPath: real)
            let error = try #require(folder.loadError())
            #expect(error.kind == .untrusted)
            #expect(error.description.contains("\(folder.file) is a symbolic link to \(real)"), "\(error)")
            #expect(error.description.contains("rm '\(folder.file)'"), "\(error)")

            // Saving does not replace the link either, and leaves its target as it was.
            let before = try String(contentsOfFile: real, encoding: .utf8)
            let saving = #expect(throws: TokenFileError.self) { try TokenFile().save(path: folder.file) }
            #expect(saving?.kind == .untrusted)
            #expect(try String(contentsOfFile: real, encoding: .utf8) == before)
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: folder.file) == real)
        }

        @Test func somethingOtherThanARegularFileIsRefusedWithoutBlocking() throws {
            let folder = try TokenFolder()
            defer { folder.remove() }
            #expect(mkfifo(folder.file, 0o600) == 0)
            #expect(folder.loadError()?.description.contains("it is a named pipe, not a regular file") == true)
            #expect(unlink(folder.file) == 0)
            try FileManager.default.createDirectory(atPath: folder.file, withIntermediateDirectories: false)
            #expect(folder.loadError()?.description.contains("it is a folder, not a regular file") == true)
        }

        @Test func aFileWithASecondNameIsRefused() throws {
            let folder = try TokenFolder()
            defer { folder.remove() }
            try validFile(in: folder)
            #expect(link(folder.file, folder.path + "/kept.json") == 0)
            let error = try #require(folder.loadError())
            #expect(error.kind == .untrusted)
            #expect(error.description.contains("\(folder.file): it has 2 names (hard links)"), "\(error)")
        }

        @Test(.enabled(if: geteuid() == 0, "only root can give a file to another user"))
        func aFileOfAnotherUserIsRefused() throws {
            let folder = try TokenFolder()
            defer { folder.remove() }
            try validFile(in: folder)
            #expect(chown(folder.file, 4242, 4242) == 0)
            let error = try #require(folder.loadError())
            #expect(error.kind == .untrusted)
            #expect(error.description.contains("\(folder.file): it belongs to uid 4242, not to you (uid 0) or root"), "\(error)")

            // And a folder of another user, whose owner could swap the file.
            #expect(chown(folder.file, 0, 0) == 0)
            #expect(folder.loadError() == nil)
            #expect(chown(folder.path, 4242, 4242) == 0)
            #expect(folder.loadError()?.description.contains("its folder \(folder.path) belongs to uid 4242") == true)
        }

        @Test func aFolderOthersMayWriteToIsRefusedUnlessSticky() throws {
            let folder = try TokenFolder()
            defer { folder.remove() }
            try validFile(in: folder)
            #expect(chmod(folder.path, 0o770) == 0)
            let error = try #require(folder.loadError())
            #expect(error.kind == .untrusted)
            #expect(error.description.contains("its folder \(folder.path) is writable by group or others (mode 0770) and not sticky"), "\(error)")
            #expect(error.description.contains("undo a revocation"), "\(error)")
            #expect(throws: TokenFileError.self) { try TokenFile().save(path: folder.file) }

            // Sticky, as /tmp: only a file's owner may rename or remove it there.
            #expect(chmod(folder.path, 0o1777) == 0)
            #expect(folder.loadError() == nil)
        }

        @Test func malformedJSONIsRefusedWithItsPlace() throws {
            let folder = try TokenFolder()
            defer { folder.remove() }
            try folder.write("{\n  \"version\": 1,\n  \"tokens\": [}\n")
            let error = try #require(folder.loadError())
            #expect(error.kind == .malformed)
            #expect(error.description.hasPrefix("\(folder.file): not valid JSON: "), "\(error)")
            #expect(error.description.contains("line 3"), "\(error)")

            try folder.write("")
            #expect(folder.loadError()?.description == "\(folder.file): the file is empty; a token file is one JSON object, "
                    + #"{"version": 1, "tokens": [...]} (remove it to start anew with warden token add)"#)
            try folder.write("[]")
            #expect(folder.loadError()?.description.contains("a token file is one JSON object") == true)
        }

        /// Each wrong document, and what its refusal must say.
        static let wrongDocuments: [(document: String, says: String)] = [
            (tokenDocument(tokenEntry(roles: #"["operator", "admn"]"#)),
             "tokens[0] ('alice').roles[1]: unknown role 'admn' (did you mean 'admin'?); the roles are viewer, operator, approver, admin, alerts"),
            (tokenDocument(tokenEntry(), tokenEntry(sha256: String(repeating: "cd", count: 32))),
             "tokens[0] and tokens[1] are both called 'alice'"),
            (tokenDocument(tokenEntry(), tokenEntry(name: "bob")),
             "tokens[0] ('alice') and tokens[1] ('bob') have the same digest"),
            (tokenDocument(tokenEntry(), version: "2"),
             "version 2, which this Warden does not read (it reads version 1)"),
            (#"{"tokens": []}"#, "there is no \"version\""),
            (#"{"version": 1}"#, "\"tokens\" must be a list of tokens, not missing"),
            (#"{"version": 1, "tokens": [], "extra": 1}"#, "the document has an unknown key 'extra'"),
            (tokenDocument(tokenEntry(sha256: "wdn_pasted-token-instead-of-its-digest")),
             "tokens[0] ('alice').sha256 is not a SHA-256 digest (64 hexadecimal digits; it has 38 characters, not shown)"),
            (tokenDocument(tokenEntry(sha256: String(repeating: "g", count: 64))), "is not a SHA-256 digest"),
            (tokenDocument(tokenEntry(roles: "[]")), "tokens[0] ('alice') has no roles"),
            (tokenDocument(tokenEntry(roles: #""admin""#)), "tokens[0] ('alice').roles must be a list of roles, not a string"),
            (tokenDocument(tokenEntry(extra: #", "expires": 1760000000"#)),
             "tokens[0] ('alice') has an unknown key 'expires' (did you mean 'expires_at'?)"),
            (tokenDocument(tokenEntry(extra: #", "expires_at": "never""#)), "expires_at must be whole Unix seconds"),
            (tokenDocument(tokenEntry(extra: #", "expires_at": 1.5"#)), "expires_at must be whole Unix seconds"),
            (tokenDocument(tokenEntry(name: "two words")), "tokens[0].name 'two words' is not a token name"),
            (tokenDocument(#"{"roles": ["viewer"]}"#), "tokens[0].name must be a string, not missing"),
            (tokenDocument(#""alice""#), "tokens[0] must be an object"),
            (tokenDocument(#"{"name": "alice", "roles": ["viewer"], "sha256": "\#(sampleDigest)", "created_at": true}"#),
             "tokens[0] ('alice').created_at must be whole Unix seconds, not a boolean"),
        ]

        @Test(arguments: wrongDocuments)
        func aWrongDocumentIsRefusedNamingTheFileAndThePlace(document: String, says: String) throws {
            let folder = try TokenFolder()
            defer { folder.remove() }
            try folder.write(document)
            let error = try #require(folder.loadError(), "\(document)")
            #expect(error.kind == .malformed)
            #expect(error.description.hasPrefix(folder.file + ": "), "\(error)")
            #expect(error.description.contains(says), "\(error)")
            #expect(!error.description.contains(sampleDigest), "a digest is never quoted")
            #expect(!error.description.contains("pasted-token"), "nor what stands where a digest should")
        }

        @Test func aDocumentAsTheFormatDescribesItLoads() throws {
            let folder = try TokenFolder()
            defer { folder.remove() }
            try folder.write(tokenDocument(tokenEntry(roles: #"["viewer", "viewer", "alerts"]"#, sha256: sampleDigest.uppercased(), extra: #", "expires_at": null"#),
                                           tokenEntry(name: "bob.smith@example.com", sha256: String(repeating: "01", count: 32),
                                                      extra: #", "expires_at": 1760000000"#)))
            let file = try TokenFile.load(path: folder.file)
            #expect(file.entries.map(\.name) == ["alice", "bob.smith@example.com"])
            #expect(file.entries[0].roles == [.viewer, .alerts])
            #expect(file.entries[0].expires == nil)
            #expect(file.entries[1].expires == Date(timeIntervalSince1970: 1_760_000_000))
            #expect(file.entries[1].created == Date(timeIntervalSince1970: 1_750_000_000))
        }

        @Test func aFileLargerThanAnyTokenSetIsRefusedUnparsed() throws {
            let folder = try TokenFolder()
            defer { folder.remove() }
            try folder.write(String(repeating: " ", count: TokenFile.maximumFileSize + 1))
            let error = try #require(folder.loadError())
            #expect(error.kind == .malformed)
            #expect(error.description.contains("is larger than 4 MiB"), "\(error)")
        }
    }
}
