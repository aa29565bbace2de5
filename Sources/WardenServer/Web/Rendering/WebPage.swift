import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import WardenCore

/// The answers of the web UI: rendered pages, redirects and the session
/// cookie's headers. Pages are never cached (they name who is signed in
/// and carry the session's CSRF token).
enum WebPage {
    static let cookieName = "warden_session"

    /// The pages of the header's navigation, in order: path, label, and the permission that shows the link.
    static let sections: [(path: String, label: String, needs: Permission)] = [
        ("/", "Runs", .read), ("/start", "Start", .startRun), ("/approvals", "Approvals", .read), ("/schedules", "Schedules", .read),
        ("/incidents", "Incidents", .read), ("/locks", "Locks", .read), ("/audit", "Audit", .read), ("/status", "Status", .read),
    ]

    /// Template `template` for `visitor`: `values` plus the layout's (title, who is signed in, the navigation with
    /// `template`'s own section marked current, and the sign-out form's CSRF token).
    static func page(_ visitor: WebVisitor, _ template: String, title: String, _ values: [String: Any],
                     section: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        let session = visitor.session
        var all = values
        all["title"] = title
        all["identity"] = ["name": session.identity.name, "roles": roles(session), "csrf": session.csrf] as [String: Any]
        all["csrf"] = session.csrf
        all["nav"] = sections.filter { session.identity.may($0.needs) }.map { entry -> [String: Any] in
            ["path": entry.path, "label": entry.label, "current": entry.path == (section ?? "")]
        }
        return render(template, all, status: status)
    }

    /// The visitor's roles, as the header shows them.
    static func roles(_ session: WebSession) -> String {
        session.identity.roles.map(\.rawValue).sorted().joined(separator: ", ")
    }

    /// Template `template` with `values`, as an HTML page; a template fault is a 500 page saying so.
    static func render(_ template: String, _ values: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        do {
            return html(try WebTemplates.render(template, visible(values) as? [String: Any] ?? [:]), status: status)
        } catch {
            return text("The web UI cannot render this page: \(error)", status: .internalServerError)
        }
    }

    /// Every text of a page's values made visible (`VisibleText.block`): the template escapes markup, this
    /// the rest, so an escape sequence or a bidi override from a host, a parameter or an alert is shown, not acted on.
    static func visible(_ value: Any) -> Any {
        switch value {
        case let text as String: VisibleText.block(text)
        case let map as [String: Any]: map.mapValues(visible)
        case let list as [[String: Any]]: list.map { $0.mapValues(visible) }
        case let list as [Any]: list.map(visible)
        default: value
        }
    }

    static func html(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A plain-text refusal (403 for a forged or cross-site post): text/plain, so nothing in it is markup.
    static func text(_ message: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: message + "\n")))
    }

    /// 303: after a post the browser loads `location` with GET, so a reload does not post again.
    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    /// The cookie that carries a session: unreadable by scripts (HttpOnly), never sent from another
    /// site's page (SameSite=Strict), only over TLS when the daemon serves TLS (Secure), and gone
    /// from the browser when the session expires on the server (Max-Age).
    static func sessionCookie(_ session: WebSession, now: Date, secure: Bool) -> String {
        let maxAge = max(0, Int(session.expires.timeIntervalSince(now)))
        return "\(cookieName)=\(session.id); Max-Age=\(maxAge); Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// The cookie of a signed-out browser: empty and already expired.
    static func clearedCookie(secure: Bool) -> String {
        "\(cookieName)=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }
}
