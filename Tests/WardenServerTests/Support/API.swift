import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import WardenTesting

/// One answer of the API as a test reads it.
struct Reply: Sendable, CustomStringConvertible {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let text: String

    var code: Int { Int(status.code) }
    var json: JSON { JSON(data: Data(text.utf8)) }
    /// The error object of a refusal.
    var error: JSON { json["error"] }
    var message: String { error["message"].string ?? "" }

    subscript(_ name: HTTPField.Name) -> String? { headers[name] }

    var description: String { "\(code) \(text.prefix(3000))" }
}

/// The API of one in-process daemon, called as one of the test's callers.
struct API: Sendable {
    let client: any TestClientProtocol
    let tokens: [Caller: String]

    /// `method uri` with `caller`'s token (none for nil) and `body` (JSON text) or raw `bytes`.
    func call(_ method: HTTPRequest.Method, _ uri: String, as caller: Caller?, body: String? = nil, bytes: [UInt8]? = nil,
              headers: HTTPFields = [:]) async throws -> Reply {
        var headers = headers
        if let caller, headers[.authorization] == nil, let token = tokens[caller] {
            headers[.authorization] = "Bearer \(token)"
        }
        if body != nil || bytes != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        let buffer: ByteBuffer? = if let body { ByteBuffer(string: body) } else { bytes.map { ByteBuffer(bytes: $0) } }
        return try await client.execute(uri: uri, method: method, headers: headers, body: buffer) { response in
            Reply(status: response.status, headers: response.headers, text: String(buffer: response.body))
        }
    }

    func get(_ uri: String, as caller: Caller? = .viewer, headers: HTTPFields = [:]) async throws -> Reply {
        try await call(.get, uri, as: caller, headers: headers)
    }

    /// POST with a JSON body given as text.
    func post(_ uri: String, as caller: Caller? = .operator, body: String? = "{}", headers: HTTPFields = [:]) async throws -> Reply {
        try await call(.post, uri, as: caller, body: body, headers: headers)
    }

    /// POST with a JSON body given as values.
    func post(_ uri: String, as caller: Caller? = .operator, json value: Any) async throws -> Reply {
        try await call(.post, uri, as: caller, body: jsonText(value))
    }

    /// POST /plans.
    func plan(_ runbook: String, params: [String: Any] = [:], inventory: String = "lab", as caller: Caller = .operator) async throws -> Reply {
        var body: [String: Any] = ["runbook": runbook, "inventory": inventory]
        if !params.isEmpty { body["params"] = params }
        return try await post("/api/v1/plans", as: caller, json: body)
    }

    /// POST /runs with `hash` (read from a fresh plan when nil).
    func startReply(_ runbook: String, params: [String: Any] = [:], hash: String? = nil, as caller: Caller = .operator, queue: Bool? = nil,
                    key: String? = nil) async throws -> Reply {
        var planHash = hash
        if planHash == nil {
            let plan = try await self.plan(runbook, params: params, as: caller)
            guard plan.code == 200, let read = plan.json["hash"].string else { throw WardenTestFailure("planning \(runbook) failed: \(plan)") }
            planHash = read
        }
        var body: [String: Any] = ["runbook": runbook, "inventory": "lab", "plan_hash": planHash ?? ""]
        if !params.isEmpty { body["params"] = params }
        if let queue { body["queue"] = queue }
        var headers: HTTPFields = [:]
        if let key { headers[HTTPField.Name("Idempotency-Key")!] = key }
        return try await call(.post, "/api/v1/runs", as: caller, body: jsonText(body), headers: headers)
    }

    /// Plans and starts `runbook`; the run's id (fails unless the start is accepted).
    func start(_ runbook: String, params: [String: Any] = [:], as caller: Caller = .operator) async throws -> String {
        let reply = try await startReply(runbook, params: params, as: caller)
        guard reply.code == 202, let id = reply.json["run_id"].string else { throw WardenTestFailure("starting \(runbook) failed: \(reply)") }
        return id
    }
}
