import Foundation
import WardenCore

/// `warden show RUN --step ID [--host H]`: what a step's command printed on
/// each host, read back from the journal's outcomes (already redacted when
/// they were written). Every attempt is shown, retries included, in order.
///
/// Each stream is cut at `lineLimit` lines unless `full`, saying how many
/// more the journal holds and how to see them: a step can print megabytes
/// and the terminal is the wrong place for all of it by default. Lines are
/// made visible with `VisibleText.block` (a host's output), one-line fields
/// with `VisibleText.line`.
struct StepOutputText {
    /// Lines of each stream shown without `--full`.
    static let lineLimit = 100

    /// One host's outcome of the step.
    struct Entry: Encodable {
        let sequence: Int
        let step: String
        let host: String
        let status: StepStatus?
        let exit: Int?
        let command: String?
        let stdout: String
        let stderr: String
        /// The digests a `no_log` step kept instead of its output.
        let withheld: String?
    }

    let runID: String
    let entries: [Entry]
    let full: Bool

    /// The outcomes of `step` (on `host` when given) that carry what the
    /// command printed.
    static func entries(_ events: [JournalEvent], step: String, host: String?) -> [Entry] {
        events.compactMap { event -> Entry? in
            guard event.step == step, let name = event.host, host == nil || host == name, let record = event.outcomeRecord else { return nil }
            if case let .string(stdout)? = record["stdout_sha256"], case let .string(stderr)? = record["stderr_sha256"] {
                return Entry(sequence: event.sequence, step: step, host: name, status: event.status, exit: event.exit,
                             command: event.command, stdout: "", stderr: "", withheld: "stdout \(stdout), stderr \(stderr)")
            }
            return Entry(sequence: event.sequence, step: step, host: name, status: event.status, exit: event.exit,
                         command: event.command, stdout: text(record["stdout"]), stderr: text(record["stderr"]), withheld: nil)
        }
    }

    /// The steps whose outcomes carry output, in the order they first ran.
    static func steps(_ events: [JournalEvent]) -> [String] {
        var seen: [String] = []
        for event in events {
            if let step = event.step, !seen.contains(step), !entries([event], step: step, host: nil).isEmpty { seen.append(step) }
        }
        return seen
    }

    private static func text(_ value: Value?) -> String {
        if case let .string(text)? = value { return text }
        return ""
    }

    var text: String {
        var out = ""
        var cut = false
        for entry in entries {
            var heading = "\(entry.step) on \(entry.host): \(entry.status?.rawValue ?? "?")"
            if let exit = entry.exit { heading += ", exit \(exit)" }
            out += VisibleText.line(heading + " (event \(entry.sequence))") + "\n"
            if let command = entry.command { out += VisibleText.line("  $ " + command) + "\n" }
            if let withheld = entry.withheld {
                out += VisibleText.line("==> output not kept (no_log: true); \(withheld) <==") + "\n\n"
                continue
            }
            for (stream, text) in [("stdout", entry.stdout), ("stderr", entry.stderr)] {
                var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                if lines.last?.isEmpty == true { lines.removeLast() }
                guard !lines.isEmpty else {
                    out += "==> \(stream): empty <==\n"
                    continue
                }
                out += "==> \(stream) <==\n"
                let shown = full ? lines[...] : lines.prefix(Self.lineLimit)
                for line in shown { out += VisibleText.block(line) + "\n" }
                if shown.count < lines.count {
                    out += "… \(lines.count - shown.count) more lines in the journal\n"
                    cut = true
                }
            }
            out += "\n"
        }
        if cut {
            let host = Set(entries.map(\.host)).count == 1 ? entries.first.map { " --host \($0.host)" } ?? "" : ""
            let step = entries.first?.step ?? ""
            out += VisibleText.line("Output is cut at \(Self.lineLimit) lines per stream: warden show \(runID) --step \(step)\(host) --full shows all of it.") + "\n"
        }
        return out
    }
}
