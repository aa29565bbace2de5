import Foundation

/// Who signs a run's checkpoints, and with which key: the operator running
/// `warden run` or `warden resume` (principal: their user name), or a
/// controller with a key of its own. The principal is what an
/// `allowed_signers` file lists the key under.
public struct CheckpointSigner: Sendable, Equatable {
    /// A private key file, or the public half of a key ssh-agent holds.
    public let key: String
    public let principal: String

    public init(key: String, principal: String) {
        self.key = key
        self.principal = principal
    }

    /// Signs the audit log's head for `run` and stores the checkpoint.
    @discardableResult
    public func checkpoint(_ run: String, phase: Checkpoint.Phase, in journal: Journal) async throws(CheckpointError) -> Checkpoint {
        do {
            let head = try await journal.auditHead()
            let message = Checkpoint.message(run: run, phase: phase, signer: principal, auditSequence: head.sequence, auditHash: head.hash)
            let signature = try await SSHSignature.sign(message, key: key, namespace: Checkpoint.namespace, what: "checkpoint")
            let checkpoint = Checkpoint(runID: run, phase: phase, auditSequence: head.sequence, auditHash: head.hash,
                                        signer: principal, signature: signature)
            try await journal.record(checkpoint)
            return checkpoint
        } catch let error as SSHSignatureError {
            throw CheckpointError(kind: .cannotSign, "run \(run): \(error.description)")
        } catch let error as JournalError {
            throw CheckpointError(kind: .cannotRecord, "run \(run): \(error.description)")
        } catch {
            throw CheckpointError(kind: .cannotSign, "run \(run): \(error)")
        }
    }
}
