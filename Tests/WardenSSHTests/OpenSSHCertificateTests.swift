import Foundation
import Testing
@testable import WardenSSH

/// Certificates made by the real ssh-keygen, read back: who, what for and
/// when; plain keys and garbage refused; cut and mangled blobs never crash.
@Suite("Reading OpenSSH certificates")
struct OpenSSHCertificateTests {
    /// A temporary folder with a CA key, and certificates signed by it.
    struct Lab {
        let folder: String

        static func make() async throws -> Lab {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certs-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let lab = Lab(folder: folder)
            try await lab.keygen("-q -t ed25519 -N '' -C ca -f ca")
            return lab
        }

        /// ssh-keygen in the folder, output to files (never pipes: see LocalShell).
        func keygen(_ arguments: String) async throws {
            let result = try await LocalShell.run("cd '\(folder)' && ssh-keygen \(arguments)", shell: "/bin/sh", stdin: [])
            try #require(result.status == 0, "ssh-keygen \(arguments): \(result)")
        }

        /// A new key of `type`, signed by the CA with `options`; the certificate's text.
        func certificate(_ name: String, type: String = "ed25519", options: String) async throws -> String {
            try await keygen("-q -t \(type) -N '' -C \(name)-key -f \(name)")
            try await keygen("-q -s ca \(options) \(name).pub")
            return try String(contentsOfFile: "\(folder)/\(name)-cert.pub", encoding: .utf8)
        }

        func text(_ file: String) throws -> String {
            try String(contentsOfFile: "\(folder)/\(file)", encoding: .utf8)
        }

        func remove() {
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    private static func error(_ text: String) -> OpenSSHCertificateError? {
        do {
            let certificate = try OpenSSHCertificate.parse(text)
            Issue.record("parsed: \(certificate)")
            return nil
        } catch {
            return error
        }
    }

    @Test func aUserCertificateValidNow() async throws {
        let lab = try await Lab.make()
        defer { lab.remove() }
        let text = try await lab.certificate("user", options: "-I keyid -n alice,bob -V +5m -z 42")
        let certificate = try OpenSSHCertificate.parse(text)
        #expect(certificate.keyType == "ssh-ed25519-cert-v01@openssh.com")
        #expect(certificate.kind == .user)
        #expect(certificate.keyID == "keyid")
        #expect(certificate.principals == ["alice", "bob"])
        #expect(certificate.serial == 42)
        #expect(certificate.comment == "user-key")
        #expect(certificate.validity(at: Date()) == .valid)
        // ssh-keygen starts a relative validity a minute back, to the minute.
        let now = UInt64(Date().timeIntervalSince1970)
        #expect(certificate.validAfter <= now && certificate.validAfter + 130 >= now)
        #expect(certificate.validBefore > now + 240 && certificate.validBefore <= now + 300)
        #expect(certificate.validity(at: Date(timeIntervalSince1970: TimeInterval(certificate.validBefore)))
            == .expired(at: Date(timeIntervalSince1970: TimeInterval(certificate.validBefore))))
        #expect(certificate.validity(at: Date(timeIntervalSince1970: TimeInterval(certificate.validAfter))) == .valid)
        #expect(try OpenSSHCertificate.load(path: "\(lab.folder)/user-cert.pub") == certificate)
    }

    @Test func anExpiredCertificate() async throws {
        let lab = try await Lab.make()
        defer { lab.remove() }
        let certificate = try OpenSSHCertificate.parse(try await lab.certificate("old", options: "-I old -n alice -V 20200101:20200102"))
        // ssh-keygen reads the dates in local time: a day apart, early 2020, whatever the zone.
        #expect(certificate.validBefore - certificate.validAfter == 86_400)
        #expect(certificate.validAfter > 1_577_700_000 && certificate.validAfter < 1_578_000_000)
        let end = Date(timeIntervalSince1970: TimeInterval(certificate.validBefore))
        #expect(certificate.validity(at: Date()) == .expired(at: end))
        #expect(certificate.validity(at: end.addingTimeInterval(-1)) == .valid)
    }

    @Test func aCertificateNotYetValid() async throws {
        let lab = try await Lab.make()
        defer { lab.remove() }
        let certificate = try OpenSSHCertificate.parse(try await lab.certificate("later", options: "-I later -n alice -V +1d:+2d"))
        let start = Date(timeIntervalSince1970: TimeInterval(certificate.validAfter))
        #expect(certificate.validity(at: Date()) == .notYetValid(from: start))
        #expect(start.timeIntervalSinceNow > 86_000)
    }

