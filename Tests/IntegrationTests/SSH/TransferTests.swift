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

    /// The folder files are fetched into, fresh, and what it holds afterwards.
    private func destination(_ fleet: LoopbackFleet, _ name: String = "collected") throws -> URL {
        let folder = fleet.directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    private func contents(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    @Test func devZeroAndALinkToItAreRefusedAtOnceAndLeaveNothing() async throws {
        try await withFleet { fleet in
            let folder = try destination(fleet)
            let link = fleet.directory.appendingPathComponent("core.zero").path
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/dev/zero")
            let client = SSHClient()
            // Refused from what lstat/fstat say, not after reading: a device is never streamed.
            let device = await expectSSHError(.transferRefused) {
                try await client.download("/dev/zero", from: fleet.target(), to: folder.appendingPathComponent("zero").path)
            }
            #expect(device?.description.contains("/dev/zero: is a character device, not a regular file; not fetched") == true, "\(String(describing: device))")
            let linked = await expectSSHError(.transferRefused) {
                try await client.download(link, from: fleet.target(), to: folder.appendingPathComponent("core.zero").path)
            }
            #expect(linked?.description.contains("\(link): is a symbolic link to /dev/zero; links are not followed") == true, "\(String(describing: linked))")
            // Following links does not make a device a file.
            let followed = await expectSSHError(.transferRefused) {
                try await client.download(link, from: fleet.target(), to: folder.appendingPathComponent("core.zero").path,
                                          limits: DownloadLimits(followSymlinks: true))
            }
            #expect(followed?.description.contains("is a character device, not a regular file") == true, "\(String(describing: followed))")
            #expect(try contents(folder).isEmpty)
            await client.close()
        }
    }

    @Test func aLinkToAReadableFileThatWasNotListedIsRefusedUnlessLinksAreFollowed() async throws {
        try await withFleet { fleet in
            let folder = try destination(fleet)
            let secret = fleet.directory.appendingPathComponent("secret.txt").path
            try "not meant to be collected\n".write(toFile: secret, atomically: true, encoding: .utf8)
            let core = fleet.directory.appendingPathComponent("core.4242").path
            try FileManager.default.createSymbolicLink(atPath: core, withDestinationPath: secret)
            let local = folder.appendingPathComponent("core.4242").path
            let client = SSHClient()
            let refused = await expectSSHError(.transferRefused) { try await client.download(core, from: fleet.target(), to: local) }
            #expect(refused?.description.contains("\(core): is a symbolic link to \(secret); links are not followed") == true, "\(String(describing: refused))")
            #expect(refused?.description.contains("follow_symlinks: true") == true)
            #expect(try contents(folder).isEmpty)

            let file = try await client.download(core, from: fleet.target(), to: local, limits: DownloadLimits(followSymlinks: true))
            #expect(file.bytes == 26)
            #expect(try String(contentsOfFile: local, encoding: .utf8) == "not meant to be collected\n")
            await client.close()
        }
    }

    @Test func aFileOverTheCapIsRefusedNamingTheCapAndOneAtTheCapIsFetched() async throws {
        try await withFleet { fleet in
            let folder = try destination(fleet)
            let big = fleet.directory.appendingPathComponent("core.big").path
            try await fleet.shell("head -c 2000000 /dev/urandom > '\(big)'")
            let client = SSHClient()
            let refused = await expectSSHError(.transferRefused) {
                try await client.download(big, from: fleet.target(), to: folder.appendingPathComponent("core.big").path,
                                          limits: DownloadLimits(maxBytes: 1_000_000))
            }
            #expect(refused?.description.contains("\(big): is 2000000 bytes, over the cap of 1000000 bytes; not fetched") == true,
                    "\(String(describing: refused))")
            #expect(refused?.description.contains("max_bytes") == true)
            #expect(try contents(folder).isEmpty)
            let file = try await client.download(big, from: fleet.target(), to: folder.appendingPathComponent("core.big").path,
                                                 limits: DownloadLimits(maxBytes: 2_000_000))
            #expect(file.bytes == 2_000_000)
            await client.close()
        }
    }

    @Test func aFetchPastItsTimeoutStopsLeavesNothingAndTheSessionStillWorks() async throws {
        try await withFleet { fleet in
            let folder = try destination(fleet)
            // 4 GiB that take no disk on the host: far more than a second's worth over loopback SFTP.
            let huge = fleet.directory.appendingPathComponent("core.huge").path
            try await fleet.shell("truncate -s 4G '\(huge)'")
            let client = SSHClient()
            try await client.connect(fleet.target())
            let stopped = await expectSSHError(.transferTimedOut) {
                try await client.download(huge, from: fleet.target(), to: folder.appendingPathComponent("core.huge").path,
                                          limits: DownloadLimits(timeout: .seconds(1)))
            }
            #expect(stopped?.description.contains("\(huge): stopped when its time ran out (1s) after ") == true, "\(String(describing: stopped))")
            #expect(stopped?.description.contains("of 4294967296 bytes; nothing was kept") == true, "\(String(describing: stopped))")
            #expect(try contents(folder).isEmpty)
            // The session the stopped fetch used still fetches.
            let small = fleet.directory.appendingPathComponent("small.txt").path
            try "small\n".write(toFile: small, atomically: true, encoding: .utf8)
            let file = try await client.download(small, from: fleet.target(), to: folder.appendingPathComponent("small.txt").path)
            #expect(file.bytes == 6)
            await client.close()
        }
    }

    @Test func aFileThatGrowsWhileItIsFetchedIsRefused() async throws {
        try await withFleet { fleet in
            let folder = try destination(fleet)
            let growing = fleet.directory.appendingPathComponent("core.growing").path
            try await fleet.shell("head -c 4000000 /dev/urandom > '\(growing)'")
            // A writer that keeps appending while the file is fetched.
            let writer = try await fleet.shell(
                "nohup sh -c 'while :; do head -c 65536 /dev/zero; sleep 0.005; done >> \"$1\"' sh '\(growing)' > /dev/null 2>&1 & echo $!")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let pid = try #require(pid_t(writer), "the writer's pid: \(writer)")
            #expect(pid > 1)
            defer { if pid > 1 { kill(pid, SIGKILL) } }
            try await Task.sleep(for: .milliseconds(100))
            let client = SSHClient()
            let refused = await expectSSHError(.transferRefused) {
                try await client.download(growing, from: fleet.target(), to: folder.appendingPathComponent("core.growing").path)
            }
            let message = refused?.description ?? ""
            #expect(message.contains("grew past the ") || message.contains("changed between being listed and being opened"), "\(message)")
            #expect(try contents(folder).isEmpty)
            await client.close()
        }
    }
}
