import ArgumentParser
import Foundation
import WardenCore

/// `warden schedules`: the serve config's maintenance windows, each with its
/// next occurrence, how its last one ended and what waits for a person; and
/// `warden schedules preview ID` to see upcoming occurrences before trusting
/// a new expression with production, DST surprises called out.
struct SchedulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedules",
        abstract: "List the scheduled maintenance windows of a serve config, or preview one's occurrences.",
        subcommands: [List.self, Preview.self],
        defaultSubcommand: List.self)

    /// The serve config, as `warden serve --config` reads it.
    struct ConfigOption: ParsableArguments {
        @Option(help: ArgumentHelp("The serve config file (YAML).", valueName: "FILE"))
        var config: String

        func load() throws -> ServeConfiguration {
            do {
                return try ServeConfiguration.load(path: config).configuration
            } catch {
                throw InvalidInput(description: error.description)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the schedules, their next occurrence and last outcome.")

        @OptionGroup var options: ConfigOption

        @Option(help: "Output format: text or json.")
        var output: OutputFormat = .text

        func run() async throws {
            let configuration = try options.load()
            let journal: Journal
            do {
                journal = try await Journal.open(directory: configuration.state)
            } catch {
                throw InvalidInput(description: error.description)
            }
            let book = ScheduleBook(try await journal.scheduleEvents())
            let policy = try ApprovalPolicy.forCommand()
            let views = configuration.schedules.map { ScheduleView($0, book: book, blackouts: configuration.blackouts, now: Date(), policy: policy, count: 2) }
            switch output {
            case .json: Terminal.writeJSON(try JSONText.encode(["schedules": views]) + "\n")
            case .text:
                guard !views.isEmpty else {
                    Terminal.write("\(options.config) has no schedules\n")
                    return
                }
                // Columns as wide as their longest entry: ids and runbook names are the operator's own.
                let idWidth = max(2, views.map(\.id.count).max() ?? 0) + 1
                let runbookWidth = max(7, views.map(\.runbook.count).max() ?? 0) + 1
                var lines = ["ID".padding(toLength: idWidth, withPad: " ", startingAt: 0) + " " + "NEXT (LOCAL)".padding(toLength: 29, withPad: " ", startingAt: 0)
                             + " " + "RUNBOOK".padding(toLength: runbookWidth, withPad: " ", startingAt: 0) + " LAST"]
                for view in views {
                    // An occurrence started early (run-now) is done: the next one still to come is shown.
                    let upcoming = view.next.first { $0.outcome == nil }
                    let next = view.paused.map { "paused by \($0.by)" } ?? (!view.enabled ? "disabled" : upcoming.map { $0.local + ($0.blackout.map { " (blackout \($0))" } ?? "") } ?? "never")
                    var line = [view.id.padding(toLength: idWidth, withPad: " ", startingAt: 0), next.padding(toLength: 29, withPad: " ", startingAt: 0),
                                view.runbook.padding(toLength: runbookWidth, withPad: " ", startingAt: 0), view.last.map { "\($0.start) \($0.outcome ?? "")" } ?? "-"]
                        .joined(separator: " ")
                    for open in view.open {
                        line += "\n  \(open.id): " + (open.held ?? "due")
                    }
                    lines.append(line)
                }
                // Outcomes and reasons carry text from hosts and people: one visible line each.
                Terminal.write(lines.flatMap { $0.split(separator: "\n").map { VisibleText.line(String($0)) } }.joined(separator: "\n") + "\n")
            }
        }
    }

    struct Preview: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "preview", abstract: "Print a schedule's next occurrences in its zone and in UTC, warning about DST gaps, repeated hours and blackouts.")

        @Argument(help: "The schedule's id.")
        var id: String

        @Option(help: "How many occurrences.")
        var next: Int = 10

        @OptionGroup var options: ConfigOption

        func validate() throws {
            guard (1...1000).contains(next) else { throw ValidationError("--next must be 1...1000, got \(next)") }
        }

        func run() async throws {
            let configuration = try options.load()
            guard let schedule = configuration.schedules.first(where: { $0.id == id }) else {
                let hint = NameSuggestion.hint(for: id, among: configuration.schedules.map(\.id)).map { " (\($0))" } ?? ""
                throw InvalidInput(description: "no schedule '\(VisibleText.line(id))' in \(options.config)\(hint)")
            }
            var lines = [VisibleText.line("\(schedule.id): \(schedule.expressionText) in \(schedule.timeZoneName), window \(DurationText.format(schedule.duration))")]
            for occurrence in schedule.occurrences.next(next, after: Date()) {
                var line = "  \(LocalTime.text(occurrence.start, in: schedule.timeZone))   \(OccurrenceRecord.text(occurrence.start))"
                if occurrence.shiftedByGap { line += "   warning: the local time does not exist that day (DST gap); it starts at the first instant after it" }
                if occurrence.ambiguous { line += "   warning: the local time happens twice that day (DST); it starts on the first, once" }
                if let blackout = schedule.blackout(covering: occurrence.start, among: configuration.blackouts) {
                    line += "   skipped: blackout \(blackout.description)"
                }
                lines.append(VisibleText.line(line))
            }
            Terminal.write(lines.joined(separator: "\n") + "\n")
        }
    }
}
