import HTTPTypes
import Hummingbird

/// Headers on every answer that keep a browser from treating API text as a
/// page: no content sniffing, no framing, no scripts from an answer, no
/// referrer; the web UI's HTML pages may load their own stylesheet. (The API sends no CORS headers: other origins cannot call it
/// from a browser.)
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = WardenRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            var response = try await next(request, context)
            Self.add(to: &response.headers)
            return response
        } catch let error as any HTTPResponseError {
            var response = try error.response(from: request, context: context)
            Self.add(to: &response.headers)
            return response
        }
    }

    static func add(to headers: inout HTTPFields) {
        headers[.xContentTypeOptions] = "nosniff"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        if headers[.contentType]?.lowercased().hasPrefix("text/html") == true {
            // A page of the web UI may load this daemon's own stylesheet and its one script, nothing
            // else: no inline script or style, no other origin. Links between its pages keep the referrer on
            // this origin only.
            headers[.contentSecurityPolicy] = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
            headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        } else {
            headers[.contentSecurityPolicy] = "default-src 'none'; frame-ancestors 'none'"
            headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        }
    }
}
