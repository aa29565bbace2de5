import Foundation
import WardenCore

/// The result of `warden exec` as a person reads it (a table and a summary)
/// and as a script reads it (one JSON document).
struct ExecReport {
    let command: String
    let pattern: String
    let outcomes: [HostOutcome]
    let elapsed: Duration

    var allSucceeded: Bool { outcomes.allSatisfy(\.succeeded) }

    // MARK: Text

    /// Every text a host sent (and every name) is made visible here, before
    /// the columns are measured: a host's escape sequences must reach neither
    /// the terminal nor the width count. Under the table, a failed host's
    /// output (its last lines; everyone's, whole, with `full`).
    func text(width: Int, full: Bool = false) -> String {
        let rows = outcomes.map { outcome -> [String] in
            [VisibleText.line(outcome.host.name), Self.statusColumn(outcome), Self.format(outcome.elapsed),
             VisibleText.line(Self.summaryColumn(outcome))]
        }
        let headers = ["HOST", "EXIT", "TIME", "OUTPUT"]
        var widths = headers.map(\.count)
        for row in rows { for i in 0..<3 { widths[i] = max(widths[i], row[i].count) } }
        func render(_ row: [String]) -> String {
            let fixed = (0..<3).map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
            let room = max(20, width - fixed.count - 2)
            let last = row[3].count > room ? String(row[3].prefix(room - 1)) + "…" : row[3]
            return (fixed + "  " + last).trimmingCharacters(in: .whitespaces)
        }
        var out = render(headers) + "\n"
        for row in rows { out += render(row) + "\n" }

        let failures = outcomes.filter { !$0.succeeded }
        let transportFailures = failures.compactMap { outcome -> String? in
            if case .failure(let error) = outcome.result { return error.message }
            return nil
        }
        if !transportFailures.isEmpty {
            out += "\nCould not run on \(transportFailures.count) host\(transportFailures.count == 1 ? "" : "s"):\n"
            for message in transportFailures { out += "  " + VisibleText.line(message) + "\n" }
        }
        out += HostOutputSections(outcomes: outcomes, full: full).text
        out += "\n" + summary + "\n"
        return out
    }

    /// `-o DIR`'s files: `<host>.out` and `<host>.err` for every host,
    /// empty when it printed nothing or never ran the command, as pssh does,
    /// so a missing file never has to be told from a silent host.
    var outputFiles: [OutputFolder.File] {
        outcomes.flatMap { outcome -> [OutputFolder.File] in
            let result = HostOutputSections.result(outcome)
            return [OutputFolder.File(name: outcome.host.name + ".out", contents: Data((result?.stdout.text ?? "").utf8)),
                    OutputFolder.File(name: outcome.host.name + ".err", contents: Data((result?.stderr.text ?? "").utf8))]
        }
    }

    var summary: String {
        let failed = outcomes.filter { !$0.succeeded }
        var line = "\(outcomes.count) host\(outcomes.count == 1 ? "" : "s") in \(Self.format(elapsed)): "
            + "\(outcomes.count - failed.count) succeeded, \(failed.count) failed"
        if !failed.isEmpty {
            let names = failed.prefix(10).map { "\(VisibleText.line($0.host.name)) (\(Self.failureReason($0)))" }
            line += ": " + names.joined(separator: ", ") + (failed.count > 10 ? ", …" : "")
        }
        return line
    }

    /// One line for the live display as a host finishes.
    static func progressLine(_ outcome: HostOutcome) -> String {
        let mark = outcome.succeeded ? "ok  " : "FAIL"
        return VisibleText.line("\(mark) \(outcome.host.name)  \(statusColumn(outcome))  \(format(outcome.elapsed))  \(summaryColumn(outcome))")
    }

    private static func statusColumn(_ outcome: HostOutcome) -> String {
        switch outcome.result {
        case .success(let result):
            if let signal = result.exitSignal { return "SIG\(signal)" }
            return result.exitStatus.map(String.init) ?? "?"
        case .failure:
            return "-"
        }
    }

