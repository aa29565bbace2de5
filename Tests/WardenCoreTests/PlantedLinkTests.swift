import Foundation
import Testing
@testable import WardenCore

/// Links planted in the folders Warden writes to (a shared state folder, a
/// run's artifact folder) are refused, never followed: the file they point
/// to keeps its mode and content, and the message names the link, where it
/// points and what to do.
@Suite("Planted links")
struct PlantedLinkTests {
    /// A fresh folder with the mode a state folder shared by operators has.
    private func sharedFolder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("warden-links-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        #expect(chmod(path, 0o770) == 0)
        return path
    }

    /// Another user's private file, outside the folder.
    private func victim(_ content: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("warden-victim-\(UUID().uuidString)").path
        try content.write(toFile: path, atomically: false, encoding: .utf8)
        #expect(chmod(path, 0o600) == 0)
        return path
    }

    private func mode(_ path: String) -> mode_t {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0
    }

    private func journalError(_ directory: String) -> String? {
        do {
            _ = try Journal(directory: directory)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func aLockFilePlantedAsALinkIsRefusedAndItsTargetKeepsItsModeAndContent() throws {
        let directory = try sharedFolder()
        let target = try victim("the victim's secret\n")
        defer {
            try? FileManager.default.removeItem(atPath: directory)
            try? FileManager.default.removeItem(atPath: target)
        }
        let lock = directory + "/" + Journal.fileName + ".lock"
        try FileManager.default.createSymbolicLink(atPath: lock, withDestinationPath: target)

        let message = try #require(journalError(directory), "a planted lock link must stop the journal from opening")
        #expect(message.contains("\(lock) is a symbolic link to \(target)"), "\(message)")
        #expect(message.contains("rm '\(lock)'"), "\(message)")
        #expect(mode(target) == 0o600)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "the victim's secret\n")
    }

    @Test func aDatabasePlantedAsALinkIsRefusedAndItsTargetIsNotWritten() throws {
        let directory = try sharedFolder()
        let target = try victim("")
        defer {
            try? FileManager.default.removeItem(atPath: directory)
            try? FileManager.default.removeItem(atPath: target)
        }
        let database = directory + "/" + Journal.fileName
        try FileManager.default.createSymbolicLink(atPath: database, withDestinationPath: target)

        let message = try #require(journalError(directory), "a planted database link must stop the journal from opening")
        #expect(message.contains("\(database) is a symbolic link to \(target)"), "\(message)")
        #expect(mode(target) == 0o600)
        #expect((try FileManager.default.attributesOfItem(atPath: target)[.size] as? Int) == 0, "nothing was written through the link")
        #expect(!FileManager.default.fileExists(atPath: target + "-wal"))
    }

    @Test func aWriteAheadLogPlantedAsALinkIsRefused() throws {
        let directory = try sharedFolder()
        let target = try victim("the victim's secret\n")
        defer {
            try? FileManager.default.removeItem(atPath: directory)
            try? FileManager.default.removeItem(atPath: target)
        }
        let wal = directory + "/" + Journal.fileName + "-wal"
        try FileManager.default.createSymbolicLink(atPath: wal, withDestinationPath: target)

        let message = try #require(journalError(directory))
        #expect(message.contains("\(wal) is a symbolic link to \(target)"), "\(message)")
        #expect(mode(target) == 0o600)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "the victim's secret\n")
    }

    @Test func aLockFileHardLinkedToAnotherFileIsRefused() throws {
        let directory = try sharedFolder()
        // Beside the folder: a hard link needs one file system.
        let target = directory + ".victim"
        try "the victim's secret\n".write(toFile: target, atomically: false, encoding: .utf8)
        #expect(chmod(target, 0o600) == 0)
        defer {
            try? FileManager.default.removeItem(atPath: directory)
            try? FileManager.default.removeItem(atPath: target)
        }
        let lock = directory + "/" + Journal.fileName + ".lock"
        #expect(link(target, lock) == 0)

        let message = try #require(journalError(directory))
        #expect(message.contains("\(lock) is not a regular file with a single name (2 hard links)"), "\(message)")
        #expect(mode(target) == 0o600)
    }

    @Test func aSharedFolderStillSharesTheJournalsOwnFiles() throws {
        let directory = try sharedFolder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try Journal(directory: directory)
        for suffix in ["", ".lock"] {
            #expect(mode(directory + "/" + Journal.fileName + suffix) == 0o660, "\(suffix)")
        }
    }

    // MARK: Artifact folders

    @Test func aRunsArtifactFoldersAreCreatedPrivate() throws {
        let base = try sharedFolder()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let run = base + "/artifacts/R1"
        let folder = try ArtifactFolder.prepare(run: run, host: "h01")
        #expect(folder == run + "/h01")
        #expect(mode(run) == 0o700)
        #expect(mode(folder) == 0o700)
        // Again, as a second collect step of the same run: the same folder.
        #expect(try ArtifactFolder.prepare(run: run, host: "h01") == folder)
    }

    @Test func aHostFolderPlantedAsALinkIsRefusedAndNothingIsMadeWhereItPoints() throws {
        let base = try sharedFolder()
        let elsewhere = try sharedFolder()
        defer {
            try? FileManager.default.removeItem(atPath: base)
            try? FileManager.default.removeItem(atPath: elsewhere)
        }
        let run = base + "/artifacts/R2"
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: run + "/h01", withDestinationPath: elsewhere)

        #expect {
            try ArtifactFolder.prepare(run: run, host: "h01")
        } throws: { error in
            let message = (error as? ArtifactFolderError)?.description ?? ""
            return (error as? ArtifactFolderError)?.kind == .plantedLink && message.contains("\(run)/h01 is a symbolic link to \(elsewhere)") && message.contains("rm '\(run)/h01'")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
        #expect(mode(elsewhere) == 0o770)
    }

    @Test func aRunFolderPlantedAsALinkIsRefused() throws {
        let base = try sharedFolder()
        let elsewhere = try sharedFolder()
        defer {
            try? FileManager.default.removeItem(atPath: base)
            try? FileManager.default.removeItem(atPath: elsewhere)
        }
        try FileManager.default.createDirectory(atPath: base + "/artifacts", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: base + "/artifacts/R3", withDestinationPath: elsewhere)

        #expect {
            try ArtifactFolder.prepare(run: base + "/artifacts/R3", host: "h01")
        } throws: { error in
            (error as? ArtifactFolderError)?.kind == .plantedLink
                && (error as? ArtifactFolderError)?.description.contains("\(base)/artifacts/R3 is a symbolic link to \(elsewhere)") == true
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
    }

    @Test(.enabled(if: geteuid() == 0, "needs root to give a folder to another user"))
    func aRunFolderOfAnotherUserIsRefused() throws {
        let base = try sharedFolder()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let run = base + "/R4"
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
        #expect(chown(run, 65534, 65534) == 0)
        #expect {
            try ArtifactFolder.prepare(run: run, host: "h01")
        } throws: { error in
            (error as? ArtifactFolderError)?.kind == .notYours
                && (error as? ArtifactFolderError)?.description.contains("\(run) belongs to uid 65534, not to you") == true
        }
        #expect(!FileManager.default.fileExists(atPath: run + "/h01"))
    }

    @Test func aLinkAboveTheRunFolderThatTheUserMadeIsFollowed() throws {
        let base = try sharedFolder()
        defer { try? FileManager.default.removeItem(atPath: base) }
        try FileManager.default.createDirectory(atPath: base + "/real", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: base + "/alias", withDestinationPath: base + "/real")
        let folder = try ArtifactFolder.prepare(run: base + "/alias/R5", host: "h01")
        #expect(folder == base + "/alias/R5/h01")
        #expect(FileManager.default.fileExists(atPath: base + "/real/R5/h01"))
    }

    @Test func aHostNameThatIsNotAFolderNameIsRefused() throws {
        let base = try sharedFolder()
        defer { try? FileManager.default.removeItem(atPath: base) }
        for name in ["..", ".", "", "a/b"] {
            #expect { try ArtifactFolder.prepare(run: base + "/R6", host: name) } throws: { ($0 as? ArtifactFolderError)?.kind == .invalidName }
        }
    }
}
