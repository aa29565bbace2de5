import Foundation
import GRDB
import Testing
@testable import WardenCore

/// The site's approval policy, which a runbook may only tighten, and signed
/// approvals (SSHSIG through ssh-keygen) that a row inserted by anyone with
/// write access to the state folder cannot imitate.
@Suite("Approval policy and signatures")
struct ApprovalPolicyTests {
    private static let isRoot = getuid() == 0

    private func spec(quorum: Int = 1, approvers: [String] = []) -> ApprovalSpec {
        ApprovalSpec(quorum: quorum, timeout: .seconds(60), approvers: approvers, message: nil)
    }

    private func policy(_ text: String) throws -> ApprovalPolicy {
        try ApprovalPolicy.parse(text, file: "policy.yaml")
    }

    @Test func aRunbookMayOnlyTightenThePolicy() throws {
        let site = try policy("""
            approvals:
              min_quorum: 2
              self_approval: never
              approvers:
                "pegasus-*": [alice, bob, carol]
                "*": [alice]
            """)
        let loose = site.terms(for: spec(), runbook: "pegasus-rebalance", allowSelfApproval: true)
        #expect(loose.quorum == 2)
        #expect(!loose.allowSelfApproval, "the runbook's allow_self_approval cannot override 'never'")
        #expect(loose.approvers == ["alice", "bob", "carol"])
        let narrower = site.terms(for: spec(quorum: 3, approvers: ["bob", "mallory"]), runbook: "pegasus-rebalance", allowSelfApproval: false)
        #expect(narrower.quorum == 3)
        #expect(narrower.approvers == ["bob"], "mallory is not among the site's approvers")
        let disjoint = site.terms(for: spec(approvers: ["mallory"]), runbook: "fdb-exclude", allowSelfApproval: false)
        #expect(disjoint.refusal(of: "mallory", initiator: "eve", decision: .approve) != nil)
        #expect(disjoint.refusal(of: "alice", initiator: "eve", decision: .approve) != nil, "nobody may approve: the lists do not meet")
        let builtIn = ApprovalPolicy().terms(for: spec(), runbook: "x", allowSelfApproval: true)
        #expect(builtIn.allowSelfApproval && builtIn.quorum == 1 && builtIn.approvers.isEmpty && !builtIn.requireSignatures)
    }

    @Test func theInitiatorMayStopTheirOwnRunButNotApproveIt() {
        let terms = ApprovalPolicy().terms(for: spec(approvers: ["bob"]), runbook: "x", allowSelfApproval: false)
        #expect(terms.refusal(of: "eve", initiator: "eve", decision: .approve)?.contains("another person must approve it") == true)
        #expect(terms.refusal(of: "eve", initiator: "eve", decision: .deny) == nil)
        #expect(terms.refusal(of: "mallory", initiator: "eve", decision: .deny)?.contains("its approvers are bob") == true)
    }

    @Test func mistakesInThePolicyArePointedAt() {
        #expect { try policy("approvals:\n  self_aproval: never\n") } throws: { ($0 as? ApprovalPolicyError)?.kind == .invalid }
        do {
            _ = try policy("approvals:\n  self_aproval: never\n  min_quorum: 0\n  require_signatures: true\n")
        } catch {
            let text = "\(error)"
            #expect(text.contains("policy.yaml:2:3: error: unknown key 'self_aproval' in approvals; did you mean 'self_approval'?"), "\(text)")
            #expect(text.contains("policy.yaml:3:15: error: min_quorum must be an integer 1...100, got '0'"), "\(text)")
            #expect(text.contains("require_signatures needs allowed_signers"), "\(text)")
        }
    }

    @Test(.enabled(if: isRoot, "hands files to another account"))
    func aPolicyItsUsersCouldHaveWrittenIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("policy-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/policy.yaml"
        try "approvals: {min_quorum: 2}\n".write(toFile: file, atomically: false, encoding: .utf8)
        #expect(try ApprovalPolicy.site(environment: ["WARDEN_POLICY": file]).minimumQuorum == 2)
        chmod(file, 0o666)
        #expect { try ApprovalPolicy.site(environment: ["WARDEN_POLICY": file]) } throws: { ($0 as? ApprovalPolicyError)?.kind == .untrusted }
        chmod(file, 0o644)
        chown(file, 65534, 65534)
        do {
            _ = try ApprovalPolicy.site(environment: ["WARDEN_POLICY": file])
            Issue.record("a policy owned by nobody was trusted")
        } catch {
            #expect("\(error)".contains("\(file) belongs to uid 65534, not root"), "\(error)")
        }
        #expect { try ApprovalPolicy.site(environment: ["WARDEN_POLICY": folder + "/missing.yaml"]) } throws: { ($0 as? ApprovalPolicyError)?.kind == .unreadable }
    }

