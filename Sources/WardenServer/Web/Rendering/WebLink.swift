import Foundation

/// Links the web UI builds from ids (runs, schedules, incidents, locks). An
/// id is data, so it goes into a path as one percent-encoded segment: a
/// slash, `?`, `#` or `..` in it cannot reach another path or another site.
enum WebLink {
    /// The characters left as they are: RFC 3986's unreserved set, ASCII only.
    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// `text` as one path segment (`pegasus/demo` → `pegasus%2Fdemo`); `.` and `..` are encoded too, so no segment is a step.
    static func segment(_ text: String) -> String {
        let encoded = text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
        return switch encoded {
        case ".": "%2E"
        case "..": "%2E%2E"
        default: encoded
        }
    }

    /// `text` as a query value: everything but the unreserved characters percent-encoded (so `&`, `=`, `+`, `#`).
    static func queryValue(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    /// The run page of run `id`.
    static func run(_ id: String) -> String { "/runs/" + segment(id) }
}
