import Foundation
import HTTPTypes
import Testing
@testable import WardenCore
import WardenTesting

/// A reverse proxy's identity header is believed only on connections from the
/// configured proxy addresses: in-process (no peer) and from anywhere else it
/// is ignored, whatever it names. The live tests go through a real HTTP server
/// on loopback, so requests have a peer address.
@Suite("Trusted proxies")
struct ProxyTests {
    static func options(trusting addresses: [String]) -> ServeHarness.Options {
        var options = ServeHarness.Options()
        options.proxy = ServeConfiguration.ProxyTrust(addresses: addresses, header: "X-Forwarded-User",
                                                      users: ["carol": ["operator"], "*": ["viewer"]])
        return options
    }

    static let user = HTTPField.Name("X-Forwarded-User")!

    @Test func inProcessTheHeaderIsNotBelieved() async throws {
        try await ServeHarness.with(Self.options(trusting: ["127.0.0.1", "::1"])) { _, api in
            let reply = try await api.get("/api/v1/status", as: nil, headers: [Self.user: "carol"])
            #expect(reply.code == 401, "no peer address, no proxy: \(reply)")
        }
    }

    @Test func fromATrustedProxyTheHeaderNamesTheCaller() async throws {
        try await ServeHarness.with(Self.options(trusting: ["127.0.0.1", "::1"]), live: true) { _, api in
            let carol = try await api.get("/api/v1/status", as: nil, headers: [Self.user: "carol"])
            #expect(carol.code == 200, "\(carol)")
            #expect(carol.json["identity"].string == "carol")
            #expect(try await api.plan("inspect").code == 200, "a token still works beside the proxy")
            let plan = try await api.call(.post, "/api/v1/plans", as: nil, body: #"{"runbook": "inspect", "inventory": "lab"}"#,
                                          headers: [Self.user: "carol"])
            #expect(plan.code == 200, "carol is an operator: \(plan)")
            // Anyone else the proxy names is a viewer ("*").
            let dave = try await api.call(.post, "/api/v1/plans", as: nil, body: #"{"runbook": "inspect", "inventory": "lab"}"#,
                                          headers: [Self.user: "dave"])
            #expect(dave.code == 403, "\(dave)")
            #expect(dave.message.hasPrefix("dave (roles: viewer) may not plan"), "\(dave)")
            // A name that could not be a user's is refused.
            for name in ["carol bob", String(repeating: "x", count: 129), "   "] {
                let odd = try await api.get("/api/v1/status", as: nil, headers: [Self.user: name])
                #expect(odd.code == 401, "\(name.prefix(20)): \(odd)")
            }
            // A token wins over the header.
            let both = try await api.get("/api/v1/status", as: .admin, headers: [Self.user: "carol"])
            #expect(both.json["identity"].string == "ada")
        }
    }

    @Test func fromAnAddressThatIsNotAProxyTheHeaderIsIgnored() async throws {
        try await ServeHarness.with(Self.options(trusting: ["10.9.8.7"]), live: true) { _, api in
            let reply = try await api.get("/api/v1/status", as: nil, headers: [Self.user: "carol"])
            #expect(reply.code == 401, "\(reply)")
            #expect(reply[.wwwAuthenticate] == "Bearer realm=\"warden\"")
        }
    }

    @Test func badTokensAreCountedAgainstThePeersAddress() async throws {
        var options = ServeHarness.Options()
        options.failedAuthenticationLimit = 2
        try await ServeHarness.with(options, live: true) { _, api in
            for _ in 0..<2 { #expect(try await api.get("/api/v1/runs", as: nil, headers: [.authorization: "Bearer wdn_x"]).code == 401) }
            let refused = try await api.get("/api/v1/runs")
            #expect(refused.code == 429, "\(refused)")
            #expect(refused.message.contains("from 127.0.0.1") || refused.message.contains("from ::1"), "\(refused)")
        }
    }
}
