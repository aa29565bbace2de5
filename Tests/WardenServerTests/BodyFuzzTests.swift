import Foundation
import HTTPTypes
import Testing
import WardenCore
@testable import WardenServer
import WardenTesting

/// Random requests to every route: random bytes, valid bodies truncated and
/// mutated, deep nesting, huge strings, wrong types to every POST route, and
/// random query strings and path segments to every GET route. Whatever comes
/// in, the daemon answers below 500 with JSON (an error object whose status is
/// the answer's, or a success), and goes on working.
@Suite("Fuzzing bodies and queries")
struct BodyFuzzTests {
    /// Replays a failure: every request is drawn from this seed (`SeededGenerator`, WardenTesting).
    static let seed: UInt64 = 0x5EED_0F_3A7D

    /// Checks one answer: below 500, JSON (or the route's own text format on success), an error object naming its status.
    static func check(_ reply: Reply, _ what: @autoclosure () -> String) {
        #expect(reply.code < 500, "\(what()): \(reply)")
        let type = reply[.contentType] ?? ""
        if reply.code >= 400 || type.hasPrefix("application/json") {
            #expect(type == "application/json; charset=utf-8", "\(what()): \(type) \(reply)")
            let json = reply.json
            #expect(!json.isMissing, "\(what()): not JSON: \(reply)")
            if reply.code >= 400 {
                #expect(reply.error["status"].int == reply.code, "\(what()): \(reply)")
                #expect(reply.error["message"].string?.isEmpty == false, "\(what()): \(reply)")
            } else {
                #expect(json.members != nil, "\(what()): a success is an object: \(reply)")
            }
        } else {
            #expect(reply.code < 300, "\(what()): \(reply)")
            #expect(["application/x-ndjson", "text/event-stream; charset=utf-8", "text/plain; version=0.0.4; charset=utf-8"].contains(type),
                    "\(what()): \(type)")
        }
        #expect(reply[.xContentTypeOptions] == "nosniff", "\(what())")
    }

    // MARK: Making bodies

    static func randomBytes(_ count: Int, using random: inout SeededGenerator) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
    }

    static func randomText(_ count: Int, using random: inout SeededGenerator) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz_-.:/{}[]\"\\ \u{0}\u{7}\n\t'é€😀\u{202E}")
        return String((0..<count).map { _ in alphabet.randomElement(using: &random)! })
    }

    /// A random JSON value, `depth` levels deep at most.
    static func randomValue(depth: Int, members: [String], using random: inout SeededGenerator) -> Any {
        switch Int.random(in: 0...(depth > 0 ? 9 : 6), using: &random) {
        case 0: return NSNull()
        case 1: return Bool.random(using: &random)
        case 2: return [0, -1, 1, Int.max, Int.min, 42, 7].randomElement(using: &random)!
        case 3: return [0.5, -0.0, 1e300, -1e-300, 3.14].randomElement(using: &random)!
        case 4: return randomText(Int.random(in: 0...24, using: &random), using: &random)
        case 5: return ["inspect", "restart", "rebalance", "lab", "approve", "deny", "done", "not-done", "db1", "fleet", ""].randomElement(using: &random)!
        case 6: return String(repeating: "x", count: Int.random(in: 1000...20000, using: &random))
        case 7, 8:
            var object: [String: Any] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                let key = Bool.random(using: &random) ? members.randomElement(using: &random) ?? "k" : randomText(Int.random(in: 0...8, using: &random), using: &random)
                object[key] = randomValue(depth: depth - 1, members: members, using: &random)
            }
            return object
        default:
            return (0..<Int.random(in: 0...4, using: &random)).map { _ in randomValue(depth: depth - 1, members: members, using: &random) }
        }
    }

    /// One body for a route whose valid bodies are `valid` and members `members`.
    static func body(valid: [[String: Any]], members: [String], using random: inout SeededGenerator) -> [UInt8] {
        let base = valid.randomElement(using: &random) ?? [:]
        let text = Array(jsonText(base).utf8)
        switch Int.random(in: 0...9, using: &random) {
        case 0:
            return randomBytes(Int.random(in: 0...300, using: &random), using: &random)
        case 1:
            return Array(text.prefix(Int.random(in: 0...text.count, using: &random)))
        case 2:
            var bytes = text
            for _ in 0..<Int.random(in: 1...6, using: &random) where !bytes.isEmpty {
                let at = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0...2, using: &random) {
                case 0: bytes[at] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes.remove(at: at)
                default: bytes.insert(Array("{}[]\",:\\0aZ".utf8).randomElement(using: &random)!, at: at)
                }
            }
            return bytes
        case 3:
            // Deep nesting, bare or as a member's value.
            let depth = [64, 513, 2000, 20000, 200_000].randomElement(using: &random)!
            let (open, close) = Bool.random(using: &random) ? ("[", "]") : ("{\"a\":", "}")
            let nested = String(repeating: open, count: depth) + "1" + String(repeating: close, count: depth)
            let member = members.randomElement(using: &random) ?? "runbook"
            return Array((Bool.random(using: &random) ? nested : "{\"\(member)\": \(nested)}").utf8)
        case 4:
            // Huge strings: a member's value, or a member's name.
            var object = base
            let huge = String(repeating: Bool.random(using: &random) ? "a" : "é\u{0}", count: Int.random(in: 50_000...300_000, using: &random))
            if Bool.random(using: &random), let member = members.randomElement(using: &random) { object[member] = huge } else { object[huge] = 1 }
            return Array(jsonText(object).utf8)
        case 5:
            // Wrong types: each member at most once replaced by something else.
            var object = base
            for member in members where Bool.random(using: &random) {
                object[member] = randomValue(depth: 2, members: members, using: &random)
            }
            return Array(jsonText(object).utf8)
        case 6:
            return Array(jsonText(randomValue(depth: 4, members: members, using: &random)).utf8)
        case 7:
            // Numbers JSON allows and Swift does not: out of range, exponents.
            let number = ["1e400", "-1e400", "123456789012345678901234567890", "-0", "0.0000000000000000000001", "1E+2"].randomElement(using: &random)!
            let member = members.randomElement(using: &random) ?? "limit"
            return Array("{\"\(member)\": \(number)}".utf8)
        case 8:
            // Duplicate members, comments, trailing commas, a BOM, invalid UTF-8.
            return Array([
                "{\"runbook\": \"inspect\", \"runbook\": \"restart\", \"inventory\": \"lab\"}",
                "{\"reason\": \"x\",}", "/* c */ {\"reason\": \"x\"}", "\u{FEFF}{\"decision\": \"approve\"}",
                "{\"reason\": \"\\ud800\"}", "{\"decision\": \"approve\\u0000\"}", "{\"params\": {\"__proto__\": 1}}",
            ].randomElement(using: &random)!.utf8) + (Bool.random(using: &random) ? [0xFF, 0xFE] : [])
        default:
            return text
        }
    }

    // MARK: Making queries

    static func percentEncoded(_ bytes: [UInt8]) -> String {
        bytes.map { byte in
            let scalar = Unicode.Scalar(byte)
            return (byte < 128 && (CharacterSet.alphanumerics.contains(scalar) || "-._~".unicodeScalars.contains(scalar)))
                ? String(Character(scalar)) : String(format: "%%%02X", byte)
        }.joined()
    }

    static func randomQuery(names: [String], using random: inout SeededGenerator) -> String {
        var parts: [String] = []
        for _ in 0..<Int.random(in: 0...5, using: &random) {
            let name = Int.random(in: 0...4, using: &random) == 0 ? percentEncoded(randomBytes(Int.random(in: 0...6, using: &random), using: &random))
                : names.randomElement(using: &random)!
            let value: String = switch Int.random(in: 0...8, using: &random) {
            case 0: String(Int.random(in: -10...600, using: &random))
            case 1, 8: ["9223372036854775807", "9223372036854775806", "2147483647", "2147483648", "9223372036854775808", "-9223372036854775808", "1e3", "0x10", "+5", " 5", "٣"].map(percentEncoded(_:))
                .randomElement(using: &random)!
            case 2: percentEncoded(randomBytes(Int.random(in: 0...40, using: &random), using: &random))
            case 3: ["running", "succeeded", "blocked", "api", "terminal", "inspect", "olga", "pending", ""].randomElement(using: &random)!
            case 4: "%zz%"
            case 5: percentEncoded(Array(Data(randomText(Int.random(in: 1...30, using: &random), using: &random).utf8).base64EncodedString().utf8))
            case 6: String(repeating: "9", count: Int.random(in: 20...5000, using: &random))
            default: ""
            }
            parts.append(Int.random(in: 0...9, using: &random) == 0 ? name : "\(name)=\(value)")
        }
        return parts.joined(separator: Bool.random(using: &random) ? "&" : "&&")
    }

    static func percentEncoded(_ text: String) -> String { percentEncoded(Array(text.utf8)) }

    // MARK: The fuzzing

    @Test func randomRequestsGetJSONAnswersBelow500() async throws {
        try await ServeHarness.with { harness, api in
            var random = SeededGenerator(seed: Self.seed)
            let finished = try await api.start("inspect")
            try await harness.finish(finished)
            let waiting = try await api.start("rebalance", as: .operatorApprover)
            try await harness.awaitGate(of: waiting)
            let hash = try #require(try await api.plan("inspect").json["hash"].string)

            let plan: [[String: Any]] = [["runbook": "inspect", "inventory": "lab"],
                                         ["runbook": "restart", "inventory": "lab", "params": ["host": "db2", "max_load": 3], "limit": "db2"],
                                         ["runbook": "inspect", "inventory": "lab", "params": ["threshold": 3, "mode": "full", "api_key": "s3cret"]]]
            let start = plan.map { $0.merging(["plan_hash": hash]) { old, _ in old } }
            let posts: [(uri: String, caller: Caller, valid: [[String: Any]], members: [String])] = [
                ("/api/v1/plans", .admin, plan, PlanBody.members),
                ("/api/v1/runs", .admin, start, StartBody.members),
                ("/api/v1/runs/\(finished)/cancel", .admin, [["reason": "fuzz"]], ReasonBody.members),
                ("/api/v1/runs/nope/cancel", .admin, [["reason": "fuzz"]], ReasonBody.members),
                ("/api/v1/runs/\(finished)/resume", .admin, [["assume": "done"], ["params": ["service": "x"], "inventory": "lab"]], ResumeBody.members),
                ("/api/v1/runs/\(waiting)/approvals", .approver, [["decision": "deny"], ["decision": "approve", "comment": "c"]], DecisionBody.members),
                ("/api/v1/runs/\(finished)/approvals", .approver, [["decision": "approve"]], DecisionBody.members),
                ("/api/v1/locks/cluster/break", .admin, [["reason": ""]], ReasonBody.members),
                ("/api/v1/locks/nope/break", .admin, [["reason": "fuzz"]], ReasonBody.members),
                ("/api/v1/reload", .admin, [[:]], []),
            ]
            var requests = 0
            let started = ContinuousClock.now
            for _ in 0..<120 {
                for post in posts {
                    let bytes = Self.body(valid: post.valid, members: post.members, using: &random)
                    let reply = try await api.call(.post, post.uri, as: post.caller, bytes: bytes)
                    Self.check(reply, "POST \(post.uri) \(String(decoding: bytes.prefix(300), as: UTF8.self))")
                    requests += 1
                }
            }

            let gets: [(path: String, names: [String])] = [
                ("/api/v1/runs", ["status", "runbook", "trigger", "initiator", "cursor", "limit"]),
                ("/api/v1/runs/\(finished)/events", ["after", "limit"]),
                ("/api/v1/runs/\(waiting)/events", ["after", "limit"]),
                ("/api/v1/approvals", ["state"]),
                ("/api/v1/audit/export", ["since"]),
                ("/api/v1/audit/verify", ["since"]),
                ("/api/v1/locks", ["name"]),
                ("/api/v1/runbooks", ["name"]),
                ("/api/v1/inventories", ["name"]),
                ("/api/v1/status", ["verbose"]),
                ("/metrics", ["name[]"]),
                ("/readyz", ["x"]),
            ]
            for _ in 0..<80 {
                for get in gets {
                    let uri = get.path + "?" + Self.randomQuery(names: get.names, using: &random)
                    Self.check(try await api.get(uri), "GET \(uri)")
                    requests += 1
                }
                // Random path segments where the routes take one.
                let segment = Self.percentEncoded(Self.randomBytes(Int.random(in: 1...40, using: &random), using: &random))
                for uri in ["/api/v1/runbooks/\(segment)", "/api/v1/runs/\(segment)", "/api/v1/runs/\(segment)/events"] {
                    Self.check(try await api.get(uri), "GET \(uri)")
                    requests += 1
                }
                // A finished run's stream, resumed after anything.
                let lastID = [String(Int.random(in: -5...50, using: &random)), String(Int.max), String(Int.max - 1), String(Int32.max),
                              Self.randomText(5, using: &random).filter { $0.isASCII && !$0.isNewline && $0 != "\0" }]
                    .randomElement(using: &random)!
                let stream = try await api.get("/api/v1/runs/\(finished)/events",
                                               headers: [.accept: "text/event-stream", HTTPField.Name("Last-Event-ID")!: lastID])
                Self.check(stream, "SSE after \(lastID)")
                requests += 1
            }
            // Methods no route takes, on every path.
            let paths = posts.map(\.uri) + gets.map(\.path) + ["/api/v1/runbooks/inspect", "/api/v1/runs/\(finished)", "/nowhere"]
            for path in paths {
                for method in [HTTPRequest.Method.put, .delete, .patch, .options, HTTPRequest.Method(rawValue: "PURGE")!] {
                    Self.check(try await api.call(method, path, as: .admin, body: "{}"), "\(method) \(path)")
                    requests += 1
                }
                let head = try await api.call(.head, path, as: .admin)
                #expect(head.code < 500, "HEAD \(path): \(head)")
                requests += 1
            }
            let elapsed = ContinuousClock.now - started
            print("fuzz: \(requests) requests in \(elapsed)")

            // The daemon still works, and its journal holds together.
            #expect(try await api.get("/healthz", as: nil).code == 200)
            #expect(try await api.plan("inspect").code == 200)
            #expect(try await api.get("/api/v1/audit/verify").json["intact"].bool == true)
        }
    }
}
