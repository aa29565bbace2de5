// warden-journal-writer STATE RUN EVENTS LOCK LOCK_EVERY [WAIT_AFTER]
//
// The second process of the journal conformance suite's concurrency checks
// (JournalWriterJob): appends EVENTS notes ("child N") to RUN in the
// journal (a state folder, or a postgres:// URL with its password from
// WARDEN_STATE_PASSWORD_FILE), one write each, taking and releasing LOCK every
// LOCK_EVERY events, and prints "appended SEQUENCE" once each append has
// returned, so the test knows what must be in the journal even if it kills
// this process mid-write. After WAIT_AFTER events it waits (up to 30 s) for
// another writer's event in RUN. Exits 0 when done, 1 with the reason on stderr.
import Foundation
import WardenCore
import WardenPostgres

let arguments = CommandLine.arguments
guard arguments.count == 6 || arguments.count == 7, let events = Int(arguments[3]), let lockEvery = Int(arguments[5]), lockEvery > 0 else {
    FileHandle.standardError.write(Data("usage: warden-journal-writer STATE RUN EVENTS LOCK LOCK_EVERY [WAIT_AFTER]\n".utf8))
    exit(2)
}
let waitAfter = arguments.count == 7 ? Int(arguments[6]) : nil

/// Waits until RUN holds an event this process did not write.
func awaitOtherWriter(_ journal: Journal, run: String) async throws {
    let deadline = Date().addingTimeInterval(30)
    while try await journal.events(of: run).allSatisfy({ $0.detail?.hasPrefix("child ") == true }) {
        guard Date() < deadline else {
            FileHandle.standardError.write(Data("warden-journal-writer: no other writer appended to \(run) within 30 s\n".utf8))
            exit(1)
        }
        try await Task.sleep(for: .milliseconds(5))
    }
}
let (directory, run, lock) = (arguments[1], arguments[2], arguments[4])

do {
    let journal = try await JournalLocation(directory).open()
    for index in 1...max(events, 1) {
        let event = try await journal.append(.init(runID: run, kind: .note, detail: "child \(index)"))
        // Written at once (FileHandle does not buffer): the test reads the lines while this runs, and may kill it.
        FileHandle.standardOutput.write(Data("appended \(event.sequence)\n".utf8))
        if index == waitAfter { try await awaitOtherWriter(journal, run: run) }
        if index % lockEvery == 0 {
            _ = try await journal.acquire(RunLock(name: lock, runID: run, holder: "child", controller: "elsewhere:2"))
            try await journal.release(lock: lock, run: run)
        }
    }
} catch {
    FileHandle.standardError.write(Data("warden-journal-writer: \(error)\n".utf8))
    exit(1)
}
