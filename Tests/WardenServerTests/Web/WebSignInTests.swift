import Foundation
import HTTPTypes
import Testing
@testable import WardenCore
import WardenTesting

/// Signing in to the web UI with a token: a server-side session behind an
/// HttpOnly, SameSite=Strict cookie; a wrong token counted like the API's;
/// posts only from the daemon's own pages; sign-out that ends the session;
/// and a cookie that never opens the API.
@Suite("Web sign-in")
struct WebSignInTests {
    @Test func aTokenBecomesASessionCookie() async throws {
        try await ServeHarness.with { _, api in
            let reply = try await WebBrowser(api: api).postForm("/sign-in", ["token": api.tokens[.operator] ?? ""])
            #expect(reply.code == 303, "\(reply)")
            #expect(reply[.location] == "/")
            let cookie = try #require(reply[.setCookie])
            let attributes = Set(cookie.split(separator: ";").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) })
            #expect(attributes == ["Max-Age=28800", "Path=/", "HttpOnly", "SameSite=Strict"], "8 hours; no Secure without TLS: \(cookie)")
            let value = try #require(WebBrowser.sessionCookie(reply))
            #expect(value.count == 43, "256 bits in base64url: \(value)")
            #expect(!value.contains(api.tokens[.operator] ?? "-"), "the cookie is not the token")
        }
    }

    @Test func aWrongTokenIsRefusedAndCountedLikeTheAPIs() async throws {
        var options = ServeHarness.Options()
        options.failedAuthenticationLimit = 2
        try await ServeHarness.with(options) { _, api in
            let browser = WebBrowser(api: api)
            let wrong = try await browser.postForm("/sign-in", ["token": "not-a-token"])
            #expect(wrong.code == 401, "\(wrong)")
            #expect(wrong[.setCookie] == nil)
            #expect(wrong[.contentType]?.hasPrefix("text/html") == true)
            #expect(wrong.text.contains("not valid"), "the form again, saying why")
            #expect(wrong.text.contains(#"name="token""#))
            #expect(try await browser.postForm("/sign-in", ["token": ""]).code == 401, "an empty token counts too")
            // The same limiter as bearer tokens: two failures lock the address out of both.
            let locked = try await browser.postForm("/sign-in", ["token": api.tokens[.operator] ?? ""])
            #expect(locked.code == 429, "\(locked)")
            #expect(locked[.setCookie] == nil)
            #expect(try await api.get("/api/v1/runs").code == 429)
        }
    }

    @Test func signInIsTakenOnlyFromTheDaemonsOwnPages() async throws {
        try await ServeHarness.with { _, api in
            let browser = WebBrowser(api: api)
            let token = api.tokens[.operator] ?? ""
            let elsewhere = try await browser.postForm("/sign-in", ["token": token], origin: "https://evil.example")
            #expect(elsewhere.code == 403, "\(elsewhere)")
            #expect(elsewhere[.setCookie] == nil)
            #expect(try await browser.postForm("/sign-in", ["token": token], origin: "null").code == 403)
            #expect(try await browser.postForm("/sign-in", ["token": token], origin: nil).code == 403, "neither Origin nor Sec-Fetch-Site")
            let fetchSite = try await browser.postForm("/sign-in", ["token": token], origin: nil,
                                                       extra: [HTTPField.Name("Sec-Fetch-Site")!: "same-origin"])
            #expect(fetchSite.code == 303, "a browser that sends Sec-Fetch-Site instead of Origin: \(fetchSite)")
            #expect(WebBrowser.sessionCookie(fetchSite) != nil)
        }
    }

    @Test func pagesNeedASession() async throws {
        try await ServeHarness.with { _, api in
            let browser = WebBrowser(api: api)
            for cookie in [nil, "forged"] as [String?] {
                let reply = try await browser.get("/", cookie: cookie)
                #expect(reply.code == 303, "\(String(describing: cookie)): \(reply)")
                #expect(reply[.location] == "/sign-in?next=%2F", "back to the page once signed in")
            }
            let form = try await browser.get("/sign-in", cookie: nil)
            #expect(form.code == 200)
            #expect(form.text.contains(#"<form method="post" action="/sign-in""#))
        }
    }

    @Test func aSignedInPageIsHTMLUnderAStrictPolicy() async throws {
        try await ServeHarness.with { _, api in
            let browser = WebBrowser(api: api)
            let cookie = try await browser.signIn(as: .operator)
            let page = try await browser.get("/", cookie: cookie)
            #expect(page.code == 200, "\(page)")
            #expect(page[.contentType] == "text/html; charset=utf-8")
            #expect(page[.contentSecurityPolicy] == "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
            #expect(page[.xContentTypeOptions] == "nosniff")
            #expect(page[HTTPField.Name("Referrer-Policy")!] == "same-origin")
            #expect(page[.cacheControl] == "no-store")
            #expect(page.text.contains("Signed in as <strong>olga</strong>"))
            #expect(page.text.components(separatedBy: "<script").count == 2 && page.text.contains(#"<script src="/static/warden.js" defer></script>"#),
                    "one script, the daemon's own file: nothing inline")
            #expect(!page.text.contains("style="), "no inline style")
            #expect(!page.text.contains("<style"))
            // Signed in: the sign-in page sends the browser on.
            #expect(try await browser.get("/sign-in", cookie: cookie)[.location] == "/")
            // The API keeps its own, stricter policy.
            #expect(try await api.get("/api/v1/runs")[.contentSecurityPolicy] == "default-src 'none'; frame-ancestors 'none'")
        }
    }

    @Test func signOutNeedsTheCSRFTokenAndTheOriginAndEndsTheSession() async throws {
        try await ServeHarness.with { _, api in
            let browser = WebBrowser(api: api)
            let cookie = try await browser.signIn(as: .viewer)
            let csrf = try WebBrowser.csrf(in: try await browser.get("/", cookie: cookie))
            #expect(csrf.count == 43)

            #expect(try await browser.postForm("/sign-out", [:], cookie: cookie).code == 403, "no CSRF token")
            #expect(try await browser.postForm("/sign-out", ["csrf": (csrf.hasPrefix("x") ? "y" : "x") + csrf.dropFirst()], cookie: cookie).code == 403, "a wrong one")
            #expect(try await browser.postForm("/sign-out", ["csrf": csrf], cookie: cookie, origin: "https://evil.example").code == 403,
                    "the right token from another origin")
            #expect(try await browser.postForm("/sign-out", ["csrf": csrf], cookie: cookie, origin: nil).code == 403, "no origin at all")
            #expect(try await browser.get("/", cookie: cookie).code == 200, "none of those ended the session")

            let out = try await browser.postForm("/sign-out", ["csrf": csrf], cookie: cookie)
            #expect(out.code == 303, "\(out)")
            #expect(out[.location] == "/sign-in")
            #expect(out[.setCookie]?.hasPrefix("warden_session=; Max-Age=0") == true, "the browser forgets the cookie")
            let after = try await browser.get("/", cookie: cookie)
            #expect(after.code == 303, "the session is revoked on the server, whatever the browser keeps: \(after)")
        }
    }

    @Test func aSessionExpiresAfterEightHoursByTheDaemonsClock() async throws {
        try await ServeHarness.with { harness, api in
            let browser = WebBrowser(api: api)
            let cookie = try await browser.signIn(as: .viewer)
            harness.clock.advance(by: .seconds(8 * 3600 - 60))
            #expect(try await browser.get("/", cookie: cookie).code == 200)
            harness.clock.advance(by: .seconds(61))
            #expect(try await browser.get("/", cookie: cookie).code == 303)
        }
    }

    @Test func aSessionEndsWithItsTokenRevokedOrExpiredAndFollowsItsRoles() async throws {
        try await ServeHarness.with { harness, api in
            let browser = WebBrowser(api: api)
            // The expiring viewer token: an hour by the test clock.
            let signed = try await browser.postForm("/sign-in", ["token": harness.expiringToken])
            let temp = try #require(WebBrowser.sessionCookie(signed))
            #expect(try await browser.get("/", cookie: temp).code == 200)
            harness.clock.advance(by: .seconds(3601))
            #expect(try await browser.get("/", cookie: temp).code == 303, "the token expired, so did its session (not 8 hours later)")

            let olga = try await browser.signIn(as: .operator)
            #expect(try await browser.get("/start", cookie: olga).code == 200)
            // An admin gives olga's token the viewer role only, then revokes it: the session follows each change.
            let file = try TokenFile.load(path: harness.folder + "/tokens.json")
            let token = try #require(api.tokens[.operator])
            let demoted = TokenFile(entries: file.entries.map { entry in
                entry.name == "olga" ? TokenEntry(name: "olga", roles: [.viewer], createdAt: entry.createdAt, expiresAt: nil,
                                                  digest: TokenFile.digest(of: token)) : entry
            })
            try demoted.save(path: harness.folder + "/tokens.json")
            // The harness gives its tokens in code; a reload makes the daemon read and then follow the file.
            #expect(try await api.post("/api/v1/reload", as: .admin, json: [:]).code == 200)
            #expect(try await browser.get("/start", cookie: olga).code == 403, "her roles are the token's roles now")
            #expect(try await browser.get("/", cookie: olga).code == 200)
            var revoked = demoted
            try revoked.revoke(name: "olga")
            try revoked.save(path: harness.folder + "/tokens.json")
            #expect(try await browser.get("/", cookie: olga).code == 303, "a revoked token's session ends at its next page")
        }
    }

    @Test func theCookieDoesNotOpenTheAPI() async throws {
        try await ServeHarness.with { _, api in
            let browser = WebBrowser(api: api)
            let cookie = try await browser.signIn(as: .admin)
            let runs = try await browser.get("/api/v1/runs", cookie: cookie)
            #expect(runs.code == 401, "a page of another site could otherwise call the API as the signed-in user: \(runs)")
            let start = try await api.call(.post, "/api/v1/plans", as: nil, body: #"{"runbook": "inspect", "inventory": "lab"}"#,
                                           headers: [.cookie: "warden_session=\(cookie)", .origin: WebBrowser.origin])
            #expect(start.code == 401, "\(start)")
        }
    }

    @Test func theStylesheetIsServedAsCSS() async throws {
        try await ServeHarness.with { _, api in
            let css = try await api.get("/static/warden.css", as: nil)
            #expect(css.code == 200, "no sign-in needed for the stylesheet: \(css)")
            #expect(css[.contentType] == "text/css; charset=utf-8")
            #expect(css[.cacheControl] == "public, max-age=3600")
            #expect(css.text.contains(".runs"))
        }
    }

    @Test func theScriptIsServedAndNoOtherPathIsRead() async throws {
        try await ServeHarness.with { _, api in
            let script = try await api.get("/static/warden.js", as: nil)
            #expect(script.code == 200, "\(script)")
            #expect(script[.contentType] == "text/javascript; charset=utf-8")
            #expect(script.text.contains("EventSource"))
            for name in ["..%2FPackage.swift", "warden.mustache", "layout.mustache", "%2Fetc%2Fpasswd"] {
                #expect(try await api.get("/static/\(name)", as: nil).code == 404, "\(name)")
            }
        }
    }

    @Test func signInReturnsToThePageAskedForButNeverToAnotherSite() async throws {
        try await ServeHarness.with { _, api in
            let browser = WebBrowser(api: api)
            let form = try await browser.get("/sign-in?next=%2Fapprovals", cookie: nil)
            #expect(form.text.contains(#"name="next" value="/approvals""#), "\(form.text)")
            let token = api.tokens[.viewer] ?? ""
            for (next, expected) in [("/approvals", "/approvals"), ("//evil.example/x", "/"), ("https://evil.example", "/"), ("/\\evil.example", "/")] {
                let reply = try await browser.postForm("/sign-in", ["token": token, "next": next])
                #expect(reply.code == 303 && reply[.location] == expected, "\(next): \(reply)")
            }
        }
    }
}
