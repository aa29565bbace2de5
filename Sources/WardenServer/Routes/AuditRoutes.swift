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
                let head = try await services.journal.auditHead()
                guard let broken = try await services.journal.verifyAudit() else {
                    return JSONResponse.make(Verified(intact: true, records: head.sequence, head: head.hash, broken: nil))
                }
                return JSONResponse.make(Verified(intact: false, records: head.sequence, head: head.hash,
                                                  broken: .init(record: broken.record, runID: broken.runID, event: broken.event, reason: broken.reason)))
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

    struct Verified: Encodable {
        let intact: Bool
        let records: Int
        let head: String
        let broken: Break?

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
    }
}
