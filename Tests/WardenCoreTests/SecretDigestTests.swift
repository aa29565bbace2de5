import Foundation
import Testing
@testable import WardenCore

/// Issue 12, finding 5: a plan binds its secrets by a digest keyed with the
/// initiator's own key (never the value, never a digest anyone reading the
/// journal could test guesses against), and says where it shows `<secret>`
/// for text that is not a secret.
@Suite("Secret digests")
struct SecretDigestTests {
    static let runbook = """
        name: masked
        params:
          token: {type: string, secret: true, required: true}
          table: {type: string, required: true}
        targets:
          one: {hosts: h01, exactly: 1}
        steps:
          - id: use
            on: one
            run: "curl -H {{ params.token }} http://127.0.0.1/"
          - id: drop
            on: one
            run: "drop-table {{ params.table }}"
        """

    private func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("warden-secret-key-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private func keyError(_ directory: String) -> SecretDigestKeyError? {
        do throws(SecretDigestKeyError) {
            _ = try SecretDigestKey.openOrCreate(directory: directory)
            return nil
        } catch {
            return error
        }
    }

    private func plan(token: String, table: String, key: SecretDigestKey) async throws -> Plan {
        let runbook = try RunbookFixtures.load(Self.runbook)
        let binding = try ParameterBinding.bind(runbook, given: [("table", table)], file: ["token": .string(token)])
        let context = try EngineContext(runbook: runbook, parameters: binding, targets: ["one": [InventoryHost.local("h01", stateFolder: nil)]])
        return await Planner.plan(context: context, transport: nil, secretKey: key)
    }

    @Test func theDigestIsKeyedByTheKeyFile() throws {
        let first = try folder(), second = try folder()
        defer {
            try? FileManager.default.removeItem(atPath: first)
            try? FileManager.default.removeItem(atPath: second)
        }
        let key = try SecretDigestKey.openOrCreate(directory: first)
        let again = try SecretDigestKey.openOrCreate(directory: first)
        let other = try SecretDigestKey.openOrCreate(directory: second)
        let digest = key.digest(of: .string("hunter2"), parameter: "token")
        // The same key file: the same digest, in this process or the next.
        #expect(again.id == key.id)
        #expect(again.digest(of: .string("hunter2"), parameter: "token") == digest)
        // Another key, another value, another parameter: another digest.
        #expect(other.id != key.id)
        #expect(other.digest(of: .string("hunter2"), parameter: "token") != digest)
        #expect(key.digest(of: .string("hunter3"), parameter: "token") != digest)
        #expect(key.digest(of: .string("hunter2"), parameter: "password") != digest)
        #expect(digest.hasPrefix("hmac-sha256:") && digest.count == "hmac-sha256:".count + 64)
        #expect(!digest.contains("hunter2"))
        // The file: the owner's alone, 32 random bytes, named for the owner.
        var info = stat()
        #expect(lstat(key.path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(info.st_uid == geteuid() && key.owner == geteuid())
        #expect(info.st_size == 32)
        #expect(key.path == (first as NSString).appendingPathComponent("secret-digest-\(geteuid()).key"))
        // A resume finds the run's key by its owner, and is never given a new one.
        #expect(try SecretDigestKey.open(directory: first, owner: key.owner).id == key.id)
        let empty = try folder()
        defer { try? FileManager.default.removeItem(atPath: empty) }
        #expect { try SecretDigestKey.open(directory: empty, owner: key.owner) } throws: { ($0 as? SecretDigestKeyError)?.kind == .missing }
        #expect(!FileManager.default.fileExists(atPath: (empty as NSString).appendingPathComponent(SecretDigestKey.fileName(owner: key.owner))))
    }

    @Test func aKeyOthersCouldKnowIsRefused() throws {
        let name = SecretDigestKey.fileName(owner: UInt32(geteuid()))
        // A link planted at the key's name: not followed, its target untouched.
        let planted = try folder()
        defer { try? FileManager.default.removeItem(atPath: planted) }
        let target = (planted as NSString).appendingPathComponent("elsewhere")
        #expect(symlink(target, (planted as NSString).appendingPathComponent(name)) == 0)
        #expect(keyError(planted)?.description.contains("is a symbolic link to \(target)") == true, "\(keyError(planted)?.description ?? "")")
        #expect(keyError(planted)?.kind == .untrusted)
        #expect(!FileManager.default.fileExists(atPath: target))
        // A key others can read: they could test guesses against the journal's digests.
        let readable = try folder()
        defer { try? FileManager.default.removeItem(atPath: readable) }
        let key = try SecretDigestKey.openOrCreate(directory: readable)
        #expect(chmod(key.path, 0o640) == 0)
        #expect(keyError(readable)?.description.contains("can be read by others (mode 640)") == true, "\(keyError(readable)?.description ?? "")")
        #expect(keyError(readable)?.kind == .untrusted)
        // A second name for it (a hard link someone made): refused.
        #expect(chmod(key.path, 0o600) == 0)
        #expect(link(key.path, (readable as NSString).appendingPathComponent("copy")) == 0)
        #expect(keyError(readable)?.description.contains("not a regular file with a single name") == true, "\(keyError(readable)?.description ?? "")")
        #expect(keyError(readable)?.kind == .untrusted)
        // A short file, as a Warden that died while making it leaves.
        let short = try folder()
        defer { try? FileManager.default.removeItem(atPath: short) }
        let path = (short as NSString).appendingPathComponent(name)
        #expect(FileManager.default.createFile(atPath: path, contents: Data([1, 2, 3]), attributes: [.posixPermissions: 0o600]))
        #expect(keyError(short)?.description.contains("is shorter than a key") == true, "\(keyError(short)?.description ?? "")")
        #expect(keyError(short)?.kind == .wrongSize)
    }

