import Foundation

/// `window:` as written: `between` and `timezone` may be literal or read
/// parameters (`between: "{{ params.window }}"`), so one shipped runbook
/// serves every site's low-traffic window. A literal window is checked when
/// the runbook loads; one from parameters when they are bound.
public struct WindowSpec: Sendable {
    public let between: Template
    let betweenLocation: SourceLocation
    public let timezone: Template
    let timezoneLocation: SourceLocation
    let cleanupReserve: Duration?
    let cleanupReserveLocation: SourceLocation?
    public let location: SourceLocation

    /// The window itself when nothing in it comes from parameters.
    public var fixed: MaintenanceWindow? {
        guard between.isLiteral, timezone.isLiteral else { return nil }
        return try? Self.window(between: between.text, timezone: timezone.text, spec: self)
    }

    /// The window for these parameters; a value that is not a window is an error at its place in the runbook.
    func resolve(in environment: ExpressionEnvironment) throws(LocatedError) -> MaintenanceWindow {
        let betweenText = try between.renderText(in: environment)
        let zoneText = try timezone.renderText(in: environment)
        return try Self.window(between: betweenText, timezone: zoneText, spec: self)
    }

    /// Checks a window's texts: the one place that says what a valid window is.
    static func window(between: String, timezone: String, spec: WindowSpec) throws(LocatedError) -> MaintenanceWindow {
        guard let minutes = MaintenanceWindow.minutes(of: between) else {
            throw LocatedError("between must be \"HH:MM-HH:MM\" with different start and end, got '\(between)'", at: spec.betweenLocation,
                               hint: "a range that ends before it starts wraps past midnight, e.g. \"22:00-02:00\"")
        }
        guard let zone = TimeZone(identifier: timezone) else {
            throw LocatedError("unknown time zone '\(timezone)'", at: spec.timezoneLocation,
                               hint: NameSuggestion.hint(for: timezone, among: TimeZone.knownTimeZoneIdentifiers)
                                   ?? "use an IANA name such as UTC, Europe/Berlin or Asia/Shanghai")
        }
        let window = MaintenanceWindow(startMinute: minutes.start, endMinute: minutes.end, timeZone: zone, timeZoneName: timezone,
                                       location: spec.location, cleanupReserve: spec.cleanupReserve)
        if let reserve = spec.cleanupReserve, reserve >= window.length {
            throw LocatedError("cleanup_reserve (\(DurationText.format(reserve))) leaves no time for the steps in a \(DurationText.format(window.length)) window",
                               at: spec.cleanupReserveLocation)
        }
        return window
    }
}
