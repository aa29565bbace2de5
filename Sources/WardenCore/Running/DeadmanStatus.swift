/// What became of a deadman at the end of a run (`DeadmanReport.status`):
/// what `warden run` reports, and the words the journal's `deadman-disarmed`
/// and `deadman-left-armed` events use. The raw values are stable.
public enum DeadmanStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case disarmed
    /// Left to revert its change on its own (cleanup did not succeed).
    case leftArmed = "left-armed"
    /// Its revert already ran, or is running.
    case fired
    /// Nothing was armed where it was journaled.
    case missing
    /// Its host could not be asked, or the deadman is one Warden does not touch.
    case unknown

    /// Whether the host may still revert the change on its own: journaled as
    /// `deadman-left-armed`, and reported with its firing time.
    public var mayStillFire: Bool { self == .leftArmed || self == .unknown }
}
