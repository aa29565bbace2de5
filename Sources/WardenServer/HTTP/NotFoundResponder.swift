import Hummingbird
import WardenCore

/// An unknown path or method answers in the API's JSON error shape (404), not Hummingbird's empty body.
struct NotFoundMiddleware: RouterMiddleware {
    typealias Context = WardenRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            throw APIError(.notFound, "no such route: \(request.method) \(VisibleText.line(request.uri.path)); GET /api/v1/openapi.json describes the API")
        } catch let error as HTTPError where error.status == .methodNotAllowed {
            throw APIError(.methodNotAllowed, "\(request.method) is not allowed on \(VisibleText.line(request.uri.path))")
        } catch let error as HTTPError {
            throw APIError(error.status, error.body ?? "\(error.status.reasonPhrase)")
        }
    }
}
