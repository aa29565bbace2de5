import Foundation
import WardenCore

/// `warden run --step`: before each step, the rendered command per host and
/// a question, `[y]es / [s]kip / [a]bort / [d]etails`. Answers are read from
/// standard input; its end means abort, the safe answer.
struct StepPrompt: Sendable {
    func ask(_ preview: StepPrompt.Shown) async -> StepDecision {
        Terminal.writeError(preview.text)
        while true {
            Terminal.writeError("Run step '\(preview.preview.id)'? [y]es / [s]kip / [a]bort / [d]etails: ")
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

    /// A preview as printed.
    struct Shown: Sendable {
        let preview: StepPreview

        var text: String {
            var lines = ["", "step '\(preview.id)' [\(preview.kind)\(preview.mutating ? ", mutating" : "")]"]
            for (host, command) in preview.commands { lines.append("  \(host): $ \(command)") }
            if preview.commands.isEmpty, preview.notes.isEmpty { lines.append("  (touches no host)") }
            return lines.joined(separator: "\n") + "\n"
        }

        var details: String {
            var lines: [String] = []
            if let doc = preview.doc { lines.append("  doc: \(doc)") }
            lines += preview.notes.map { "  \($0)" }
            if lines.isEmpty { lines.append("  (nothing more to show)") }
            return lines.joined(separator: "\n") + "\n"
        }
    }
}
