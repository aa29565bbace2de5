import Foundation
import WardenCore

/// A second Ctrl-C while a run stops: cleanup is what returns the cluster to
/// safe, so it is never dropped silently. On a terminal the operator is
/// asked; the answer "give up" is journaled before Warden exits. Without a
/// terminal (a service manager's second SIGTERM) cleanup goes on.
enum CleanupInterruption {
    static func secondSignal(journal: Journal, runID: String) {
        guard let tty = FileHandle(forUpdatingAtPath: "/dev/tty") else {
            Terminal.writeError("\nwarden: cleanup continues (it returns the hosts to safe); send SIGKILL to give it up\n")
            return
        }
        tty.write(Data("\nwarden: cleanup is still running. Give it up and leave the hosts as they are? Type 'give up' to exit: ".utf8))
        let answer = String(decoding: tty.availableDataLine(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard answer == "give up" else {
            tty.write(Data("warden: cleanup continues\n".utf8))
            return
        }
        let done = DispatchSemaphore(value: 0)
        Task {
            _ = try? await journal.append(.init(runID: runID, kind: .note, detail: "cleanup given up by the operator (second interrupt)"))
            try? await journal.finish(run: runID, status: .aborted, reason: "interrupted; cleanup given up by the operator")
            done.signal()
        }
        _ = done.wait(timeout: .now() + 5)
        Terminal.writeError("warden: exiting; cleanup was given up and the journal says so\n")
        ExitStatus.interrupted.terminate()
    }
}

extension FileHandle {
    /// Reads up to a newline, byte by byte (a terminal delivers a line at a time).
    func availableDataLine() -> Data {
        var line = Data()
        while true {
            let byte = readData(ofLength: 1)
            guard let first = byte.first, first != 0x0a else { return line }
            line.append(first)
        }
    }
}