    /// A key pair and an allowed_signers file naming `principal` for it, in a fresh folder.
    private func signer(_ principal: String) async throws -> (folder: String, key: String, signers: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("signer-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        let made = await LocalProcess.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", folder + "/key"], in: folder)
        #expect(made.status == 0, "\(made.stderr)")
        let publicKey = try String(contentsOfFile: folder + "/key.pub", encoding: .utf8)
        try "\(principal) \(publicKey)".write(toFile: folder + "/allowed_signers", atomically: false, encoding: .utf8)
        return (folder, folder + "/key", folder + "/allowed_signers")
    }

    @Test func aSignatureHoldsOnlyForWhatWasSignedAndWhoSignedIt() async throws {
        let bob = try await signer("bob")
        defer { try? FileManager.default.removeItem(atPath: bob.folder) }
        let approval = Approval(runID: "r1", step: "gate", approver: "bob", decision: .approve, comment: "ok", planHash: "sha256:ab")
        let signature = try await ApprovalSignature.sign(approval.signedMessage, key: bob.key)
        #expect(signature.hasPrefix("-----BEGIN SSH SIGNATURE-----"))
        let key = try await ApprovalSignature.verify(approval.signedMessage, signature: signature, principal: "bob", allowedSigners: bob.signers)
        #expect(key.contains("ED25519 key SHA256:"), "\(key)")
        // Another plan, another decision, or another person's name: the same signature does not hold.
        var otherPlan = approval
        otherPlan.planHash = "sha256:cd"
        var denial = approval
        denial.decision = .deny
        for (message, principal) in [(otherPlan.signedMessage, "bob"), (denial.signedMessage, "bob"), (approval.signedMessage, "alice")] {
            await #expect {
                _ = try await ApprovalSignature.verify(message, signature: signature, principal: principal, allowedSigners: bob.signers)
            } throws: { ($0 as? SSHSignatureError)?.kind == .doesNotVerify }
        }
    }

    @Test func anApprovalInsertedBehindWardensBackIsNamedByVerify() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("warden-approvals-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let journal = try Journal(directory: path)
        try await journal.begin(JournalRun(id: "r1", runbook: "demo", file: "demo.yaml", initiator: "eve", controller: "bastion:42",
                                           planHash: "sha256:ab", parameters: "", plan: "{}"))
        #expect(try await journal.verifyAudit() == nil)
        // One INSERT, as the review reproduced it: the gate used to count it.
        let database = try DatabaseQueue(path: journal.path)
        try await database.write { db in
            try db.execute(sql: "INSERT INTO approvals (run_id, step, approver, decision, comment, plan_hash, at) VALUES ('r1', 'gate', 'bob', 'approve', NULL, 'sha256:ab', 1)")
        }
        let broken = try await journal.verifyAudit()
        #expect(broken?.runID == "r1")
        #expect(broken?.reason.contains("that the audit log never recorded: it was inserted outside Warden") == true, "\(String(describing: broken))")
    }

    @Test func aRunRowChangedBehindWardensBackIsNamedByVerify() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("warden-runs-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let journal = try Journal(directory: path)
        try await journal.begin(JournalRun(id: "r1", runbook: "demo", file: "demo.yaml", initiator: "eve", controller: "bastion:42",
                                           planHash: "sha256:ab", parameters: "tag=approved", plan: "{}"))
        let database = try DatabaseQueue(path: journal.path)
        try await database.write { db in try db.execute(sql: "UPDATE runs SET parameters = 'tag=evil' WHERE id = 'r1'") }
        let broken = try await journal.verifyAudit()
        #expect(broken?.reason.contains("the run's row (runbook, initiator, parameters, plan or its hash) is not what the audit log recorded") == true,
                "\(String(describing: broken))")
    }
}
