import Foundation
import Testing
import WardenSSH
import WardenTesting

@Suite("SFTP download")
struct TransferTests {
    @Test func aFileArrivesWholeWithItsSHA256AndNoTemporaryLeftBehind() async throws {
        try await withFleet { fleet in
            let remote = fleet.directory.appendingPathComponent("core.12345").path
            try await fleet.shell("head -c 5242881 /dev/urandom > '\(remote)'")
            let destinationDir = fleet.directory.appendingPathComponent("collected")
            try FileManager.default.createDirectory(at: destinationDir, withIntermediateDirectories: true)
            let local = destinationDir.appendingPathComponent("core.12345").path

            let client = SSHClient()
            let file = try await client.download(remote, from: fleet.target(), to: local)
            #expect(file.bytes == 5_242_881)
            let expected = try await fleet.shell("sha256sum '\(remote)' | cut -d' ' -f1").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(file.sha256 == expected)
            #expect(try await fleet.shell("sha256sum '\(local)' | cut -d' ' -f1").trimmingCharacters(in: .whitespacesAndNewlines) == expected)
            #expect(try FileManager.default.contentsOfDirectory(atPath: destinationDir.path) == ["core.12345"])
            await client.close()
        }
    }

    @Test func aMissingRemoteFileFailsAndLeavesNothing() async throws {
        try await withFleet { fleet in
            let destinationDir = fleet.directory.appendingPathComponent("collected")
            try FileManager.default.createDirectory(at: destinationDir, withIntermediateDirectories: true)
            let error = await expectSSHError(.transferFailed) {
                try await SSHClient().download("/nonexistent/core", from: fleet.target(),
                                               to: destinationDir.appendingPathComponent("core").path)
            }
            #expect(error?.description.contains("/nonexistent/core") == true)
            #expect(error?.description.contains("no such file") == true)
            #expect(try FileManager.default.contentsOfDirectory(atPath: destinationDir.path).isEmpty)
        }
    }
}