    private static func summaryColumn(_ outcome: HostOutcome) -> String {
        switch outcome.result {
        case .success(let result):
            return result.stdout.firstLine.isEmpty ? result.stderr.firstLine : result.stdout.firstLine
        case .failure(let error):
            return error.kind.rawValue.replacingOccurrences(of: "_", with: " ")
        }
    }

    private static func failureReason(_ outcome: HostOutcome) -> String {
        switch outcome.result {
        case .success(let result):
            if let signal = result.exitSignal { return "signal \(signal)" }
            return "exit \(result.exitStatus.map(String.init) ?? "?")"
        case .failure(let error):
            return error.kind.rawValue.replacingOccurrences(of: "_", with: " ")
        }
    }

    static func format(_ duration: Duration) -> String {
        let ms = duration.milliseconds
        return ms < 1000 ? String(format: "%.0fms", ms) : String(format: "%.2fs", ms / 1000)
    }

    // MARK: JSON

    func json() throws -> String {
        let document = Document(
            command: command, pattern: pattern, elapsedMs: Self.milliseconds(elapsed),
            summary: .init(hosts: outcomes.count, succeeded: outcomes.filter(\.succeeded).count,
                           failed: outcomes.filter { !$0.succeeded }.count),
            hosts: outcomes.map(HostEntry.init))
        return try JSONText.encode(document, snakeCaseKeys: true)
    }

    /// Milliseconds to the microsecond, for JSON.
    static func milliseconds(_ duration: Duration) -> Double {
        (duration.milliseconds * 1000).rounded() / 1000
    }

    private struct Document: Encodable {
        let command: String
        let pattern: String
        let elapsedMs: Double
        let summary: Summary
        let hosts: [HostEntry]
    }

    private struct Summary: Encodable {
        let hosts: Int
        let succeeded: Int
        let failed: Int
    }

    private struct HostEntry: Encodable {
        let host: String
        let address: String
        let port: Int
        let ok: Bool
        let exitStatus: Int32?
        let exitSignal: String?
        let durationMs: Double
        let stdout: String?
        let stderr: String?
        let stdoutDroppedBytes: Int
        let stderrDroppedBytes: Int
        let error: ErrorEntry?

        enum CodingKeys: String, CodingKey {
            case host, address, port, ok, exitStatus, exitSignal, durationMs, stdout, stderr
            case stdoutDroppedBytes, stderrDroppedBytes, error
        }

        /// Absent values are written as null: a script reading `.error` should not have to
        /// tell "no error" from "no such field".
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(host, forKey: .host)
            try container.encode(address, forKey: .address)
            try container.encode(port, forKey: .port)
            try container.encode(ok, forKey: .ok)
            try container.encode(exitStatus, forKey: .exitStatus)
            try container.encode(exitSignal, forKey: .exitSignal)
            try container.encode(durationMs, forKey: .durationMs)
            try container.encode(stdout, forKey: .stdout)
            try container.encode(stderr, forKey: .stderr)
            try container.encode(stdoutDroppedBytes, forKey: .stdoutDroppedBytes)
            try container.encode(stderrDroppedBytes, forKey: .stderrDroppedBytes)
            try container.encode(error, forKey: .error)
        }

        init(_ outcome: HostOutcome) {
            host = outcome.host.name
            address = outcome.host.address
            port = outcome.host.port
            ok = outcome.succeeded
            durationMs = ExecReport.milliseconds(outcome.elapsed)
            let result: CommandResult?
            switch outcome.result {
            case .success(let value):
                result = value
                error = nil
            case .failure(let failure):
                result = failure.partialResult
                error = ErrorEntry(kind: failure.kind.rawValue, message: failure.message)
            }
            exitStatus = result?.exitStatus
            exitSignal = result?.exitSignal
            stdout = result?.stdout.text
            stderr = result?.stderr.text
            stdoutDroppedBytes = result?.stdout.droppedBytes ?? 0
            stderrDroppedBytes = result?.stderr.droppedBytes ?? 0
        }
    }

    private struct ErrorEntry: Encodable {
        let kind: String
        let message: String
    }
}
