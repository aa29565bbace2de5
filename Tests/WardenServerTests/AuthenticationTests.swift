import Foundation
import HTTPTypes
import Testing
import WardenCore
@testable import WardenServer
import WardenTesting

/// Who may call the API: a bearer token from the token file, refused with 401
/// (and a challenge) when absent or wrong, 403 when its roles lack the route's
/// permission, and 429 for an address that keeps presenting bad tokens.
@Suite("Authentication and the role table")
struct AuthenticationTests {
    @Test func aRequestWithoutATokenIsRefusedWithAChallenge() async throws {
        try await ServeHarness.with { _, api in
            let reply = try await api.get("/api/v1/runs", as: nil)
            #expect(reply.code == 401, "\(reply)")
            #expect(reply[.wwwAuthenticate] == "Bearer realm=\"warden\"")
            #expect(reply.error["status"].int == 401)
            #expect(reply.message.contains("Authorization: Bearer"), "\(reply)")
        }
    }

    @Test(arguments: ["Bearer wdn_notAToken", "Bearer ", "bearer wdn_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "Basic dmVyYTpzZWNyZXQ=",
                      "wdn_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"])
    func aWrongTokenIsRefusedWithAChallenge(authorization: String) async throws {
        try await ServeHarness.with { _, api in
            let reply = try await api.get("/api/v1/runs", as: nil, headers: [.authorization: authorization])
            #expect(reply.code == 401, "\(reply)")
            #expect(reply[.wwwAuthenticate] == "Bearer realm=\"warden\"")
            #expect(reply.message.contains("not valid"), "\(reply)")
        }
    }

    @Test func theTokenSaysWhoIsAsking() async throws {
        try await ServeHarness.with { _, api in
            for caller in Caller.allCases where caller != .alerts {
                let reply = try await api.get("/api/v1/status", as: caller)
                #expect(reply.code == 200, "\(caller): \(reply)")
                #expect(reply.json["identity"].string == caller.name)
            }
        }
    }

    @Test func anExpiredTokenNoLongerAuthenticates() async throws {
        try await ServeHarness.with { harness, api in
            let headers: HTTPFields = [.authorization: "Bearer \(harness.expiringToken)"]
            #expect(try await api.get("/api/v1/runs", as: nil, headers: headers).code == 200)
            harness.clock.advance(by: .seconds(3600))
            let reply = try await api.get("/api/v1/runs", as: nil, headers: headers)
            #expect(reply.code == 401, "\(reply)")
        }
    }

