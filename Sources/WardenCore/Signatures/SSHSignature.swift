import Foundation

/// OpenSSH signatures (the SSHSIG format of `ssh-keygen -Y sign`), the proof
/// Warden asks of whoever makes a record others must be able to trust: an
/// approver for an approval, a controller for a checkpoint of the audit
/// log. Operators already hold SSH keys, and sites already distribute them
/// in `allowed_signers` files; no key material passes through Warden, which
/// runs `/usr/bin/ssh-keygen` (a key held by ssh-agent signs when `key`
/// names its public half).
///
/// Each kind of record signs under its own namespace, so a signature made
/// for one can never be replayed as another.
public enum SSHSignature {
    static let keygen = "/usr/bin/ssh-keygen"

    /// Signs `message` under `namespace` with the key at `key`; `what` names the
    /// record in errors ("approval", "checkpoint").
    public static func sign(_ message: String, key: String, namespace: String, what: String) async throws(SSHSignatureError) -> String {
        do {
            return try await LocalProcess.withPrivateFolder { folder in
                let file = folder + "/message"
                try Data(message.utf8).write(to: URL(fileURLWithPath: file))
                let result = await LocalProcess.run(keygen, ["-q", "-Y", "sign", "-f", key, "-n", namespace, file], in: folder)
                guard result.status == 0, let signature = try? String(contentsOfFile: file + ".sig", encoding: .utf8) else {
                    throw SSHSignatureError(.cannotSign, "ssh-keygen could not sign the \(what) with \(key): "
                                            + result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))
                }
                return signature
            }
        } catch let error as SSHSignatureError {
            throw error
        } catch {
            throw SSHSignatureError(.cannotSign, "cannot sign the \(what): \(error)")
        }
    }

    /// Checks that `signature` is `principal`'s over `message` under `namespace`, by a key
    /// `allowedSigners` lists for them. Returns what ssh-keygen says of the key that signed
    /// (its type and fingerprint), for the audit trail to name it.
    public static func verify(_ message: String, signature: String, principal: String, allowedSigners: String,
                              namespace: String, what: String) async throws(SSHSignatureError) -> String {
        do {
            return try await LocalProcess.withPrivateFolder { folder in
                let file = folder + "/message", sig = folder + "/message.sig"
                try Data(message.utf8).write(to: URL(fileURLWithPath: file))
                try Data(signature.utf8).write(to: URL(fileURLWithPath: sig))
                let result = await LocalProcess.run(keygen, ["-Y", "verify", "-f", allowedSigners, "-I", principal, "-n", namespace, "-s", sig],
                                                    stdin: file, in: folder)
                guard result.status == 0 else {
                    throw SSHSignatureError(.doesNotVerify, "the signature of \(principal)'s \(what) does not verify against \(allowedSigners): "
                                            + (result.stderr + result.stdout).trimmingCharacters(in: .whitespacesAndNewlines))
                }
                // `Good "NS" signature for PRINCIPAL with ED25519 key SHA256:...`
                let said = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                return said.range(of: " with ").map { String(said[$0.upperBound...]) } ?? said
            }
        } catch let error as SSHSignatureError {
            throw error
        } catch {
            throw SSHSignatureError(.cannotVerify, "cannot verify the \(what)'s signature: \(error)")
        }
    }
}
