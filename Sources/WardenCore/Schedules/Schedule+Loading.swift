import Foundation
import Yams

extension Schedule {
    /// The keys of one schedule, in the order the documentation lists them.
    static let keys = ["id", "runbook", "inventory", "params", "cron", "rrule", "timezone", "duration", "overlap", "catchup", "approve_ahead",
                       "enabled", "owner", "blackouts"]
    static let blackoutKeys = ["name", "from", "to", "reason"]

    /// Reads the schedules of a `schedules:` node, with every problem found.
    ///
    /// ```yaml
    /// - id: nightly-rebalance
    ///   runbook: pegasus-rebalance
    ///   inventory: pegasus-a
    ///   params: {meta: meta1}
    ///   cron: "30 1 * * *"          # or rrule: "FREQ=WEEKLY;BYDAY=SA;BYHOUR=1;BYMINUTE=30"
    ///   timezone: Asia/Shanghai
    ///   duration: 3h
    ///   approve_ahead: 12h
    ///   blackouts: [{name: sale, from: 2026-11-10, to: 2026-11-12, reason: "singles' day"}]
    /// ```
    static func parse(_ node: Node, file: String) -> (schedules: [Schedule], problems: [LocatedError]) {
        var reader = YAMLFieldReader(file: file)
        guard case let .sequence(items) = node else {
            if YAMLNodeInspection.isNull(node) { return ([], []) }
            reader.problem("schedules must be a list of schedules, got \(YAMLNodeInspection.describe(node))", at: node)
            return ([], reader.problems)
        }
        var schedules: [Schedule] = []
        var ids: [String: SourceLocation] = [:]
        for item in items {
            guard let schedule = reader.schedule(item) else { continue }
            if let first = ids[schedule.id] {
                reader.problem("duplicate schedule id '\(schedule.id)' (first at line \(first.line), column \(first.column))", at: item)
                continue
            }
            ids[schedule.id] = reader.at(item)
            schedules.append(schedule)
        }
        return (schedules, reader.problems)
    }

    /// Reads a `blackouts:` list (the config's global one, or a schedule's).
    static func parseBlackouts(_ node: Node, file: String) -> (blackouts: [ScheduleBlackout], problems: [LocatedError]) {
        var reader = YAMLFieldReader(file: file)
        let blackouts = reader.blackouts(node, named: "blackouts")
        return (blackouts, reader.problems)
    }
}