    @Test func anAddressThatKeepsSendingBadTokensIsTurnedAwayForAMinute() async throws {
        var options = ServeHarness.Options()
        options.failedAuthenticationLimit = 3
        try await ServeHarness.with(options) { harness, api in
            let bad: HTTPFields = [.authorization: "Bearer wdn_guessed"]
            // A success forgets the failures before it.
            for _ in 0..<2 { #expect(try await api.get("/api/v1/runs", as: nil, headers: bad).code == 401) }
            #expect(try await api.get("/api/v1/runs", as: .viewer).code == 200)
            for _ in 0..<3 { #expect(try await api.get("/api/v1/runs", as: nil, headers: bad).code == 401) }
            // The third failure in a row locks the address (in-process here) out of tokens, even a good one.
            let refused = try await api.get("/api/v1/runs", as: .viewer)
            #expect(refused.code == 429, "\(refused)")
            #expect(refused[.retryAfter] == "60")
            #expect(refused.message.contains("in-process"), "\(refused)")
            // Without a token it is any anonymous client: a health checker behind the same address still reads /healthz.
            #expect(try await api.get("/healthz", as: nil).code == 200)
            #expect(try await api.get("/api/v1/runs", as: nil).code == 401)
            harness.clock.advance(by: .seconds(59))
            #expect(try await api.get("/api/v1/runs", as: .viewer).code == 429)
            harness.clock.advance(by: .seconds(2))
            #expect(try await api.get("/api/v1/runs", as: .viewer).code == 200)
        }
    }

    /// A route, the request that reaches it, and who may call it.
    struct Route: Sendable, CustomTestStringConvertible {
        let method: HTTPRequest.Method
        let path: String
        let body: String?
        let permission: Permission
        /// The roles that may call it (docs/tokens.md's table).
        let roles: Set<Role>
        /// What a caller who may gets for this request.
        let allowed: Int

        var testDescription: String { "\(method) \(path)" }
    }

    static let readers: Set<Role> = [.viewer, .operator, .approver, .admin]
    static let operators: Set<Role> = [.operator, .admin]

    static let routes: [Route] = [
        Route(method: .get, path: "/api/v1/runbooks", body: nil, permission: .read, roles: readers, allowed: 200),
        Route(method: .get, path: "/api/v1/runbooks/inspect", body: nil, permission: .read, roles: readers, allowed: 200),
        Route(method: .get, path: "/api/v1/inventories", body: nil, permission: .read, roles: readers, allowed: 200),
        Route(method: .post, path: "/api/v1/plans", body: #"{"runbook": "inspect", "inventory": "lab"}"#, permission: .plan, roles: operators, allowed: 200),
        Route(method: .get, path: "/api/v1/runs", body: nil, permission: .read, roles: readers, allowed: 200),
        Route(method: .post, path: "/api/v1/runs", body: #"{"runbook": "inspect", "inventory": "lab", "plan_hash": "sha256:stale"}"#,
              permission: .startRun, roles: operators, allowed: 409),
        Route(method: .get, path: "/api/v1/runs/nope", body: nil, permission: .read, roles: readers, allowed: 404),
        Route(method: .get, path: "/api/v1/runs/nope/events", body: nil, permission: .read, roles: readers, allowed: 404),
        Route(method: .post, path: "/api/v1/runs/nope/cancel", body: #"{"reason": "r"}"#, permission: .cancelRun, roles: operators, allowed: 404),
        Route(method: .post, path: "/api/v1/runs/nope/resume", body: "{}", permission: .resumeRun, roles: operators, allowed: 404),
        Route(method: .post, path: "/api/v1/runs/nope/approvals", body: #"{"decision": "approve"}"#, permission: .approve, roles: [.approver],
              allowed: 404),
        Route(method: .get, path: "/api/v1/approvals?state=pending", body: nil, permission: .read, roles: readers, allowed: 200),
        Route(method: .get, path: "/api/v1/locks", body: nil, permission: .read, roles: readers, allowed: 200),
        Route(method: .post, path: "/api/v1/locks/nope/break", body: #"{"reason": "r"}"#, permission: .breakLock, roles: [.admin], allowed: 404),
        Route(method: .get, path: "/api/v1/audit/verify", body: nil, permission: .read, roles: readers, allowed: 200),
        Route(method: .get, path: "/api/v1/audit/export?since=1", body: nil, permission: .read, roles: readers, allowed: 200),
        Route(method: .get, path: "/api/v1/status", body: nil, permission: .read, roles: readers, allowed: 200),
        Route(method: .post, path: "/api/v1/reload", body: nil, permission: .reload, roles: [.admin], allowed: 200),
    ]

    @Test(arguments: routes)
    func eachRoleGetsWhatTheRoleTableSays(route: Route) async throws {
        try await ServeHarness.with { _, api in
            let anonymous = try await api.call(route.method, route.path, as: nil, body: route.body)
            #expect(anonymous.code == 401, "\(route.testDescription) without a token: \(anonymous)")
            for caller in Caller.perRole {
                let reply = try await api.call(route.method, route.path, as: caller, body: route.body)
                let expected = caller.roles.isDisjoint(with: route.roles) ? 403 : route.allowed
                #expect(reply.code == expected, "\(route.testDescription) as \(caller): \(reply)")
                if expected == 403 {
                    #expect(reply.message.contains("\(caller.name) (roles: \(caller.roles.first?.rawValue ?? "")) may not \(route.permission.rawValue)"),
                            "\(reply)")
                }
            }
        }
    }

    /// Every role's permissions are what the table above gives it, so that the table tests the real roles.
    @Test func theRoleTableMatchesTheRoles() {
        for route in Self.routes {
            for role in Role.allCases {
                #expect(role.permissions.contains(route.permission) == route.roles.contains(role), "\(role) and \(route.permission)")
            }
        }
    }

    @Test(arguments: ["/healthz", "/readyz", "/api/v1/openapi.json", "/metrics"])
    func openRoutesNeedNoToken(path: String) async throws {
        try await ServeHarness.with { _, api in
            for caller in [nil] + Caller.perRole.map(Optional.some) {
                let reply = try await api.get(path, as: caller)
                #expect(reply.code == 200, "\(path) as \(caller?.description ?? "nobody"): \(reply)")
            }
        }
    }
}
