import Foundation

/// Checks `schedules:` against what the daemon offers, at config load: each
/// schedule's inventory is configured, its runbook is in the catalog, its
/// parameters are the runbook's and have their types, its window is not
/// longer than the time between its occurrences and leaves room after the
/// runbook's cleanup reserve, `overlap: allow_all` is only for a runbook that
/// changes nothing, and `approve_ahead` has a gate to approve.
enum ScheduleCheck {
    static func problems(_ schedules: [Schedule], catalog: RunbookCatalog, inventories: Set<String>, now: Date = Date()) -> [LocatedError] {
        var problems: [LocatedError] = []
        for schedule in schedules {
            let named = "schedule '\(schedule.id)'"
            let location = schedule.location
            if !inventories.contains(schedule.inventory) {
                problems.append(LocatedError("\(named): inventory '\(schedule.inventory)' is not in inventories", at: location,
                                             hint: NameSuggestion.hint(for: schedule.inventory, among: inventories)))
            }
            if let gap = shortestGap(schedule, after: now), schedule.duration > gap {
                problems.append(LocatedError("\(named): duration \(DurationText.format(schedule.duration)) is longer than the \(DurationText.format(gap)) "
                                             + "between two of its occurrences ('\(schedule.expressionText)' in \(schedule.timeZoneName)); windows may not overlap",
                                             at: location))
            }
            guard let runbook = catalog[schedule.runbook] else {
                problems.append(LocatedError("\(named): runbook '\(schedule.runbook)' is not in the catalog (the runbooks folders)", at: location,
                                             hint: NameSuggestion.hint(for: schedule.runbook, among: catalog.names)))
                continue
            }
            problems += parameterProblems(schedule, runbook: runbook, what: named)
            let reserve = cleanupReserve(of: runbook, window: schedule.duration)
            if reserve >= schedule.duration {
                problems.append(LocatedError("\(named): the runbook keeps \(DurationText.format(reserve)) for cleanup (window.cleanup_reserve), "
                                             + "which leaves no time for its steps in a \(DurationText.format(schedule.duration)) window", at: location))
            }
            if schedule.overlap == .allowAll, let step = runbook.allSteps.first(where: \.isMutating) {
                problems.append(LocatedError("\(named): overlap allow_all would run '\(runbook.name)' beside itself, and its step '\(step.id)' changes hosts",
                                             at: location, hint: "use overlap: skip (the default) or queue_one"))
            }
            if schedule.approveAhead != nil, !runbook.hasApprovalGate {
                problems.append(LocatedError("\(named): approve_ahead is set, but runbook '\(runbook.name)' has no approve: step to approve", at: location,
                                             hint: "remove approve_ahead, or add an approve: step before the changes"))
            }
        }
        return problems
    }

    /// The schedules with `catchup` filled in where the config left it out: the window less the
    /// runbook's cleanup reserve (the last moment a start still leaves the steps some time).
    static func resolvingCatchup(_ schedules: [Schedule], catalog: RunbookCatalog) -> [Schedule] {
        schedules.map { schedule in
            var resolved = schedule
            if resolved.catchup == nil, let runbook = catalog[schedule.runbook] {
                resolved.catchup = max(.seconds(1), schedule.duration - cleanupReserve(of: runbook, window: schedule.duration))
            }
            return resolved
        }
    }

    /// The time the run keeps for cleanup at its window's end: the runbook's `window.cleanup_reserve`,
    /// else a tenth of the window, at most fifteen minutes (as for a runbook's own window).
    static func cleanupReserve(of runbook: Runbook, window: Duration) -> Duration {
        runbook.window?.cleanupReserve ?? MaintenanceWindow.defaultReserve(minutes: Int(window.milliseconds / 60_000))
    }

    /// The shortest time between two of the schedule's next occurrences (nil: fewer than two).
    static func shortestGap(_ schedule: Schedule, after: Date) -> Duration? {
        let next = schedule.occurrences.next(200, after: after)
        guard next.count > 1 else { return nil }
        let seconds = zip(next, next.dropFirst()).map { $1.start.timeIntervalSince($0.start) }.min() ?? 0
        return .seconds(seconds)
    }

    private static func parameterProblems(_ schedule: Schedule, runbook: Runbook, what: String) -> [LocatedError] {
        var problems: [LocatedError] = []
        let declared = Dictionary(runbook.parameters.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for (name, text) in schedule.params.sorted(by: { $0.key < $1.key }) {
            guard let spec = declared[name] else {
                problems.append(LocatedError("\(what): runbook '\(runbook.name)' has no parameter '\(name)'", at: schedule.location,
                                             hint: NameSuggestion.hint(for: name, among: declared.keys)))
                continue
            }
            if spec.secret {
                problems.append(LocatedError("\(what): parameter '\(name)' of runbook '\(runbook.name)' is a secret; a schedule cannot set a secret",
                                             at: schedule.location, hint: "give the runbook the secret as its default from a file"))
            }
            if case let .failure(problem) = spec.type.value(fromText: text) {
                let shown = spec.secret ? "a value that is not (not shown: secret)" : "'\(VisibleText.line(text))'"
                problems.append(LocatedError("\(what): parameter '\(name)' of runbook '\(runbook.name)' must be \(problem.expectation), got \(shown)",
                                             at: schedule.location))
            }
        }
        for spec in runbook.parameters where spec.required && spec.defaultValue == nil && schedule.params[spec.name] == nil {
            problems.append(LocatedError("\(what): runbook '\(runbook.name)' requires parameter '\(spec.name)', which the schedule does not set",
                                         at: schedule.location))
        }
        return problems
    }
}
