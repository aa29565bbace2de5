import Foundation

/// What one sample said for one rule: whether its condition held (nil when
/// the sample had no usable data or the condition could not be evaluated)
/// and the figure the rule reads. A monitor's history is a list of these,
/// journaled so that windows survive a restart and are shared by controllers.
public struct MonitorPoint: Sendable, Hashable, Codable {
    public let time: Date
    public let breach: Bool?
    public let value: Double?

    public init(time: Date, breach: Bool?, value: Double?) {
        self.time = time
        self.breach = breach
        self.value = value
    }

    /// The wall-clock minute the sample was taken in.
    var minute: Int { Int((time.timeIntervalSince1970 / 60).rounded(.down)) }
}
