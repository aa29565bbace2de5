import Foundation
import HTTPTypes
import WardenCore

/// A form the web UI refused after the gate let it through: a field left
/// empty, or a rule of the service that said no. The page is shown again
/// with `message` in its alert, answering `status` (4xx as the API would,
/// from the same `AdmissionError` kinds).
struct WebRefusal: Error, Sendable {
    let message: String
    let status: HTTPResponse.Status

    init(message: String, status: HTTPResponse.Status) {
        self.message = message
        self.status = status
    }

    /// Any error of a form's handling: a refusal as it is, a service's refusal with the API's status for it.
    init(_ error: any Error) {
        switch error {
        case let refusal as WebRefusal: self = refusal
        case let admission as AdmissionError: self.init(message: admission.description, status: APIError(admission).status)
        default: self.init(message: "\(error)", status: .internalServerError)
        }
    }
}
