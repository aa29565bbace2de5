import Foundation
import Hummingbird
import NIOCore
import WardenCore

/// `GET /audit/verify` (does the hash-chained audit log hold, and where it
/// breaks) and `GET /audit/export?since=N` (JSON lines for a SIEM).
enum AuditRoutes {
    static func register(on api: RouterGroup<WardenRequestContext>, services: ServeServices) {
        api.get("audit/verify") { _, context -> Response in
            _ = try context.require(.read)
            do {
                return JSONResponse.make(try await verified(services))
            } catch {
                throw APIError(.internalServerError, "\(error)")
            }
        }
        api.get("audit/export") { request, context -> Response in
            _ = try context.require(.read)
            let since = try RunListing.integer(request.uri.queryParameters["since"].map(String.init), named: "since", default: 1, in: 1...Int.max)
            let records: [AuditRecord]
            do {
                records = try await services.journal.auditRecords(from: since)
            } catch {
                throw APIError(.internalServerError, "\(error)")
            }
            var buffer = ByteBuffer()
            for record in records {
                buffer.writeBytes((try? JSONResponse.encoder.encode(record)) ?? Data())
                buffer.writeString("\n")
            }
            return Response(status: .ok, headers: [.contentType: "application/x-ndjson", .cacheControl: "no-store"], body: .init(byteBuffer: buffer))
        }
    }

    /// The audit log's verification under the site policy, as `GET /audit/verify` and the web UI's audit page show it.
    static func verified(_ services: ServeServices) async throws(JournalError) -> Verified {
        Verified(try await AuditVerification.verify(services.journal, policy: await services.dispatcher.settings.policy))
    }

    /// `warden audit verify`'s judgement as JSON (`AuditVerification`).
    struct Verified: Encodable {
        let intact: Bool
        let holds: Bool
        let records: Int
        let head: String
        let broken: Break?
        let approvals: [Signature]
        let checkpoints: [Signature]
        let unsignedTail: [Int]?
        let uncovered: [Uncovered]

        init(_ verification: AuditVerification) {
            intact = verification.broken == nil
            holds = verification.holds
            records = verification.records
            head = verification.last?.hash ?? AuditRecord.genesis
            broken = verification.broken.map { Break(record: $0.record, runID: $0.runID, event: $0.event, reason: $0.reason) }
            approvals = verification.approvals.map { entry in
                let approval = entry.approval
                let (verdict, key, reason): (String, String?, String?) = switch entry.verdict {
                case let .signed(key): ("signed", key, nil)
                case .unsigned: ("unsigned", nil, nil)
                case let .doesNotVerify(reason): ("does-not-verify", nil, reason)
                }
                return Signature(runID: approval.runID, what: "\(approval.decision.rawValue) at \(approval.step)", by: approval.approver,
                                 verdict: verdict, key: key, reason: reason)
            }
            let review = verification.checkpoints
            checkpoints = (review?.entries ?? []).map { entry in
                let checkpoint = entry.checkpoint
                let (verdict, key, reason): (String, String?, String?) = switch entry.verdict {
                case let .signed(key): ("signed", key, nil)
                case let .doesNotVerify(reason): ("does-not-verify", nil, reason)
                case .unchecked: ("unchecked", nil, "the site policy names no allowed_signers")
                }
                return Signature(runID: checkpoint.runID, what: "\(checkpoint.phase.rawValue) at audit record \(checkpoint.auditSequence)",
                                 by: checkpoint.signer, verdict: verdict, key: key, reason: reason)
            }
            unsignedTail = review?.tail.map { [$0.lowerBound, $0.upperBound] }
            uncovered = (review?.uncovered ?? []).map { Uncovered(runID: $0.runID, reason: $0.reason) }
        }

        struct Break: Encodable {
            let record: Int?
            let runID: String?
            let event: Int?
            let reason: String

            enum CodingKeys: String, CodingKey {
                case record, event, reason
                case runID = "run_id"
            }
        }

        /// A decision's or a checkpoint's signature: `signed` (with the key), `unsigned`, `does-not-verify` (with why) or `unchecked`.
        struct Signature: Encodable {
            let runID: String
            let what: String
            let by: String
            let verdict: String
            let key: String?
            let reason: String?

            enum CodingKeys: String, CodingKey {
                case what, by, verdict, key, reason
                case runID = "run_id"
            }
        }

        struct Uncovered: Encodable {
            let runID: String
            let reason: String

            enum CodingKeys: String, CodingKey {
                case reason
                case runID = "run_id"
            }
        }

        enum CodingKeys: String, CodingKey {
            case intact, holds, records, head, broken, approvals, checkpoints, uncovered
            case unsignedTail = "unsigned_tail"
        }
    }
}
