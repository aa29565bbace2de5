import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import WardenCore

/// The web UI's routes: sign-in and sign-out, the runs page and the
/// stylesheet. Pages are signed in by a session cookie, which only these
/// routes read: `/api/v1` answers bearer tokens alone, so a page of another
/// site cannot make a browser call the API with its cookie.
///
/// Every post checks its origin (`SameOriginCheck`), and every post of a
/// signed-in page its session's CSRF token too.
enum WebRoutes {
    static func register(on router: Router<WardenRequestContext>, services: ServeServices) {
        router.get("static/:file") { _, context -> Response in
            let name = try context.pathParameter("file")
            guard let file = WebTemplates.staticFile(name) else { return WebPage.text("No such file.", status: .notFound) }
            // An hour: a new release's files reach browsers soon enough, and pages stay cheap meanwhile.
            return Response(status: .ok, headers: [.contentType: file.type, .cacheControl: "public, max-age=3600"],
                            body: .init(byteBuffer: ByteBuffer(bytes: file.data)))
        }

        router.get("sign-in") { request, context -> Response in
            let visitor = await visitor(request, context: context, services: services)
            let next = WebGate.localPath(WebForm.query(request)["next"] ?? "/")
            if let visitor { return await signedIn(visitor, then: WebPage.redirect(next), services: services) }
            return WebPage.render("sign-in", ["title": "Sign in", "next": next])
        }

        router.post("sign-in") { request, context -> Response in
            if let problem = SameOriginCheck.problem(request) {
                context.logger.warning("refused a cross-origin sign-in", metadata: ["why": "\(problem)"])
                return WebPage.text("Refused: \(problem).", status: .forbidden)
            }
            let form = try await WebForm.read(request)
            let next = WebGate.localPath(form["next"] ?? "/")
            // A trusted proxy vouches for the user: no token to ask for (as for the API).
            if let visitor = await visitor(request, context: context, services: services) {
                return await signedIn(visitor, then: WebPage.redirect(next), services: services)
            }
            let peer = context.remoteAddress ?? "in-process"
            if await services.attempts.isLockedOut(peer) {
                var page = WebPage.render("sign-in", ["title": "Sign in", "message": "Too many failed sign-ins from \(peer); wait a minute.", "next": next],
                                          status: .tooManyRequests)
                page.headers[.retryAfter] = "60"
                return page
            }
            let token = (form["token"] ?? "").trimmingCharacters(in: .whitespaces)
            guard !token.isEmpty, let identity = await services.state.identity(forToken: token, at: services.clock.now) else {
                // Counted like a wrong bearer token: the form is not a way around the API's limiter.
                await services.attempts.recordFailure(peer)
                context.logger.warning("refused a sign-in with an invalid token", metadata: ["peer": "\(peer)"])
                return WebPage.render("sign-in", ["title": "Sign in", "message": "That token is not valid (unknown, revoked or expired).", "next": next],
                                      status: .unauthorized)
            }
            await services.attempts.recordSuccess(peer)
            let session = await services.sessions.create(for: identity, token: token, now: services.clock.now)
            context.logger.notice("signed in to the web UI", metadata: ["identity": "\(identity)"])
            return await signedIn(WebVisitor(session: session, isNew: true), then: WebPage.redirect(next), services: services)
        }

        router.post("sign-out") { request, context -> Response in
            if let problem = SameOriginCheck.problem(request) {
                return WebPage.text("Refused: \(problem).", status: .forbidden)
            }
            let secure = await services.state.configuration.tls != nil
            guard let id = request.cookies[WebPage.cookieName]?.value,
                  let session = await services.sessions.session(id, now: services.clock.now) else {
                var response = WebPage.redirect("/sign-in")
                response.headers[.setCookie] = WebPage.clearedCookie(secure: secure)
                return response
            }
            let form = try await WebForm.read(request)
            guard let csrf = form["csrf"], Self.same(csrf, session.csrf) else {
                context.logger.warning("refused a web form without its session's CSRF token", metadata: ["path": "/sign-out"])
                return WebPage.text("Refused: the form does not carry this session's CSRF token; reload the page and try again.", status: .forbidden)
            }
            await services.sessions.revoke(session.id)
            var response = WebPage.redirect("/sign-in")
            response.headers[.setCookie] = WebPage.clearedCookie(secure: secure)
            return response
        }

        RunPageRoutes.register(on: router, services: services)
        ApprovalsPage.register(on: router, services: services)
        StartPage.register(on: router, services: services)

        router.get("/") { request, context -> Response in
            try await WebGate.page(request, context, services) { visitor in
                let (query, problem) = RunsPage.query(WebForm.query(request))
                let runs: [JournalRun]
                do {
                    runs = try await services.journal.runs(query)
                } catch {
                    return WebPage.text("The journal cannot be read: \(error)", status: .serviceUnavailable)
                }
                return WebPage.page(visitor, "runs", title: "Runs", RunsPage.values(runs: runs, query: query, problem: problem, session: visitor.session),
                                    section: "/")
            }
        }
        // The runs table alone, for the page's script to refresh every few seconds.
        router.get("runs-table") { request, context -> Response in
            try await WebGate.page(request, context, services) { visitor in
                let (query, problem) = RunsPage.query(WebForm.query(request))
                let runs = try await services.journal.runs(query)
                return WebPage.render("runs-table", RunsPage.values(runs: runs, query: query, problem: problem, session: visitor.session))
            }
        }
        SchedulesPage.register(on: router, services: services)
        IncidentsPage.register(on: router, services: services)
        LocksPage.register(on: router, services: services)
        AuditPage.register(on: router, services: services)
        StatusPage.register(on: router, services: services)
    }

