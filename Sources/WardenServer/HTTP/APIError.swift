import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import WardenCore

/// An API refusal as the client reads it: a status code and a JSON body
/// `{"error": {"status", "message", "field"?, ...}}` that names the field,
/// the run or the guard and says what to do. Messages are data: they reach
/// clients as JSON strings, never as HTML.
public struct APIError: Error, HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let message: String
    /// The request field at fault (`params.seconds`, `plan_hash`), when one is.
    public let field: String?
    /// Extra members of the error object: a new plan, the journaled refusal's run id.
    public let extra: [String: APIValue]
    /// Headers to add (`Retry-After`, `WWW-Authenticate`).
    public let headers: HTTPFields

    public init(_ status: HTTPResponse.Status, _ message: String, field: String? = nil, extra: [String: APIValue] = [:],
                headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.field = field
        self.extra = extra
        var headers = headers
        if status == .unauthorized, headers[.wwwAuthenticate] == nil { headers[.wwwAuthenticate] = "Bearer realm=\"warden\"" }
        self.headers = headers
    }

    /// The dispatcher's refusal as a response: its kind picks the code.
    init(_ error: AdmissionError) {
        let status: HTTPResponse.Status = switch error.kind {
        case .invalidInput: .unprocessableContent
        case .notFound: .notFound
        case .planChanged, .conflict: .conflict
        case .forbidden: .forbidden
        case .busy: .tooManyRequests
        case .stopping: .serviceUnavailable
        case .failed: .internalServerError
        }
        var extra: [String: APIValue] = [:]
        if let plan = error.plan { extra["plan"] = APIValue(encoding: plan) }
        if let run = error.runID { extra["run_id"] = .string(run) }
        self.init(status, error.description, extra: extra, headers: error.kind == .busy ? [.retryAfter: "30"] : [:])
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var error: [String: APIValue] = ["status": .int(Int(status.code)), "message": .string(message)]
        if let field { error["field"] = .string(field) }
        error.merge(extra) { ours, _ in ours }
        var response = JSONResponse.make(APIValue.object(["error": .object(error)]), status: status)
        for field in headers { response.headers.append(field) }
        return response
    }
}
