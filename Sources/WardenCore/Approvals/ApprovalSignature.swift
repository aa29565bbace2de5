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
    public static let namespace = "warden-approval@v1"
    static let keygen = "/usr/bin/ssh-keygen"

    /// The exact text signed.
    public static func message(run: String, step: String, decision: String, approver: String, planHash: String, comment: String?) -> String {
        let commentDigest = SHA256.hash(data: Data((comment ?? "").utf8)).map { String(format: "%02x", $0) }.joined()
        return """
            warden approval v1
            run: \(run)
            step: \(step)
            decision: \(decision)
            approver: \(approver)
            plan: \(planHash)
            comment-sha256: \(commentDigest)

            """
    }

    /// Signs `message` with the private key at `key` (ssh-keygen asks for its passphrase on the terminal).
    public static func sign(_ message: String, key: String) async throws(ApprovalSignatureError) -> String {
        do {
            return try await LocalProcess.withPrivateFolder { folder in
                let file = folder + "/approval"
                try Data(message.utf8).write(to: URL(fileURLWithPath: file))
                let result = await LocalProcess.run(keygen, ["-q", "-Y", "sign", "-f", key, "-n", namespace, file], in: folder)
                guard result.status == 0, let signature = try? String(contentsOfFile: file + ".sig", encoding: .utf8) else {
                    throw ApprovalSignatureError("ssh-keygen could not sign the approval with \(key): "
                                                 + result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))
                }
                return signature
            }
        } catch let error as ApprovalSignatureError {
            throw error
        } catch {
            throw ApprovalSignatureError("cannot sign the approval: \(error)")
        }
    }

    /// Checks that `signature` is `principal`'s over `message`, by a key `allowedSigners` lists for them.
    /// Returns what ssh-keygen says of the key that signed (its type and fingerprint).
    public static func verify(_ message: String, signature: String, principal: String, allowedSigners: String) async throws(ApprovalSignatureError) -> String {
        do {
            return try await LocalProcess.withPrivateFolder { folder in
                let file = folder + "/approval", sig = folder + "/approval.sig"
                try Data(message.utf8).write(to: URL(fileURLWithPath: file))
                try Data(signature.utf8).write(to: URL(fileURLWithPath: sig))
                let result = await LocalProcess.run(keygen, ["-Y", "verify", "-f", allowedSigners, "-I", principal, "-n", namespace, "-s", sig],
                                                    stdin: file, in: folder)
                guard result.status == 0 else {
                    throw ApprovalSignatureError("the signature of \(principal)'s approval does not verify against \(allowedSigners): "
                                                 + (result.stderr + result.stdout).trimmingCharacters(in: .whitespacesAndNewlines))
                }
                // `Good "NS" signature for PRINCIPAL with ED25519 key SHA256:...`
                let said = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                return said.range(of: " with ").map { String(said[$0.upperBound...]) } ?? said
            }
        } catch let error as ApprovalSignatureError {
            throw error
        } catch {
            throw ApprovalSignatureError("cannot verify the approval's signature: \(error)")
        }
    }
}