    /// Who is looking at a page: the session of the browser's cookie, or, for a user a trusted
    /// proxy names, a session made for them now (so their forms get a CSRF token too).
    static func visitor(_ request: Request, context: WardenRequestContext, services: ServeServices) async -> WebVisitor? {
        let now = services.clock.now
        let proxied: Identity? = if let identity = context.identity, case .proxyHeader = identity.proof { identity } else { nil }
        if let id = request.cookies[WebPage.cookieName]?.value, let session = await services.sessions.session(id, now: now) {
            // The proxy has the last word on who this is: a cookie left by someone else signs no one in as them.
            if let proxied, proxied != session.identity {
                await services.sessions.revoke(session.id)
            } else if let digest = session.tokenDigest {
                // The token must still hold: revoked or expired, its sessions end; its roles are the ones it has now.
                guard let current = await services.state.identity(forTokenDigest: digest, at: now) else {
                    await services.sessions.revoke(session.id)
                    context.logger.notice("ended a web session whose token no longer holds", metadata: ["identity": "\(session.identity.name)"])
                    return nil
                }
                if current == session.identity { return WebVisitor(session: session, isNew: false) }
                guard let refreshed = await services.sessions.refresh(session.id, identity: current) else { return nil }
                return WebVisitor(session: refreshed, isNew: false)
            } else {
                return WebVisitor(session: session, isNew: false)
            }
        }
        guard let proxied else { return nil }
        return WebVisitor(session: await services.sessions.create(for: proxied, now: now), isNew: true)
    }

    /// `response`, setting the session's cookie when the session is new.
    static func signedIn(_ visitor: WebVisitor, then response: Response, services: ServeServices) async -> Response {
        guard visitor.isNew else { return response }
        var response = response
        let secure = await services.state.configuration.tls != nil
        response.headers[.setCookie] = WebPage.sessionCookie(visitor.session, now: services.clock.now, secure: secure)
        return response
    }

    /// Compares in time independent of where the texts differ, so a guess learns nothing from the answer's timing.
    static func same(_ given: String, _ expected: String) -> Bool {
        let a = Array(given.utf8), b = Array(expected.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
