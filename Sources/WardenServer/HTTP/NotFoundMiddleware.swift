import Hummingbird
import WardenCore

/// An unknown path answers in the API's JSON error shape (404), not Hummingbird's empty body (a
/// browser asking for a page gets an HTML page saying so); a known path asked with a method it does
/// not take, 405 with the methods it does.
struct NotFoundMiddleware: RouterMiddleware {
    typealias Context = WardenRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = OpenAPIDocument.methods(forPath: request.uri.path)
            if !allowed.isEmpty {
                throw APIError(.methodNotAllowed, "\(request.method) is not allowed on \(VisibleText.line(request.uri.path)); it takes \(allowed.joined(separator: ", "))",
                               headers: [.allow: allowed.joined(separator: ", ")])
            }
            // A person's browser asking for a page that is not there gets a page saying so, not the API's JSON.
            if request.method == .get, !request.uri.path.hasPrefix("/api/"), request.headers[.accept]?.contains("text/html") == true {
                return WebPage.render("message", ["title": "No such page", "message": "There is no page \(VisibleText.line(request.uri.path)) here.",
                                                  "back": "/"], status: .notFound)
            }
            throw APIError(.notFound, "no such route: \(request.method) \(VisibleText.line(request.uri.path)); GET /api/v1/openapi.json describes the API")
        } catch let error as HTTPError where error.status == .methodNotAllowed {
            throw APIError(.methodNotAllowed, "\(request.method) is not allowed on \(VisibleText.line(request.uri.path))")
        } catch let error as HTTPError {
            throw APIError(error.status, error.body ?? "\(error.status.reasonPhrase)")
        }
    }
}
