import Foundation
import Hummingbird
import NIOCore

/// An `application/x-www-form-urlencoded` body, as a browser posts a form.
struct WebForm: Sendable {
    let fields: [String: String]

    subscript(_ name: String) -> String? { fields[name] }

    /// Forms here are a few short fields; a larger body is refused before it is read.
    static let maximumBytes = 16 * 1024

    /// The form in `request`'s body; empty when the body is not a form (the checks then fail on missing fields).
    static func read(_ request: Request) async throws -> WebForm {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/x-www-form-urlencoded") else { return WebForm(fields: [:]) }
        let buffer = try await request.body.collect(upTo: maximumBytes)
        return parse(String(buffer: buffer))
    }

    /// The query of a page's URL as a GET form sends it (`a+b` is "a b"; Hummingbird's own query parameters keep the `+`).
    static func query(_ request: Request) -> WebForm {
        parse(request.uri.query ?? "")
    }

    static func parse(_ text: String) -> WebForm {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            // `+` is a space in forms (not in percent-encoding generally), so it is turned first.
            func decode(_ part: Substring) -> String? { part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let name = parts.first.flatMap(decode) else { continue }
            // The first of a repeated field counts, so a second one appended cannot override it.
            if fields[name] == nil { fields[name] = parts.count > 1 ? decode(parts[1]) ?? "" : "" }
        }
        return WebForm(fields: fields)
    }
}
