import Foundation
import Hummingbird
import WardenCore

/// Deciding on runs waiting at approval gates, under exactly the rules of
/// `warden approve` (`PendingApproval` in Core): the quorum, the approver
/// lists, never the initiator unless the runbook allows it, bound to the
/// run's plan hash. The approver is the authenticated identity.
enum ApprovalRoutes {
    static func register(on api: RouterGroup<WardenRequestContext>, services: ServeServices) {
        api.post("runs/:id/approvals") { request, context -> Response in
            let identity = try context.require(.approve)
            let id = try context.pathParameter("id")
            let body = try await DecisionBody.read(from: request, limit: await services.state.configuration.maximumBodyBytes)
            let (pending, recorded) = try await decide(id, body.decision, comment: body.comment, by: identity, services: services)
            context.logger.notice("approval recorded", metadata: ["run": "\(id)", "decision": "\(body.decision.rawValue)"])
            return JSONResponse.make(Decided(runID: id, step: pending.step, decision: recorded.approval.decision.rawValue,
                                             approver: identity.name, planHash: recorded.approval.planHash), status: .created)
        }
        api.get("approvals") { request, context -> Response in
            let identity = try context.require(.read)
            let state = request.uri.queryParameters["state"].map(String.init) ?? "pending"
            guard state == "pending" else { throw APIError(.badRequest, "'state' can only be 'pending'", field: "state") }
            let waiting = await pending(in: services)
            services.metrics.approvalsPending(waiting.count)
            return JSONResponse.make(["approvals": waiting.map { Waiting($0, for: identity) }])
        }
    }

    /// Records `identity`'s decision on run `id`'s waiting gate, under `warden approve`'s rules: the API's
    /// `POST /runs/{id}/approvals` and the web UI's Approve and Deny buttons both decide here.
    static func decide(_ id: String, _ decision: Approval.Decision, comment: String?, by identity: Identity,
                       services: ServeServices) async throws(APIError) -> (PendingApproval, PendingApproval.Recorded) {
        let journal = services.journal(as: identity)
        guard (try? await journal.run(id)) != nil else { throw APIError(.notFound, "no run '\(VisibleText.line(id))' in the journal") }
        let policy = await services.dispatcher.settings.policy
        let pending: PendingApproval
        do throws(RunSessionError) {
            pending = try await PendingApproval.find(id, in: journal, policy: policy)
        } catch {
            throw APIError(.conflict, error.description)
        }
        if let refusal = pending.refusal(of: identity.name, decision: decision) {
            throw APIError(.forbidden, refusal)
        }
        if pending.terms.requireSignatures {
            throw APIError(.forbidden, "the site policy requires signed decisions, which the API and the web UI cannot carry: "
                           + "decide at a terminal with `warden \(decision == .approve ? "approve" : "deny") \(id) --key KEY`")
        }
        let comment = comment?.trimmingCharacters(in: .whitespacesAndNewlines)
        if decision == .deny, comment?.isEmpty ?? true {
            throw APIError(.unprocessableContent, "a denial needs a 'comment': the initiator needs to know why", field: "comment")
        }
        do throws(RunSessionError) {
            let recorded = try await pending.record(decision, by: identity.name, comment: comment?.isEmpty == true ? nil : comment, key: nil, in: journal)
            return (pending, recorded)
        } catch {
            throw APIError(error.kind == .invalidInput ? .forbidden : .internalServerError, error.description)
        }
    }

    /// Every run of the journal waiting at a gate now.
    static func pending(in services: ServeServices) async -> [PendingApproval] {
        guard let running = try? await services.journal.runs(RunQuery(status: .running, limit: RunQuery.maximumLimit)) else { return [] }
        let policy = await services.dispatcher.settings.policy
        var found: [PendingApproval] = []
        for run in running {
            if let pending = try? await PendingApproval.find(run.id, in: services.journal, policy: policy) { found.append(pending) }
        }
        return found
    }

    struct Decided: Encodable {
        let runID: String
        let step: String
        let decision: String
        let approver: String
        let planHash: String

        enum CodingKeys: String, CodingKey {
            case step, decision, approver
            case runID = "run_id"
            case planHash = "plan_hash"
        }
    }

    /// A gate waiting for decisions, and whether the caller may approve it (and if not, why).
    struct Waiting: Encodable {
        let runID: String
        let runbook: String
        let step: String
        let initiator: String
        let planHash: String
        let quorum: Int
        let approvers: [String]
        let message: String?
        let mayApprove: Bool
        let refusal: String?

        init(_ pending: PendingApproval, for identity: Identity) {
            runID = pending.run.id
            runbook = pending.run.runbook
            step = pending.step
            initiator = pending.run.initiator
            planHash = pending.run.planHash
            quorum = pending.terms.quorum
            approvers = pending.terms.approvers
            message = pending.terms.message
            let refusal = pending.refusal(toApprove: identity)
            mayApprove = refusal == nil
            self.refusal = refusal
        }

        enum CodingKeys: String, CodingKey {
            case runbook, step, initiator, quorum, approvers, message, refusal
            case runID = "run_id"
            case planHash = "plan_hash"
            case mayApprove = "may_approve"
        }
    }
}
