import Foundation
import Hummingbird
import WardenCore

/// The door every page and every form of the web UI goes through, so no
/// route can forget a check: a page needs a signed-in visitor (else the
/// sign-in page, coming back here after it) and the permission it names; a
/// post also needs a same-origin request and its session's CSRF token, and
/// is refused with 403 (a form, unlike a page, is never redirected: the
/// browser would silently drop what it posted).
enum WebGate {
    /// Renders a page for a signed-in visitor holding `permission`.
    static func page(
        _ request: Request, _ context: WardenRequestContext, _ services: ServeServices, needs permission: Permission = .read,
        render: (WebVisitor) async throws -> Response
    ) async throws -> Response {
        guard let visitor = await WebRoutes.visitor(request, context: context, services: services) else {
            return WebPage.redirect("/sign-in?next=" + WebLink.queryValue(WebGate.localPath(request.uri.description)))
        }
        guard visitor.session.identity.may(permission) else {
            return await WebRoutes.signedIn(visitor, then: forbidden(visitor, permission), services: services)
        }
        return await WebRoutes.signedIn(visitor, then: try await render(visitor), services: services)
    }

    /// Handles a form post by a signed-in visitor holding `permission`, from one of this daemon's pages, carrying its CSRF token.
    static func post(
        _ request: Request, _ context: WardenRequestContext, _ services: ServeServices, needs permission: Permission,
        handle: (WebVisitor, WebForm) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        if let problem = SameOriginCheck.problem(request) {
            context.logger.warning("refused a cross-origin web form", metadata: ["path": "\(path)", "why": "\(problem)"])
            return WebPage.text("Refused: \(problem).", status: .forbidden)
        }
        guard let visitor = await WebRoutes.visitor(request, context: context, services: services) else {
            return WebPage.text("Refused: not signed in (or the session expired). Sign in at /sign-in and send the form again.", status: .forbidden)
        }
        let form = try await WebForm.read(request)
        guard let csrf = form["csrf"], WebRoutes.same(csrf, visitor.session.csrf) else {
            context.logger.warning("refused a web form without its session's CSRF token", metadata: ["path": "\(path)"])
            return WebPage.text("Refused: the form does not carry this session's CSRF token; reload the page and try again.", status: .forbidden)
        }
        guard visitor.session.identity.may(permission) else {
            context.logger.warning("refused a web form the visitor's roles do not allow",
                                   metadata: ["path": "\(path)", "identity": "\(visitor.session.identity.name)", "needs": "\(permission.rawValue)"])
            return forbidden(visitor, permission)
        }
        return await WebRoutes.signedIn(visitor, then: try await handle(visitor, form), services: services)
    }

    /// The 403 page: which permission was missing and which roles the visitor has, so they know whom to ask.
    static func forbidden(_ visitor: WebVisitor, _ permission: Permission) -> Response {
        WebPage.page(visitor, "message", title: "Not allowed", [
            "message": "This needs the '\(permission.rawValue)' permission, which your roles (\(WebPage.roles(visitor.session))) do not give. Ask an admin for a token with a role that does.",
        ], status: .forbidden)
    }

    /// `path` when it is a path of this daemon (`/…`, not `//host` or a scheme), else `/`: the sign-in's `next` never leaves the site.
    static func localPath(_ path: String) -> String {
        guard path.hasPrefix("/"), !path.hasPrefix("//"), !path.hasPrefix("/\\"), !path.contains("\n"), !path.contains("\r") else { return "/" }
        return path
    }
}
