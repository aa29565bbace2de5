import WardenCore

/// A host's stdout and stderr as sections under `warden exec`'s table
/// (`==> h01: stdout <==`, as `tail` heads files), whole with `--full`, else
/// the last lines of a failed host's: where a command hung or failed is
/// nearly always at the end, and the timeout message sends the reader there.
///
/// Every line is made visible with `VisibleText.block`: what a host printed
/// must not drive the terminal, and its tabs are its layout.
struct HostOutputSections {
    /// Lines of each stream shown of a failed host without `--full`.
    static let tailLines = 20

    let outcomes: [HostOutcome]
    let full: Bool

    var text: String {
        var out = ""
        var cut = false
        for outcome in outcomes where full || !outcome.succeeded {
            guard let result = Self.result(outcome) else { continue }
            for (stream, captured) in [("stdout", result.stdout), ("stderr", result.stderr)] where !captured.text.isEmpty {
                var lines = captured.text.split(separator: "\n", omittingEmptySubsequences: false)
                if lines.last?.isEmpty == true { lines.removeLast() }
                var heading = "==> \(outcome.host.name): \(stream)"
                if !full, lines.count > Self.tailLines {
                    heading += ", last \(Self.tailLines) of \(lines.count) lines"
                    lines = Array(lines.suffix(Self.tailLines))
                    cut = true
                }
                if captured.droppedBytes > 0 {
                    heading += ", \(captured.droppedBytes) bytes dropped from the middle (--max-output keeps more)"
                }
                out += "\n" + VisibleText.line(heading + " <==") + "\n"
                for line in lines { out += VisibleText.block(line) + "\n" }
            }
        }
        if !full, cut || outcomes.contains(where: { Self.result($0).map(Self.hasMoreThanALine) ?? false }) {
            out += "\nThe table shows one line per host" + (cut ? " and the sections the last lines of a failed one" : "")
                + "; --full shows every host's output, -o DIR writes it to DIR/<host>.out and DIR/<host>.err.\n"
        }
        return out
    }

    /// What the host gave: the result, or the partial one of a command that
    /// timed out, was cancelled or lost its connection.
    static func result(_ outcome: HostOutcome) -> CommandResult? {
        switch outcome.result {
        case .success(let result): return result
        case .failure(let error): return error.partialResult
        }
    }

    private static func hasMoreThanALine(_ result: CommandResult) -> Bool {
        [result.stdout.text, result.stderr.text].contains { text in
            text.split(whereSeparator: \.isNewline).count > 1
        } || (!result.stdout.text.isEmpty && !result.stderr.text.isEmpty)
    }
}