    @Test(.enabled(if: getuid() == 0, "needs root to give the file to another user"))
    func aKeySomeoneElseMadeIsRefused() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = (directory as NSString).appendingPathComponent(SecretDigestKey.fileName(owner: UInt32(geteuid())))
        #expect(FileManager.default.createFile(atPath: path, contents: Data(repeating: 7, count: 32), attributes: [.posixPermissions: 0o600]))
        #expect(chown(path, 65534, 65534) == 0)
        #expect(keyError(directory)?.description.contains("belongs to user 65534") == true, "\(keyError(directory)?.description ?? "")")
        #expect(keyError(directory)?.kind == .untrusted)
    }

    @Test func thePlanHashBindsTheSecretsValueAndNeverHoldsIt() async throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let key = try SecretDigestKey.openOrCreate(directory: directory)
        let first = try await plan(token: "hunter2", table: "orders", key: key)
        let again = try await plan(token: "hunter2", table: "orders", key: key)
        let other = try await plan(token: "hunter3", table: "orders", key: key)
        #expect(first.hash == again.hash)
        #expect(first.hash != other.hash, "an approval for one value of the secret would hold for another")
        #expect(first.secretKey == PlanSecretKey(owner: key.owner, id: key.id))
        let token = try #require(first.parameters.first { $0.name == "token" })
        #expect(token.value == "<secret>" && token.digest == key.digest(of: .string("hunter2"), parameter: "token"))
        #expect(first.parameters.first { $0.name == "table" }?.digest == nil)
        #expect(first.secretMasks == nil)
        // What is shown and journaled: the plan as JSON, and the run's record in the journal.
        let json = String(decoding: try JSONEncoder().encode(first), as: UTF8.self)
        #expect(!json.contains("hunter2"))
        #expect(try JSONDecoder().decode(Plan.self, from: Data(json.utf8)).parameters.first?.digest == token.digest)
        let runbook = try RunbookFixtures.load(Self.runbook)
        let binding = try ParameterBinding.bind(runbook, given: [("table", "orders")], file: ["token": .string("hunter2")])
        let journal = try Journal(directory: directory)
        try await journal.begin(JournalRun(id: "r1", runbook: "masked", file: "rb.yaml", initiator: "alice", controller: "bastion:1",
                                           planHash: first.hash, parameters: binding.journalText(for: runbook), plan: json))
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(name))
            #expect(bytes.range(of: Data("hunter2".utf8)) == nil, "\(name) holds the secret")
        }
        // Another key (another user, another state folder): another hash for the same value.
        let elsewhere = try folder()
        defer { try? FileManager.default.removeItem(atPath: elsewhere) }
        let theirs = try await plan(token: "hunter2", table: "orders", key: try SecretDigestKey.openOrCreate(directory: elsewhere))
        #expect(theirs.hash != first.hash)
    }

    @Test func thePlanSaysWhereItMasksTextThatIsNoSecret() async throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let key = try SecretDigestKey.openOrCreate(directory: directory)
        let plan = try await plan(token: "orders_prod", table: "orders_prod", key: key)
        #expect(plan.parameters.map(\.value) == ["<secret>", "<secret>"])
        #expect(plan.steps.map { $0.hosts.first?.command } == ["curl -H <secret> http://127.0.0.1/", "drop-table <secret>"])
        // The table is named; the step that uses the secret as a secret is not.
        #expect(plan.secretMasks == [
            PlanSecretMask(parameter: "table", whole: true, secrets: ["token"]),
            PlanSecretMask(step: "drop", hosts: ["h01"], secrets: ["token"]),
        ])
        let partly = try await self.plan(token: "orders_prod", table: "orders_prod_old", key: key)
        #expect(partly.parameters.map(\.value) == ["<secret>", "<secret>_old"])
        #expect(partly.secretMasks?.first == PlanSecretMask(parameter: "table", whole: false, secrets: ["token"]))
    }
}
