import Foundation
import WardenCore

/// `warden run --step`: before each step, the rendered command per host and
/// a question, `[y]es / [s]kip / [a]bort / [d]etails`. Answers are read from
/// standard input; its end means abort, the safe answer.
struct StepPrompt: Sendable {
    func ask(_ preview: StepPrompt.Shown) async -> StepDecision {
        Terminal.writeError(preview.text)
        while true {
            Terminal.writeError(VisibleText.line("Run step '\(preview.preview.id)'? [y]es / [s]kip / [a]bort / [d]etails: "))
            guard let answer = await StepPrompt.readAnswer() else {
                Terminal.writeError("\n(no more input: aborting; cleanup runs)\n")
                return .abort
            }
            switch answer.lowercased() {
            case "y", "yes": return .run
            case "s", "skip": return .skip
            case "a", "abort": return .abort
            case "d", "details": Terminal.writeError(preview.details)
            default: Terminal.writeError("answer y, s, a or d\n")
            }
        }
    }

    /// Reads one line off the cooperative pool: readLine blocks its thread.
    private static func readAnswer() async -> String? {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: readLine().map { $0.trimmingCharacters(in: .whitespaces) })
            }
        }
    }

    /// A preview as printed. The operator answers on what it shows, so every
    /// line is made visible (`VisibleText.line`) once built; a multi-line
    /// command or doc is split into lines first, as its layout.
    struct Shown: Sendable {
        let preview: StepPreview

        var text: String {
            var lines = ["", "step '\(preview.id)' [\(preview.kind)\(preview.mutating ? ", mutating" : "")]"]
            for (host, command) in preview.commands {
                lines += Self.indented(command, first: "  \(host): $ ", rest: "      ")
            }
            if preview.commands.isEmpty, preview.notes.isEmpty { lines.append("  (touches no host)") }
            return lines.map(VisibleText.line).joined(separator: "\n") + "\n"
        }

        var details: String {
            var lines: [String] = []
            if let doc = preview.doc { lines += Self.indented(doc, first: "  doc: ", rest: "       ") }
            lines += preview.notes.map { "  \($0)" }
            for setting in preview.settings { lines += Self.indented(setting, first: "  ", rest: "    ") }
            if lines.isEmpty { lines.append("  (nothing more to show)") }
            return lines.map(VisibleText.line).joined(separator: "\n") + "\n"
        }

        /// `text` line by line, the first after `first`, the others after `rest`.
        private static func indented(_ text: String, first: String, rest: String) -> [String] {
            text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { index, line in
                (index == 0 ? first : rest) + line
            }
        }
    }
}
