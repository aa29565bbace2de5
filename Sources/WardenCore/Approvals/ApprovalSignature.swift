import Crypto
import Foundation

/// An approver's proof of their decision: an OpenSSH signature (SSHSIG,
/// `ssh-keygen -Y sign`) with their own SSH key over the run, the step, the
/// decision and the plan hash they were shown. Anyone who can write the
/// state folder can insert an approval row; nobody without the approver's
/// key can make its signature, which the gate checks against the site's
/// `allowed_signers` file (the principal is the approver's user name).
public enum ApprovalSignature {
    /// The SSHSIG namespace: a signature made for anything else never verifies as an approval.
    static let namespace = "warden-approval@v1"

    /// The exact text signed.
    public static func message(run: String, step: String, decision: Approval.Decision, approver: String, planHash: String, comment: String?) -> String {
        let commentDigest = SHA256.hash(data: Data((comment ?? "").utf8)).map { String(format: "%02x", $0) }.joined()
        return """
            warden approval v1
            run: \(run)
            step: \(step)
            decision: \(decision.rawValue)
            approver: \(approver)
            plan: \(planHash)
            comment-sha256: \(commentDigest)

            """
    }

    /// Signs `message` with the private key at `key` (ssh-keygen asks for its passphrase on the terminal).
    public static func sign(_ message: String, key: String) async throws(SSHSignatureError) -> String {
        try await SSHSignature.sign(message, key: key, namespace: namespace, what: "approval")
    }

    /// Checks that `signature` is `principal`'s over `message`, by a key `allowedSigners` lists for them.
    /// Returns what ssh-keygen says of the key that signed (its type and fingerprint).
    public static func verify(_ message: String, signature: String, principal: String, allowedSigners: String) async throws(SSHSignatureError) -> String {
        try await SSHSignature.verify(message, signature: signature, principal: principal, allowedSigners: allowedSigners,
                                      namespace: namespace, what: "approval")
    }
}
