/// One parsed field of a cron line: the values it allows, and whether it was
/// written starting with `*` (Vixie cron's test for the day-of-month /
/// day-of-week rule, so `*/2` counts as unrestricted there).
struct CronField: Sendable, Hashable {
    /// How a field is written: its name in errors, its range, and its names.
    struct Kind: Sendable {
        let name: String
        let range: ClosedRange<Int>
        /// Upper-case names to their numbers (`JAN` = 1, `SUN` = 0).
        let names: [String: Int]
        /// day-of-week: 7 is Sunday too, folded to 0.
        let sevenIsSunday: Bool
        /// day-of-month: `L` is the last day of the month.
        let allowsLast: Bool

        static let minute = Kind(name: "minute", range: 0...59, names: [:], sevenIsSunday: false, allowsLast: false)
        static let hour = Kind(name: "hour", range: 0...23, names: [:], sevenIsSunday: false, allowsLast: false)
        static let dayOfMonth = Kind(name: "day-of-month", range: 1...31, names: [:], sevenIsSunday: false, allowsLast: true)
        static let month = Kind(
            name: "month", range: 1...12,
            names: ["JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12],
            sevenIsSunday: false, allowsLast: false
        )
        static let dayOfWeek = Kind(
            name: "day-of-week", range: 0...7,
            names: ["SUN": 0, "MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6],
            sevenIsSunday: true, allowsLast: false
        )

        var allowedText: String {
            var text = "\(range.lowerBound)-\(range.upperBound)"
            if !names.isEmpty {
                let ordered = names.sorted { $0.value < $1.value }.map(\.key)
                text += " or \(ordered.first ?? "")-\(ordered.last ?? "")"
            }
            if allowsLast { text += " or L" }
            return text
        }
    }

    /// The allowed values, ascending (day-of-week already folded to 0-6).
    let values: [Int]
    /// day-of-month only: the last day of each month is allowed too.
    let lastDay: Bool
    /// Written starting with `*`.
    let startsWithStar: Bool
    private let mask: UInt64

    init(values: Set<Int>, lastDay: Bool = false, startsWithStar: Bool) {
        self.values = values.sorted()
        self.lastDay = lastDay
        self.startsWithStar = startsWithStar
        mask = values.reduce(0) { $0 | (1 << UInt64($1)) }
    }

    func contains(_ value: Int) -> Bool {
        value >= 0 && value < 64 && mask & (1 << UInt64(value)) != 0
    }

    static func parse(_ text: String, as kind: Kind) throws(ScheduleExpressionError) -> CronField {
        var values = Set<Int>()
        var lastDay = false
        for item in text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            guard !item.isEmpty else { throw ScheduleExpressionError(.emptyItem, field: kind.name) }
            if kind.allowsLast, item.uppercased().contains("L") {
                guard item.uppercased() == "L" else { throw ScheduleExpressionError(.misplacedLast(item), field: kind.name) }
                lastDay = true
                continue
            }
            values.formUnion(try parseItem(item, as: kind))
        }
        if kind.sevenIsSunday, values.remove(7) != nil { values.insert(0) }
        return CronField(values: values, lastDay: lastDay, startsWithStar: text.hasPrefix("*"))
    }

    /// `*`, `N`, `N-M`, each optionally `/STEP`; `N/STEP` runs to the field's end, as in Vixie cron.
    private static func parseItem(_ item: String, as kind: Kind) throws(ScheduleExpressionError) -> Set<Int> {
        let parts = item.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2 else { throw ScheduleExpressionError(.badStep(parts.dropFirst().joined(separator: "/")), field: kind.name) }
        var step = 1
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), parsed >= 1 else { throw ScheduleExpressionError(.badStep(parts[1]), field: kind.name) }
            step = parsed
        }
        let base = parts[0]
        let lower: Int
        let upper: Int
        if base == "*" {
            // 7 is only an alias, so `*` on day-of-week means 0-6.
            lower = kind.range.lowerBound
            upper = kind.sevenIsSunday ? 6 : kind.range.upperBound
        } else if let dash = base.firstIndex(of: "-") {
            lower = try value(String(base[..<dash]), as: kind)
            upper = try value(String(base[base.index(after: dash)...]), as: kind)
            guard lower <= upper else { throw ScheduleExpressionError(.backwardsRange(from: lower, to: upper), field: kind.name) }
        } else {
            lower = try value(base, as: kind)
            upper = parts.count == 2 ? kind.range.upperBound : lower
        }
        return Set(stride(from: lower, through: upper, by: step))
    }

    private static func value(_ text: String, as kind: Kind) throws(ScheduleExpressionError) -> Int {
        if let named = kind.names[text.uppercased()] { return named }
        guard !text.isEmpty, text.allSatisfy(\.isASCII), let number = Int(text), !text.hasPrefix("+") else {
            throw ScheduleExpressionError(text.isEmpty ? .emptyItem : .notAValue(text, allowed: kind.allowedText), field: kind.name)
        }
        guard kind.range.contains(number) else { throw ScheduleExpressionError(.outOfRange(number, allowed: kind.range), field: kind.name) }
        return number
    }
}
