/// Why a webhook body is not an Alertmanager delivery Warden acts on. Every
/// case names the field by its JSON path (`alerts[3].startsAt`), so that the
/// server's 400 and the journal's `invalid` decision say what to fix.
public enum AlertmanagerDeliveryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not JSON at all (or nested deeper than a decoder accepts).
    case notJSON
    /// `version` is not "4", the only webhook protocol Warden reads.
    case unsupportedVersion(String)
    case missingField(path: String)
    /// The field is there with the wrong JSON type; `expected` says which.
    case wrongType(path: String, expected: String)
    /// A status other than "firing" or "resolved".
    case badStatus(path: String, value: String)
    /// Not an RFC 3339 time.
    case badTimestamp(path: String, value: String)
    /// Over one of the bounds in `AlertmanagerDelivery.Limits`.
    case tooLarge(path: String, limit: Int)
    /// A negative `truncatedAlerts`, an empty fingerprint.
    case badValue(path: String, reason: String)

    /// The field the problem is at (`$` for the whole body).
    public var path: String {
        switch self {
        case .notJSON: "$"
        case .unsupportedVersion: "version"
        case let .missingField(path), let .wrongType(path, _), let .badStatus(path, _), let .badTimestamp(path, _),
             let .tooLarge(path, _), let .badValue(path, _): path
        }
    }

    public var description: String {
        switch self {
        case .notJSON: "the body is not a JSON object"
        case let .unsupportedVersion(version): "version: webhook protocol version '\(Self.shown(version))' is not supported (Warden reads version \"4\")"
        case let .missingField(path): "\(path): missing"
        case let .wrongType(path, expected): "\(path): must be \(expected)"
        case let .badStatus(path, value): "\(path): '\(Self.shown(value))' is neither \"firing\" nor \"resolved\""
        case let .badTimestamp(path, value): "\(path): '\(Self.shown(value))' is not an RFC 3339 time"
        case let .tooLarge(path, limit): "\(path): over the limit of \(limit)"
        case let .badValue(path, reason): "\(path): \(reason)"
        }
    }

    /// A value from the body as a message shows it: control characters escaped, at most 80 characters.
    static func shown(_ value: String) -> String {
        let line = VisibleText.line(value)
        return line.count > 80 ? String(line.prefix(80)) + "…" : line
    }
}
