import Foundation
import Hummingbird
import NIOCore
import WardenCore

/// A request body the API reads: JSON, an object, at most the configured
/// size, with only the members the route knows (a misspelt `plan_hahs` is
/// refused with a did-you-mean rather than ignored). Every refusal names the
/// member and, for malformed JSON, where it broke.
protocol JSONBody: Decodable, Sendable {
    /// The members the route reads.
    static var members: [String] { get }
}

extension JSONBody {
    static func read(from request: Request, limit: Int) async throws(APIError) -> Self {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch {
            throw APIError(.contentTooLarge, "the request body is over \(limit) bytes, the most this daemon reads (http.max_body_bytes)")
        }
        let data = Data(buffer.readableBytesView)
        guard !data.isEmpty else { throw APIError(.badRequest, "the request needs a JSON object body with: \(members.joined(separator: ", "))") }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw APIError(.badRequest, "the body is not JSON: \(JSONBodyText.position(of: error, in: data))")
        }
        guard let members = object as? [String: Any] else {
            throw APIError(.badRequest, "the body must be a JSON object with: \(Self.members.joined(separator: ", "))")
        }
        for name in members.keys.sorted() where !Self.members.contains(name) {
            let hint = NameSuggestion.hint(for: name, among: Self.members).map { "; \($0)" } ?? ""
            throw APIError(.badRequest, "unknown member '\(VisibleText.line(name))' in the body (known: \(Self.members.joined(separator: ", ")))\(hint)",
                           field: name)
        }
        do {
            return try JSONDecoder().decode(Self.self, from: data)
        } catch let error as DecodingError {
            let (field, message) = JSONBodyText.describe(error)
            throw APIError(.badRequest, message, field: field)
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError(.badRequest, "the body cannot be read: \(error)")
        }
    }
}

/// Messages for bodies that do not decode, naming the member by its path.
enum JSONBodyText {
    static func path(_ keys: [any CodingKey]) -> String {
        keys.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined().drop { $0 == "." }.description
    }

    static func describe(_ error: DecodingError) -> (field: String?, message: String) {
        switch error {
        case let .keyNotFound(key, context):
            let field = path(context.codingPath + [key])
            return (field, "'\(field)' is required")
        case let .typeMismatch(type, context):
            let field = path(context.codingPath)
            return (field, "'\(field)' must be \(name(of: type))")
        case let .valueNotFound(type, context):
            let field = path(context.codingPath)
            return (field, "'\(field)' must be \(name(of: type)), not null")
        case let .dataCorrupted(context):
            let field = path(context.codingPath)
            return (field.isEmpty ? nil : field, field.isEmpty ? context.debugDescription : "'\(field)': \(context.debugDescription)")
        @unknown default:
            return (nil, "the body cannot be read")
        }
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "an integer"
        case is Bool.Type: "true or false"
        case is Double.Type: "a number"
        default: type is [Any].Type ? "a list" : "an object"
        }
    }

    /// Where JSONSerialization gave up, as line and column when it says so.
    static func position(of error: any Error, in data: Data) -> String {
        let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
        return VisibleText.line(text)
    }
}
