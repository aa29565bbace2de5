import Foundation

/// A signed statement of where the audit log stood: "at record N its hash
/// was H", signed with the key of the controller (for the CLI, the operator
/// who runs it) when a run starts, is resumed and ends.
///
/// The hash chains show a changed record only to someone who cannot
/// recompute them, and anyone who can write the state folder can. A
/// checkpoint cannot be recomputed without its signer's private key: every
/// record up to N (each event's hash, each approval, each lock, each run's
/// row as started) is fixed by H, so rewriting any of them breaks a
/// signature. What stays open is the tail after the newest checkpoint, and
/// `warden audit verify` says how long it is.
public struct Checkpoint: Sendable, Hashable, Codable {
    /// The SSHSIG namespace: a checkpoint signature is never an approval's, nor the reverse.
    static let namespace = "warden-checkpoint@v1"

    public var runID: String
    public var phase: Phase
    /// The audit record signed for: the newest one when the checkpoint was made.
    public var auditSequence: Int
    public var auditHash: String
    /// The principal that signed (the `allowed_signers` name): the operating-system user for the CLI.
    public var signer: String
    public var signature: String
    public var at: Double

    /// When in a run's life it was made. The raw values are stored and signed: they are stable.
    public enum Phase: String, Sendable, Hashable, Codable, CaseIterable {
        case started, resumed, finished
    }

    public init(runID: String, phase: Phase, auditSequence: Int, auditHash: String, signer: String, signature: String,
                at: Date = Date()) {
        self.runID = runID
        self.phase = phase
        self.auditSequence = auditSequence
        self.auditHash = auditHash
        self.signer = signer
        self.signature = signature
        self.at = at.timeIntervalSince1970
    }

    /// The exact text signed.
    public static func message(run: String, phase: Phase, signer: String, auditSequence: Int, auditHash: String) -> String {
        """
        warden checkpoint v1
        run: \(run)
        phase: \(phase.rawValue)
        signer: \(signer)
        audit: \(auditSequence) \(auditHash)

        """
    }

    public var signedMessage: String {
        Checkpoint.message(run: runID, phase: phase, signer: signer, auditSequence: auditSequence, auditHash: auditHash)
    }

    enum CodingKeys: String, CodingKey {
        case phase, signer, signature, at
        case runID = "run_id"
        case auditSequence = "audit_sequence"
        case auditHash = "audit_hash"
    }
}
