import Foundation
import Testing
@testable import WardenSSH

/// The secret-file wrapper on real local shells (sshd only adds the channel;
/// `SecretFileTests` of the integration tests covers that): every byte
/// arrives, the files are private, the folder is gone afterwards, and a
/// shell that could only write them through an external `printf` (which
/// would show them in its argv) runs nothing.
@Suite("Secret files wrapper on real shells")
struct SecretFilesWrapperTests {
    private static let shells = ["/usr/bin/dash", "/usr/bin/bash", "/bin/sh"].filter { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(arguments: shells)
    func everyByteArrivesInAPrivateFileThatIsGoneAfterwards(shell: String) async throws {
        let binary = (0...255).map(UInt8.init) + [0, 10]
        let text = Array("it's \"$(id)\" `id` \\c %s é\n\n".utf8)
        let command = #"od -An -tx1 -v "$WARDEN_SECRETS/1" | tr -d ' \n'; echo; cat "$WARDEN_SECRETS/2"; "#
            + #"stat -c %a "$WARDEN_SECRETS" "$WARDEN_SECRETS/1" "$WARDEN_SECRETS/3"; wc -c < "$WARDEN_SECRETS/3"; echo "$WARDEN_SECRETS"; exit 7"#
        let run = try await Self.run(SecretFilesWrapper.wrap(command, files: 3), shell: shell,
                                     stdin: SecretFilesWrapper.payload([binary, text, []]))
        #expect(run.status == 7, "\(run.stderr)")
        #expect(run.stderr.hasPrefix("WARDEN-PGID="))
        let expected = binary.map { String(format: "%02x", $0) }.joined() + "\n" + String(decoding: text, as: UTF8.self) + "700\n600\n600\n0\n"
        #expect(run.stdout.hasPrefix(expected), "\(run.stdout)")
        let folder = String(run.stdout.dropFirst(expected.count)).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(folder.contains("/warden-secrets."), "\(folder)")
        #expect(!FileManager.default.fileExists(atPath: folder), "\(folder) outlived the command")
    }

    @Test func noFileIsWrittenAndNothingRunsWithoutABuiltInPrintf() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/bash") else { return }
        // `enable -n printf` leaves bash only /usr/bin/printf, whose argv anyone can read.
        let line = "enable -n printf\n" + SecretFilesWrapper.wrap("echo RAN", files: 1)
        let run = try await Self.run(line, shell: "/usr/bin/bash", stdin: SecretFilesWrapper.payload([Array("s3cret".utf8)]))
        #expect(run.status == 125)
        #expect(!run.stdout.contains("RAN"))
        #expect(run.stderr.contains("no built-in printf"), "\(run.stderr)")
    }

    @Test func aPayloadCutShortRunsNothing() async throws {
        var payload = SecretFilesWrapper.payload([Array("first".utf8), Array("second".utf8)])
        payload.removeLast()
        let run = try await Self.run(SecretFilesWrapper.wrap("echo RAN", files: 2), shell: "/bin/sh", stdin: payload)
        #expect(run.status == 125)
        #expect(!run.stdout.contains("RAN"))
        #expect(run.stderr.contains("secret file 2 did not arrive whole"), "\(run.stderr)")
    }

    @Test func theLineCarriesNoSecret() {
        let line = SecretFilesWrapper.wrap("tool --password-file=\"$WARDEN_SECRETS/1\"", files: 1)
        #expect(!line.contains("s3cret"))
        #expect(SecretFilesWrapper.payload([Array("a b\n".utf8)]) == Array("a\\0040b\\0012\n".utf8))
    }

    /// `shell -c line` as sshd would start it: SHELL set, stdin fed, and no signal blocked or ignored (a
    /// thread of the test process blocks SIGCHLD, and a shell inheriting that waits for its child forever).
    /// Files, not pipes, take the output, so nothing it leaves running can hold the test. Off the cooperative pool.

    private static func run(_ line: String, shell: String, stdin: [UInt8]) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await LocalShell.run(line, shell: shell, stdin: stdin)
    }
}