    @Test func aHostCertificateValidForever() async throws {
        let lab = try await Lab.make()
        defer { lab.remove() }
        let certificate = try OpenSSHCertificate.parse(try await lab.certificate("host", options: "-h -I web-1 -n web-1.example,10.0.0.5"))
        #expect(certificate.kind == .host)
        #expect(certificate.keyID == "web-1")
        #expect(certificate.principals == ["web-1.example", "10.0.0.5"])
        #expect(certificate.validAfter == 0)
        #expect(certificate.validBefore == UInt64.max)
        #expect(certificate.validity(at: Date()) == .valid)
        #expect(certificate.validity(at: .distantPast) == .valid)
        #expect(certificate.validity(at: .distantFuture) == .valid)
        #expect(certificate.validity(at: Date(timeIntervalSince1970: .infinity)) == .valid)
        #expect(certificate.validity(at: Date(timeIntervalSince1970: .nan)) == .valid)
    }

    @Test(arguments: [
        ("ecdsa", "ecdsa-sha2-nistp256-cert-v01@openssh.com", "-b 256"),
        ("ecdsa", "ecdsa-sha2-nistp384-cert-v01@openssh.com", "-b 384"),
        ("ecdsa", "ecdsa-sha2-nistp521-cert-v01@openssh.com", "-b 521"),
        ("rsa", "ssh-rsa-cert-v01@openssh.com", "-b 2048"),
        ("dsa", "ssh-dss-cert-v01@openssh.com", ""),
    ])
    func otherKeyTypes(type: String, expected: String, bits: String) async throws {
        let lab = try await Lab.make()
        defer { lab.remove() }
        let text = try await lab.certificate("key", type: "\(type) \(bits)", options: "-I \(type)-id -n carol -V +5m")
        let certificate = try OpenSSHCertificate.parse(text)
        #expect(certificate.keyType == expected)
        #expect(certificate.keyID == "\(type)-id")
        #expect(certificate.principals == ["carol"])
        #expect(certificate.validity(at: Date()) == .valid)
        // An RSA CA signing, too: the signature key and signature are read as strings whatever their type.
        try await lab.keygen("-q -t rsa -b 2048 -N '' -f rsa-ca")
        try await lab.keygen("-q -s rsa-ca -I by-rsa key.pub")
        let byRSA = try OpenSSHCertificate.parse(try lab.text("key-cert.pub"))
        #expect(byRSA.keyID == "by-rsa")
        #expect(byRSA.principals == [])
    }

    @Test func aPlainPublicKeyIsNotACertificate() async throws {
        let lab = try await Lab.make()
        defer { lab.remove() }
        #expect(Self.error(try lab.text("ca.pub")) == .notACertificate(found: "ssh-ed25519"))
        #expect(Self.error(try lab.text("ca.pub")).map(String.init(describing:))
            == "not an OpenSSH certificate (found 'ssh-ed25519'); give the -cert.pub file that ssh-keygen -s wrote")
        // The private key is no certificate either.
        #expect(Self.error(try lab.text("ca")) == .notACertificate(found: "-----BEGIN"))
    }

