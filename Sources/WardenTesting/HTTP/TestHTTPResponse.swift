import Foundation

/// An HTTP answer: status, headers (names in lower case), body.
public struct TestHTTPResponse: Sendable, CustomStringConvertible {
    public let status: Int
    public let headers: [String: String]
    public let body: Data

    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object (fails naming the body when it is not one).
    public func json() throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw WardenTestFailure("HTTP \(status): the body is not a JSON object: \(text)")
        }
        return object
    }

    /// `error.message` of an API error body.
    public var errorMessage: String? {
        ((try? json())?["error"] as? [String: Any])?["message"] as? String
    }

    public var description: String { "HTTP \(status): \(text)" }
}
