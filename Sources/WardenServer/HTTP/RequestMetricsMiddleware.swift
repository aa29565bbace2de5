import Hummingbird
import WardenCore

/// Counts every answer by its route's template and status code
/// (`warden_http_requests_total`): the template, never the path a client
/// sent, so ids and probes of random paths add no series.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = WardenRequestContext
    let metrics: WardenMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            let response = try await next(request, context)
            metrics.httpRequest(route: context.endpointPath ?? "unmatched", code: Int(response.status.code))
            return response
        } catch {
            let code = (error as? any HTTPResponseError).map { Int($0.status.code) } ?? 500
            metrics.httpRequest(route: context.endpointPath ?? "unmatched", code: code)
            throw error
        }
    }
}