    @Test func garbageIsRefused() async throws {
        let lab = try await Lab.make()
        defer { lab.remove() }
        let text = try await lab.certificate("user", options: "-I id -n alice")
        let fields = text.split(separator: " ")
        let type = String(fields[0])
        #expect(Self.error("") == .notACertificate(found: ""))
        #expect(Self.error("\n\n") == .notACertificate(found: ""))
        #expect(Self.error(type) == .malformed("no key data after '\(type)'"))
        #expect(Self.error("\(type) !!!notbase64") == .malformed("the key data is not valid base64"))
        #expect(Self.error("\(type) \(fields[1].dropLast(3))") == .malformed("the key data is not valid base64"))
        // Valid base64 of a cut blob: cut short, said so.
        let blob = try #require(Data(base64Encoded: String(fields[1])))
        guard case .malformed(let reason)? = Self.error("\(type) \(blob.prefix(blob.count - 10).base64EncodedString())") else {
            Issue.record("a cut blob parsed")
            return
        }
        #expect(reason.hasPrefix("cut short: signature needs"))
        // The text and the data must agree on the type.
        #expect(Self.error("ecdsa-sha2-nistp256-cert-v01@openssh.com \(fields[1])")
            == .malformed("the text says 'ecdsa-sha2-nistp256-cert-v01@openssh.com' but the key data says '\(type)'"))
        // Bytes after the signature.
        #expect(Self.error("\(type) \((blob + [0]).base64EncodedString())") == .malformed("1 bytes after the signature"))
        #expect(Self.error(String(repeating: "A", count: 2_000_000)) == .malformed("longer than 1048576 bytes"))
    }

    @Test func securityKeyAndUnknownCertificatesAreUnsupported() {
        var blob: [UInt8] = []
        let type = "sk-ssh-ed25519-cert-v01@openssh.com"
        blob += [0, 0, 0, UInt8(type.utf8.count)] + Array(type.utf8) + Array(repeating: 7, count: 40)
        #expect(Self.error("\(type) \(Data(blob).base64EncodedString())") == .unsupportedType(type))
        #expect(Self.error("ssh-foo-cert-v01@openssh.com AAAA") == .unsupportedType("ssh-foo-cert-v01@openssh.com"))
        #expect(Self.error("ssh-rsa-cert-v00@openssh.com AAAA") == .unsupportedType("ssh-rsa-cert-v00@openssh.com"))
        // The blob's own type decides when the text is right: sk inside, claimed as ed25519 outside.
        #expect(Self.error("ssh-ed25519-cert-v01@openssh.com \(Data(blob).base64EncodedString())") == .unsupportedType(type))
    }

    /// Deterministic noise (SplitMix64) so that a failure replays.
    struct Noise {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }
    }

    @Test func cutAndMangledCertificatesNeverCrash() async throws {
        let lab = try await Lab.make()
        defer { lab.remove() }
        var blobs: [[UInt8]] = []
        for (name, type) in [("ed", "ed25519"), ("ec", "ecdsa"), ("rs", "rsa -b 1024"), ("ds", "dsa")] {
            let text = try await lab.certificate(name, type: type, options: "-I \(name) -n a,b,c -V +1h -O force-command=true")
            let base64 = String(text.split(separator: " ")[1])
            blobs.append([UInt8](try #require(Data(base64Encoded: base64))))
        }
        // Every truncation of every blob throws.
        for blob in blobs {
            for length in 0..<blob.count {
                #expect(throws: OpenSSHCertificateError.self) { try OpenSSHCertificate.parse(blob: Array(blob.prefix(length))) }
            }
            #expect(throws: Never.self) { try OpenSSHCertificate.parse(blob: blob) }
        }
        // Random mutations: flipped bytes (lengths most of all), inserted and removed runs; no crash, whatever the outcome.
        let seed: UInt64 = ProcessInfo.processInfo.environment["WARDEN_FUZZ_SEED"].flatMap { UInt64($0) } ?? 20_261_121
        var noise = Noise(state: seed)
        var outcomes = (parsed: 0, refused: 0)
        for _ in 0..<4000 {
            var blob = blobs[noise.below(blobs.count)]
            for _ in 0...noise.below(4) {
                let index = noise.below(blob.count)
                switch noise.below(4) {
                case 0: blob[index] = UInt8(truncatingIfNeeded: noise.next())
                case 1: blob[index] = [0x00, 0x7f, 0x80, 0xff][noise.below(4)]
                case 2: blob.insert(contentsOf: (0..<noise.below(9)).map { _ in UInt8(truncatingIfNeeded: noise.next()) }, at: index)
                default: blob.removeSubrange(index..<min(blob.count, index + noise.below(9)))
                }
                if blob.isEmpty { blob = [0] }
            }
            let text = noise.below(2) == 0 ? "ssh-ed25519-cert-v01@openssh.com \(Data(blob).base64EncodedString())"
                : String(decoding: blob.prefix(300), as: UTF8.self)
            let attempts: [() throws -> OpenSSHCertificate] = [{ try OpenSSHCertificate.parse(blob: blob) }, { try OpenSSHCertificate.parse(text) }]
            for attempt in attempts {
                do {
                    _ = try attempt().validity(at: Date())
                    outcomes.parsed += 1
                } catch {
                    outcomes.refused += 1
                }
            }
        }
        print("OpenSSHCertificateTests: seed \(seed): \(outcomes.parsed) parsed, \(outcomes.refused) refused")
        #expect(outcomes.refused > 0)
    }
}
