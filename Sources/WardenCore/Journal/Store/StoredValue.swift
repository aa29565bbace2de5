/// How a store turns the strings it keeps back into the journal's enums
/// (event kinds, run statuses, approval decisions, audit actions...), so that
/// every store refuses an unknown one alike: naming what it is, where it is,
/// and what to do, never skipping it or reading it as something else.
public enum StoredValue {
    /// `raw` as a `T`, or a `.unknownValue` error naming `what` it is (`"kind"`,
    /// `"status"`) and `place` (`"event 7 of run R"`).
    public static func decode<T: RawRepresentable>(
        _ raw: String, as type: T.Type = T.self, what: String, at place: @autoclosure () -> String
    ) throws(JournalError) -> T where T.RawValue == String {
        guard let value = T(rawValue: raw) else {
            throw JournalError(.unknownValue, """
                \(place()) has the \(what) '\(raw)', which this version of Warden does not know: \
                a newer Warden wrote it (read this journal with that one), or it was changed outside Warden \
                (`warden audit verify` tells which)
                """)
        }
        return value
    }

    /// `raw` as a `T` when there is one.
    public static func decodeIfPresent<T: RawRepresentable>(
        _ raw: String?, as type: T.Type = T.self, what: String, at place: @autoclosure () -> String
    ) throws(JournalError) -> T? where T.RawValue == String {
        guard let raw else { return nil }
        return try decode(raw, as: T.self, what: what, at: place())
    }
}
