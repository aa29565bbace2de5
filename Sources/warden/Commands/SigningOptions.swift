import ArgumentParser
import Foundation
import WardenCore

/// The key a run signs its checkpoints with (`Checkpoint`), for `warden run` and `warden resume`.
struct SigningOptions: ParsableArguments {
    @Option(name: .customLong("signing-key"),
            help: ArgumentHelp("Sign the audit log's head when the run starts, resumes and ends, with this SSH key (a private key file, or the public half of a key in ssh-agent); default: WARDEN_SIGNING_KEY. Required when the site policy requires checkpoints.",
                               valueName: "FILE"))
    var key: String?

    /// The signer for this user, or nil when no key is given and the policy lets a run go unsigned.
    func signer(policy: ApprovalPolicy, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> CheckpointSigner? {
        let key = self.key ?? environment["WARDEN_SIGNING_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        guard let key else {
            guard !policy.requireCheckpoints else {
                throw InvalidInput(description: """
                    the site policy (\(policy.file ?? "built in")) requires every run to sign checkpoints of the audit log: \
                    pass --signing-key with your SSH key (one listed for \(OperatingSystemUser.name) in \
                    \(policy.checkpointAllowedSigners ?? "the allowed signers")), or set WARDEN_SIGNING_KEY; nothing was changed
                    """)
            }
            return nil
        }
        guard FileManager.default.isReadableFile(atPath: key) else {
            throw InvalidInput(description: "--signing-key \(key) cannot be read; name your SSH private key (or the .pub of a key in ssh-agent)")
        }
        return CheckpointSigner(key: key, principal: OperatingSystemUser.name)
    }
}