extension YAMLFieldReader {
    /// An id, a runbook or an inventory: letters, digits, `-`, `_` and `.`, as URLs and metric labels carry them.
    mutating func name(_ node: Node, named name: String) -> String? {
        guard let text = text(node, named: name) else { return nil }
        guard text.count <= 64, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            problem("\(name) must be 1 to 64 letters, digits, '-', '_' or '.', got '\(VisibleText.line(text))'", at: node)
            return nil
        }
        return text
    }

    mutating func schedule(_ node: Node) -> Schedule? {
        let fields = keyed(node, named: "a schedule", among: Schedule.keys)
        guard !fields.isEmpty || problems.isEmpty else { return nil }
        var missing: [String] = []
        func required(_ key: String) -> YAMLMapping.Entry? {
            if fields[key] == nil { missing.append(key) }
            return fields[key]
        }
        let id = required("id").flatMap { name($0.value, named: "id") }
        let what = "schedule '\(id ?? "?")'"
        let runbook = required("runbook").flatMap { text($0.value, named: "\(what): runbook") }
        let inventory = required("inventory").flatMap { text($0.value, named: "\(what): inventory") }
        let zone = required("timezone").flatMap { timeZone($0.value, named: "\(what): timezone") }
        let duration = required("duration").flatMap { self.duration($0.value, named: "\(what): duration") }
        var expression: (text: String, parsed: ScheduleExpression)?
        switch (fields["cron"], fields["rrule"]) {
        case (nil, nil):
            missing.append("cron or rrule")
        case let (cron?, rrule?):
            problem("\(what) has both cron and rrule; give one", at: rrule.key)
            _ = cron
        case let (entry?, nil), let (nil, entry?):
            if let written = text(entry.value, named: "\(what): \(entry.name)") {
                do {
                    expression = (written, entry.name == "rrule" ? .recurrence(try RecurrenceRule.parse(written)) : .cron(try CronExpression.parse(written)))
                } catch {
                    problem("\(what): \(entry.name): \(error)", at: entry.value)
                }
            }
        }
        var params: [String: String] = [:]
        if let entry = fields["params"] {
            if case .mapping = entry.value {
                let found = YAMLMapping.entries(of: entry.value, context: "in \(what) params", file: file)
                problems += found.problems
                for item in found.entries {
                    guard case let .scalar(scalar) = item.value else {
                        problem("\(what): params.\(item.name) must be a single value, got \(YAMLNodeInspection.describe(item.value))", at: item.value)
                        continue
                    }
                    params[item.name] = scalar.string
                }
            } else if !YAMLNodeInspection.isNull(entry.value) {
                problem("\(what): params must be a mapping of parameter names to values, got \(YAMLNodeInspection.describe(entry.value))", at: entry.value)
            }
        }
        var overlap = ScheduleOverlap.skip
        if let entry = fields["overlap"], let written = text(entry.value, named: "\(what): overlap") {
            if let chosen = ScheduleOverlap(rawValue: written) { overlap = chosen } else {
                problem("\(what): overlap must be one of \(ScheduleOverlap.allCases.map(\.rawValue).joined(separator: ", ")), got '\(written)'", at: entry.value,
                        hint: NameSuggestion.hint(for: written, among: ScheduleOverlap.allCases.map(\.rawValue)))
            }
        }
        let catchup = fields["catchup"].flatMap { self.duration($0.value, named: "\(what): catchup") }
        let ahead = fields["approve_ahead"].flatMap { self.duration($0.value, named: "\(what): approve_ahead") }
        let enabled = fields["enabled"].flatMap { flag($0.value, named: "\(what): enabled") } ?? true
        let owner = fields["owner"].flatMap { text($0.value, named: "\(what): owner") }
        let blackouts = fields["blackouts"].map { self.blackouts($0.value, named: "\(what): blackouts") } ?? []
        if !missing.isEmpty {
            // A missing zone is never taken to mean UTC: a window meant for 01:30 in Shanghai would open at 09:30 there.
            problem("\(what) needs \(missing.joined(separator: ", "))", at: node,
                    hint: missing.contains("timezone") ? "write timezone: UTC if the times are meant in UTC, else the zone's IANA name (Europe/Berlin)" : nil)
        }
        guard let id, let runbook, let inventory, let zone, let duration, let expression else { return nil }
        if let catchup, catchup > duration {
            problem("\(what): catchup (\(DurationText.format(catchup))) is longer than the window (duration \(DurationText.format(duration))): "
                    + "a late start must still end inside its window", at: fields["catchup"]?.value ?? node)
        }
        return Schedule(id: id, runbook: runbook, inventory: inventory, params: params, expressionText: expression.text, expression: expression.parsed,
                        timeZone: zone.zone, timeZoneName: zone.name, duration: duration, overlap: overlap, catchup: catchup, approveAhead: ahead,
                        enabled: enabled, owner: owner, blackouts: blackouts, location: at(node))
    }

    mutating func blackouts(_ node: Node, named name: String) -> [ScheduleBlackout] {
        if YAMLNodeInspection.isNull(node) { return [] }
        guard case let .sequence(items) = node else {
            problem("\(name) must be a list of {name, from, to, reason}", at: node)
            return []
        }
        var found: [ScheduleBlackout] = []
        for item in items {
            let fields = keyed(item, named: "a blackout", among: Schedule.blackoutKeys)
            guard let nameEntry = fields["name"], let from = fields["from"], let to = fields["to"] else {
                problem("a blackout needs name, from and to (dates, YYYY-MM-DD, inclusive)", at: item)
                continue
            }
            guard let title = text(nameEntry.value, named: "blackout name") else { continue }
            let reason = fields["reason"].flatMap { text($0.value, named: "blackout reason") }
            var days: [Int] = []
            for entry in [from, to] {
                guard let written = text(entry.value, named: "blackout \(entry.name)") else { continue }
                if let day = ScheduleBlackout.day(of: written) { days.append(day) } else {
                    problem("blackout '\(title)': \(entry.name) must be a date YYYY-MM-DD, got '\(written)'", at: entry.value)
                }
            }
            guard days.count == 2 else { continue }
            guard days[0] <= days[1] else {
                problem("blackout '\(title)': to (\(ScheduleBlackout.text(ofDay: days[1]))) is before from (\(ScheduleBlackout.text(ofDay: days[0])))", at: to.value)
                continue
            }
            found.append(ScheduleBlackout(name: title, firstDay: days[0], lastDay: days[1], reason: reason))
        }
        return found
    }
}
