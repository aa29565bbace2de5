import Foundation
import Testing
@testable import WardenCore
import WardenTesting

/// Reading `~/.ssh/config` as ssh does for the options Warden honours, the
/// warnings for the ones it refuses, located errors, includes, and noise.
@Suite struct OpenSSHConfigTests {
    /// No such folder: includes relative to it find nothing unless a test makes them.
    static let home = "/nonexistent-warden-home"

    private func config(_ text: String, home: String = Self.home) throws -> OpenSSHConfig {
        try OpenSSHConfig.parse(text, file: "cfg", home: home)
    }

    private func settings(_ text: String, _ alias: String, localUser: String = "me") throws -> SSHConfigHostSettings {
        try config(text).settings(for: alias, home: "/home/op", localUser: localUser)
    }

    private func failure(_ text: String, home: String = Self.home) -> OpenSSHConfigError? {
        do {
            let parsed = try OpenSSHConfig.parse(text, file: "cfg", home: home)
            Issue.record("parsed: \(parsed.entries)")
            return nil
        } catch {
            return error
        }
    }

    // MARK: Hosts and patterns

    @Test func anAliasGetsItsBlock() throws {
        let text = """
            Host web
              HostName 10.0.0.5
              User deploy
              Port 2222
              IdentityFile ~/.ssh/web_key
              CertificateFile ~/.ssh/web_key-cert.pub

            Host db
              HostName db.internal
            """
        #expect(try settings(text, "web") == SSHConfigHostSettings(
            hostName: "10.0.0.5", user: "deploy", port: 2222, identityFiles: ["/home/op/.ssh/web_key"],
            certificateFiles: ["/home/op/.ssh/web_key-cert.pub"]))
        #expect(try settings(text, "db") == SSHConfigHostSettings(hostName: "db.internal"))
        #expect(try settings(text, "cache") == SSHConfigHostSettings())
        // ssh lowercases the host it is given; patterns are matched the same way.
        #expect(try settings(text, "WEB").hostName == "10.0.0.5")
    }

    @Test func aHostLineHoldsSeveralPatterns() throws {
        let text = "Host web db\n  User ops\n"
        #expect(try settings(text, "web").user == "ops")
        #expect(try settings(text, "db").user == "ops")
        #expect(try settings(text, "webdb").user == nil)
    }

    @Test(arguments: [
        ("web-*", "web-1", true), ("web-*", "web-", true), ("web-*", "db-1", false),
        ("db-?", "db-1", true), ("db-?", "db-10", false), ("db-?", "db-", false),
        ("*", "anything", true), ("*.prod.example", "a.b.prod.example", true), ("*.prod.example", "prod.example", false),
        ("a*b*c", "aXXbYYc", true), ("a*b*c", "aXXcYYb", false), ("??", "ab", true), ("??", "abc", false),
    ])
    func wildcards(pattern: String, alias: String, matches: Bool) throws {
        #expect(try settings("Host \(pattern)\n  User u\n", alias).user == (matches ? "u" : nil))
    }

    @Test func aNegatedMatchExcludesTheBlock() throws {
        let text = """
            Host *.prod !bastion.prod
              ProxyJump bastion.prod
            Host !lonely
              User never
            """
        #expect(try settings(text, "app.prod").proxyJump == [SSHConfigJump(host: "bastion.prod")])
        #expect(try settings(text, "bastion.prod").proxyJump == nil)
        // A line of negations alone matches nothing, as in ssh.
        #expect(try settings(text, "other").user == nil)
        #expect(try settings(text, "lonely").user == nil)
    }

    @Test func theFirstValueWins() throws {
        let text = """
            User top
            Host web-1
              Port 2201
            Host web-*
              HostName %h.example.com
              Port 22
            Host *
              HostName fallback
              Port 2200
              User nobody
            """
        #expect(try settings(text, "web-1") == SSHConfigHostSettings(hostName: "web-1.example.com", user: "top", port: 2201))
        #expect(try settings(text, "web-2") == SSHConfigHostSettings(hostName: "web-2.example.com", user: "top", port: 22))
        #expect(try settings(text, "db") == SSHConfigHostSettings(hostName: "fallback", user: "top", port: 2200))
    }

    @Test func identityAndCertificateFilesAccumulate() throws {
        let text = """
            IdentityFile /keys/global
            Host web-*
              IdentityFile /keys/web
              CertificateFile /keys/web-cert.pub
            Host db
              IdentityFile /keys/db
            Host *
              IdentityFile /keys/all
              CertificateFile /keys/all-cert.pub
            """
        let web = try settings(text, "web-1")
        #expect(web.identityFiles == ["/keys/global", "/keys/web", "/keys/all"])
        #expect(web.certificateFiles == ["/keys/web-cert.pub", "/keys/all-cert.pub"])
        #expect(try settings(text, "db").identityFiles == ["/keys/global", "/keys/db", "/keys/all"])
    }

    // MARK: Syntax

    @Test func keywordsIgnoreCaseAndTakeEqualsSigns() throws {
        let text = """
            host=web
              HOSTNAME=web.example.com
              pOrT = 2022
              user= deploy
              IdentityFile =/keys/a
            """
        #expect(try settings(text, "web") == SSHConfigHostSettings(hostName: "web.example.com", user: "deploy", port: 2022,
                                                                   identityFiles: ["/keys/a"]))
    }

    @Test func quotesCommentsAndEscapes() throws {
        let text = """
            # a comment
              # an indented one
            Host "web" # the web tier
              IdentityFile "~/.ssh/my key" # spaces kept
              CertificateFile '/keys/it'"s"' cert'
              HostName web\\ 1
              User "a\\"b"
            """
        let web = try settings(text, "web")
        #expect(web.identityFiles == ["/home/op/.ssh/my key"])
        #expect(web.certificateFiles == ["/keys/its cert"])
        #expect(web.hostName == "web 1")
        #expect(web.user == "a\"b")
        #expect(try settings("Host x\r\n  User crlf\r\n", "x").user == "crlf")
    }

    @Test func tokensAreExpanded() throws {
        let text = """
            Host web
              HostName %h.example.com
              IdentityFile ~/.ssh/%r@%h
              CertificateFile /keys/100%%/%h-cert.pub
            Host *
              User deploy
            """
        let web = try settings(text, "web")
        #expect(web.hostName == "web.example.com")
        // %r is the User found later in the file, not the local user.
        #expect(web.identityFiles == ["/home/op/.ssh/deploy@web"])
        #expect(web.certificateFiles == ["/keys/100%/web-cert.pub"])
        // Without a User, %r is the local user, as ssh's default.
        #expect(try settings("IdentityFile ~/%r", "x", localUser: "alice").identityFiles == ["/home/op/alice"])
    }

    // MARK: ProxyJump

    @Test func proxyJumpLists() throws {
        let text = "Host *\n  ProxyJump alice@bastion:2222,gw,[::1]:22,bob@[fe80::1],fe80::2,x@y@z\n"
        #expect(try settings(text, "web").proxyJump == [
            SSHConfigJump(user: "alice", host: "bastion", port: 2222),
            SSHConfigJump(host: "gw"),
            SSHConfigJump(host: "::1", port: 22),
            SSHConfigJump(user: "bob", host: "fe80::1"),
            SSHConfigJump(host: "fe80::2"),
            SSHConfigJump(user: "x@y", host: "z"),
        ])
        #expect(try settings(text, "web").proxyJump?.map(\.description) == ["alice@bastion:2222", "gw", "[::1]:22", "bob@fe80::1", "fe80::2", "x@y@z"])
    }

    @Test func proxyJumpNoneIsAValueToo() throws {
        let text = """
            Host bastion
              ProxyJump none
            Host *
              ProxyJump bastion
            """
        #expect(try settings(text, "bastion").proxyJump == [])
        #expect(try settings(text, "web").proxyJump == [SSHConfigJump(host: "bastion")])
        #expect(try settings("Host x\n  User u", "x").proxyJump == nil)
        #expect(try settings("ProxyJump NONE", "x").proxyJump == [])
    }

    @Test(arguments: [
        ("ProxyJump ssh://gw:22", "cfg:1:11: ssh:// URIs are not supported in ProxyJump; write [user@]host[:port]"),
        ("ProxyJump gw,ssh://gw", "cfg:1:14: ssh:// URIs are not supported in ProxyJump; write [user@]host[:port]"),
        ("ProxyJump gw:0", "cfg:1:11: ProxyJump port must be a number from 1 to 65535, got '0' in 'gw:0'"),
        ("ProxyJump gw:x", "cfg:1:11: ProxyJump port must be a number from 1 to 65535, got 'x' in 'gw:x'"),
        ("ProxyJump a,,b", "cfg:1:13: empty hop in ProxyJump"),
        ("ProxyJump a,none", "cfg:1:13: 'none' in ProxyJump must stand alone"),
        ("ProxyJump @gw", "cfg:1:11: empty user in ProxyJump hop '@gw'"),
        ("ProxyJump u@:22", "cfg:1:11: no host in ProxyJump hop 'u@:22'"),
        ("ProxyJump [::1", "cfg:1:11: unclosed '[' in ProxyJump hop '[::1'"),
        ("ProxyJump [::1]x", "cfg:1:11: unexpected 'x' after ']' in ProxyJump hop '[::1]x'"),
        ("ProxyJump a b", "cfg:1:13: unexpected 'b' after the value of ProxyJump"),
    ])
    func badProxyJumps(line: String, expected: String) {
        #expect(failure(line)?.description == expected)
    }

    // MARK: Warnings

    @Test func optionsThatWeakenHostKeyChecksAreWarnedAbout() throws {
        let text = """
            Host web
              StrictHostKeyChecking no
              UserKnownHostsFile /dev/null
              GlobalKnownHostsFile /dev/null
              CheckHostIP no
              ProxyCommand ssh -W %h:%p gw
              HostKeyAlias other
              VerifyHostKeyDNS yes
            Host db
              StrictHostKeyChecking accept-new
              StrictHostKeyChecking yes
              VerifyHostKeyDNS ask
              ProxyCommand none
              StrictHostKeyChecking=off
              StrictHostKeyChecking FALSE
              VerifyHostKeyDNS true
            """
        let web = try settings(text, "web")
        #expect(web.warnings.map { "\($0.line) \($0.option)" } == [
            "2 StrictHostKeyChecking", "3 UserKnownHostsFile", "4 GlobalKnownHostsFile", "6 ProxyCommand", "7 HostKeyAlias",
            "8 VerifyHostKeyDNS",
        ])
        #expect(web.warnings.allSatisfy { $0.file == "cfg" })
        #expect(web.warnings.first?.description
            == "cfg:2: warning: StrictHostKeyChecking: 'StrictHostKeyChecking no' is not obeyed: Warden always checks host keys against the inventory's known_hosts or pinned fingerprint")
        #expect(web.warnings[1].message == "not obeyed: Warden uses only the inventory's known_hosts file")
        #expect(web.warnings[3].message == "not run: Warden never runs a local command to connect; use ProxyJump")
        #expect(try settings(text, "db").warnings.map { "\($0.line) \($0.option)" } == ["10 StrictHostKeyChecking", "14 StrictHostKeyChecking", "15 StrictHostKeyChecking", "16 VerifyHostKeyDNS"])
        // Only the blocks that match say anything.
        #expect(try settings(text, "cache").warnings == [])
    }

    @Test func matchBlocksAreSkippedWithAWarning() throws {
        let text = """
            Host web
              User a
            Match host web exec "true"
              User evil
              StrictHostKeyChecking no
              Include /etc/passwd
            Host *
              Port 2
            """
        let expected = SSHConfigWarning(file: "cfg", line: 3, option: "Match",
                                        message: "Match blocks are not evaluated by Warden; its options are ignored")
        #expect(try settings(text, "web") == SSHConfigHostSettings(user: "a", port: 2, warnings: [expected]))
        #expect(try settings(text, "db") == SSHConfigHostSettings(port: 2, warnings: [expected]))
        // Errors inside a Match block still count: ssh refuses them too.
        #expect(failure("Match all\n  Port 99999")?.description == "cfg:2:8: Port must be a number from 1 to 65535, got '99999'")
    }

    // MARK: Errors

    @Test(arguments: [
        ("Host web\n  Port 0", "cfg:2:8: Port must be a number from 1 to 65535, got '0'"),
        ("Port 65536", "cfg:1:6: Port must be a number from 1 to 65535, got '65536'"),
        ("Port +22", "cfg:1:6: Port must be a number from 1 to 65535, got '+22'"),
        ("Port ssh", "cfg:1:6: Port must be a number from 1 to 65535, got 'ssh'"),
        ("Port", "cfg:1:1: Port needs a value"),
        ("  Port 22 23", "cfg:1:11: unexpected '23' after the value of Port"),
        ("Host", "cfg:1:1: Host needs at least one pattern"),
        ("Host # only a comment", "cfg:1:1: Host needs at least one pattern"),
        ("HostName \"web", "cfg:1:10: unterminated quote"),
        ("HostName \"\"", "cfg:1:10: HostName needs a value"),
        ("=web", "cfg:1:1: expected a keyword before '='"),
        ("IdentityFile ~/.ssh/%u", "cfg:1:21: unknown token '%u' in IdentityFile; Warden expands only %h, %r and %%"),
        ("CertificateFile /a/%", "cfg:1:20: '%' at the end of CertificateFile; write %% for a percent sign"),
        ("HostName %r.example", "cfg:1:10: unknown token '%r' in HostName; Warden expands only %h and %%"),
        ("Include", "cfg:1:1: Include needs at least one file"),
        ("Include /etc/*/x", "cfg:1:9: wildcards in Include are supported only in the file name, not in '/etc/*/x'"),
        ("Include /", "cfg:1:9: cannot include '/': it is a folder"),
        ("Include /dev/null", "cfg:1:9: cannot include '/dev/null': not a regular file"),
        ("User ok\nHostName a\u{0}b", "cfg:2:11: NUL byte in the config"),
    ])
    func errorsAreLocated(text: String, expected: String) {
        #expect(failure(text)?.description == expected)
    }

    @Test func aLineTooLongIsRefused() {
        let long = "User ok\nHostName " + String(repeating: "a", count: OpenSSHConfig.maximumLineBytes)
        #expect(failure(long)?.description == "cfg:2:65537: line is longer than 65536 bytes")
        // Just within the limit is fine.
        let fits = "HostName " + String(repeating: "a", count: OpenSSHConfig.maximumLineBytes - 9)
        #expect(throws: Never.self) { try config(fits) }
    }

    // MARK: Files

    @Test func includesAreReadInPlace() throws {
        try withFolder { home in
            try write("\(home)/.ssh/config.d/10-web.conf", "Host web\n  User from-10\n  IdentityFile /keys/10\n")
            try write("\(home)/.ssh/config.d/20-all.conf", "User from-20\nIdentityFile /keys/20\nHost db\n  User db-20\n")
            try write("\(home)/.ssh/config.d/.hidden.conf", "User hidden\n")
            try write("\(home)/.ssh/config.d/notes.txt", "User notes\n")
            try FileManager.default.createDirectory(atPath: "\(home)/.ssh/config.d/folder.conf", withIntermediateDirectories: true)
            try write("\(home)/.ssh/extra", "Port 2022\n")
            try write("\(home)/abs", "Host jump\n  HostName jump.example\n")
            let text = """
                Include config.d/*.conf
                Include extra ~/missing \(home)/abs
                Host web
                  User top
                """
            let parsed = try config(text, home: home)
            #expect(parsed.files == ["cfg", "\(home)/.ssh/config.d/10-web.conf", "\(home)/.ssh/config.d/20-all.conf",
                                     "\(home)/.ssh/extra", "\(home)/abs"])
            let web = parsed.settings(for: "web", home: home, localUser: "me")
            #expect(web == SSHConfigHostSettings(user: "from-10", port: 2022, identityFiles: ["/keys/10", "/keys/20"]))
            // Lines of an included file before its first Host apply as the include's place does (everywhere, here).
            #expect(parsed.settings(for: "cache", home: home, localUser: "me").user == "from-20")
            #expect(parsed.settings(for: "db", home: home, localUser: "me").user == "from-20")
            #expect(parsed.settings(for: "jump", home: home, localUser: "me").hostName == "jump.example")
        }
    }

    @Test func anIncludeInsideAHostBlockIsAsConditionalAsTheBlock() throws {
        try withFolder { home in
            try write("\(home)/.ssh/web", "User web-user\nHost *\n  Port 2200\n")
            let text = """
                Host web-*
                  Include web
                Host *
                  User default
                """
            let parsed = try config(text, home: home)
            #expect(parsed.settings(for: "web-1", home: home, localUser: "me") == SSHConfigHostSettings(user: "web-user", port: 2200))
            // `Host *` inside the included file does not escape the enclosing block.
            #expect(parsed.settings(for: "db", home: home, localUser: "me") == SSHConfigHostSettings(user: "default"))
        }
    }

    @Test func errorsInIncludedFilesNameThatFile() throws {
        try withFolder { home in
            try write("\(home)/.ssh/bad", "Host x\n  Port nope\n")
            #expect(failure("User u\nInclude bad", home: home)?.description
                == "\(home)/.ssh/bad:2:8: Port must be a number from 1 to 65535, got 'nope'")
        }
    }

    @Test func anIncludeLoopIsRefused() throws {
        try withFolder { home in
            try write("\(home)/.ssh/loop", "User u\nInclude loop\n")
            let error = try #require(failure("Include loop", home: home))
            #expect(error.file == "\(home)/.ssh/loop")
            #expect(error.line == 2)
            #expect(error.column == 9)
            #expect(error.message == "Include nested more than 16 deep (does a file include itself?)")
        }
    }

    @Test func loadReadsAFile() throws {
        try withFolder { home in
            try write("\(home)/.ssh/config", "Host web\n  HostName web.example\n  UserKnownHostsFile /dev/null\n")
            let parsed = try OpenSSHConfig.load(path: "\(home)/.ssh/config", home: home)
            let web = parsed.settings(for: "web", home: home, localUser: "me")
            #expect(web.hostName == "web.example")
            #expect(web.warnings == [SSHConfigWarning(file: "\(home)/.ssh/config", line: 3, option: "UserKnownHostsFile",
                                                      message: "not obeyed: Warden uses only the inventory's known_hosts file")])
            do throws(OpenSSHConfigError) {
                _ = try OpenSSHConfig.load(path: "\(home)/nothing", home: home)
                Issue.record("loaded a missing file")
            } catch {
                #expect(error.description == "\(home)/nothing:0:0: cannot read it: No such file or directory")
            }
        }
    }

    // MARK: Noise

    static let sample = """
        # Fleet
        Include config.d/*
        User deploy
        Host web-* !web-bad
          HostName %h.example.com
          Port 2222
          IdentityFile ~/.ssh/%r@%h
          ProxyJump alice@bastion:22,[::1]
        Host "db" = cache
          StrictHostKeyChecking no
          UserKnownHostsFile=/dev/null
        Match exec "true"
          User other
        Host *
          CertificateFile ~/.ssh/id-cert.pub
          ProxyJump none
        """

    static let tokens = [
        "Host", "Match", "Include", "HostName", "User", "Port", "IdentityFile", "CertificateFile", "ProxyJump",
        "StrictHostKeyChecking", "UserKnownHostsFile", "ProxyCommand", "none", "no", " ", "  ", "\t", "=", "\n", "\r\n",
        "\"", "'", "\\", "#", "%", "%h", "%r", "%%", "%u", "*", "?", "!", "~/", "@", ":", ",", "[", "]", "22", "0", "65536",
        "web", "web-*", "é", "😀", "\u{0}", "\u{85}", "\u{2028}", "ssh://", "-1",
    ]

    @Test func noiseNeverCrashes() async throws {
        let seed: UInt64 = ProcessInfo.processInfo.environment["WARDEN_FUZZ_SEED"].flatMap { UInt64($0) } ?? 20_261_121
        print("OpenSSHConfigTests: seed \(seed) (replay with WARDEN_FUZZ_SEED=\(seed))")
        let outcome = try await onDedicatedThread { () -> ([String], Int) in
            var random = SeededGenerator(seed: seed)
            var failures: [String] = []
            var parsed = 0
            for iteration in 0..<2000 where failures.count < 5 {
                let text = Self.candidate(&random)
                do throws(OpenSSHConfigError) {
                    let config = try OpenSSHConfig.parse(text, file: "fuzz", home: Self.home)
                    parsed += 1
                    for alias in ["web-1", "db", "", "x"] {
                        _ = config.settings(for: alias, home: "/home/op", localUser: "me")
                    }
                } catch {
                    // Placed inside the text: its lines, a column from 1.
                    let lines = text.unicodeScalars.filter { $0 == "\n" }.count + 1
                    if error.file == "fuzz", error.line < 1 || error.line > lines || error.column < 1 {
                        failures.append("case \(iteration): \(error) outside the text (\(lines) lines): \(text.debugDescription)")
                    }
                }
            }
            return (failures, parsed)
        }
        print("OpenSSHConfigTests: 2000 configs, \(outcome.1) parsed")
        #expect(outcome.0 == [], "seed \(seed)")
        // Mild mutations of the sample still parse now and then.
        #expect(outcome.1 > 0)
    }

    private static func candidate(_ random: inout SeededGenerator) -> String {
        switch random.below(4) {
        case 0:
            let bytes = (0..<random.below(400)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            return String(decoding: bytes, as: UTF8.self)
        case 1:
            return (0..<random.below(80)).map { _ in tokens[random.below(tokens.count)] }.joined(separator: random.below(2) == 0 ? " " : "")
        default:
            var scalars = Array(sample.unicodeScalars)
            for _ in 0...random.below(4) {
                let index = random.below(scalars.count + 1)
                switch random.below(3) {
                case 0:
                    if index < scalars.count { scalars.remove(at: index) }
                case 1:
                    scalars.insert(contentsOf: tokens[random.below(tokens.count)].unicodeScalars, at: index)
                default:
                    scalars = Array(scalars.prefix(index))
                }
            }
            var text = String.UnicodeScalarView()
            text.append(contentsOf: scalars)
            return String(text)
        }
    }

    // MARK: Helpers

    private func withFolder(_ body: (String) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ssh-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try body(folder)
    }

    private func write(_ path: String, _ text: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }
}
