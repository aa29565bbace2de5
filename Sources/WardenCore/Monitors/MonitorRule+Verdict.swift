import Foundation

extension MonitorRule {
    /// The rule judged over `points` (oldest first), taken about every
    /// `interval`. A gap of more than two and a half intervals breaks a
    /// `for` streak: what happened while nobody looked is not known to
    /// have lasted.
    public func verdict(over points: [MonitorPoint], interval: Duration) -> MonitorVerdict {
        guard let last = points.last else { return .unknown("no sample yet") }
        if let change { return verdict(of: change, over: points, last: last) }
        guard let breach = last.breach else { return .unknown("the latest sample could not be judged") }
        let now = "\(figure(last))"
        switch window {
        case .immediately:
            return breach ? .firing("holds now\(now)") : .clear("does not hold\(now)")
        case let .sustained(duration):
            guard breach else { return .clear("does not hold\(now)") }
            let maximumGap = max(interval.timeInterval * 2.5, 1)
            var start = last.time
            var index = points.count - 1
            while index > 0, points[index - 1].breach == true, points[index].time.timeIntervalSince(points[index - 1].time) <= maximumGap {
                index -= 1
                start = points[index].time
            }
            let held = last.time.timeIntervalSince(start)
            let text = "held for \(DurationText.format(.seconds(held))) of \(DurationText.format(duration))\(now)"
            return held >= duration.timeInterval ? .firing(text) : .pending(text)
        case let .minutes(count, within):
            let from = last.time.addingTimeInterval(-within.timeInterval)
            let minutes = Set(points.filter { $0.time > from && $0.breach == true }.map(\.minute)).count
            let text = "held in \(minutes) of the \(count) minutes needed within \(DurationText.format(within))\(now)"
            if minutes >= count { return .firing(text) }
            return breach ? .pending(text) : .clear(text)
        case let .samples(rule):
            let recent = points.suffix(rule.of)
            let breaches = recent.filter { $0.breach == true }.count
            let text = "held in \(breaches) of the last \(recent.count) samples (\(rule.description) needed)\(now)"
            if breaches >= rule.breaches { return .firing(text) }
            return breach ? .pending(text) : .clear(text)
        }
    }

    private func verdict(of change: MonitorChange, over points: [MonitorPoint], last: MonitorPoint) -> MonitorVerdict {
        guard last.value != nil else { return .unknown("the latest sample has no value for \(value?.text ?? "the figure")") }
        let from = last.time.addingTimeInterval(-change.within.timeInterval)
        var moves: [MonitorPoint] = []
        var previous: MonitorPoint?
        for point in points {
            guard let current = point.value else { continue }
            if let before = previous?.value, point.time > from {
                let moved = change.direction == .decreased ? current < before : current > before
                if moved { moves.append(point) }
            }
            previous = point
        }
        let counted = change.counting == .times ? moves.count : Set(moves.map(\.minute)).count
        let unit = change.counting == .times ? "times" : "separate minutes"
        let text = "\(change.direction.rawValue) \(counted) \(unit) within \(DurationText.format(change.within)) (\(change.count) needed)\(figure(last))"
        if counted >= change.count { return .firing(text) }
        return counted > 0 ? .pending(text) : .clear(text)
    }

    private func figure(_ point: MonitorPoint) -> String {
        guard let value = point.value else { return "" }
        return "; now \(MonitorRule.format(value))"
    }

    /// A figure without a needless `.0`.
    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
