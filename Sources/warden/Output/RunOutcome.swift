import WardenCore

/// How a run that started ends on the terminal: its report, in the format
/// asked for, and the exit status its status means.
struct RunOutcome {
    let report: RunReport
    let output: OutputFormat

    func end() throws {
        switch output {
        case .text: Terminal.write(RunText(report: report).text)
        case .json: Terminal.writeJSON(try RunText.json(report) + "\n")
        }
        switch report.status {
        case .succeeded: return
        case .blocked: throw ExitStatus.blocked
        case .failed, .aborted, .failedChecks, .denied: throw ExitStatus.failure
        case .abandoned:
            // The operator asked for it: only a cleanup that failed makes it a failure.
            if report.cleanup.contains(where: { $0.status == .failed }) { throw ExitStatus.failure }
        }
    }
}
