import Foundation
import Testing
import WardenCore
import WardenTesting

extension ServeLive {
    /// What the daemon is told and whom it believes: its config checked at start, on SIGHUP and by
    /// --check-config, its token file's safety, trusted proxies, TLS.
    @Suite("Configuration")
    struct Configuration {
        /// A private folder for a site with no fleet: an inventory that loads (nobody connects to it).
        private func withSite<T>(extra: String = "", _ body: (ServeSite) async throws -> T) async throws -> T {
            let parent = FileManager.default.temporaryDirectory.appendingPathComponent("warden-serve-test-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            defer { try? FileManager.default.removeItem(atPath: parent) }
            let inventory = (parent as NSString).appendingPathComponent("inventory.yaml")
            try "hosts:\n  admin1:\n    address: 127.0.0.1\n    groups: [pegasus-admin]\n".write(toFile: inventory, atomically: true, encoding: .utf8)
            let site = try ServeSite(in: parent, inventories: ["site": inventory], extra: extra)
            return try await body(site)
        }

        @Test func aTokenFileOthersMayReadIsRefusedAtStartAndCheckConfigNamesWhereABadConfigIsWrong() async throws {
            try await withSite { site in
                try await site.addToken("alice", roles: ["viewer"])
                let good = try await warden(["serve", "--check-config", site.configPath], limit: .seconds(60))
                #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
                #expect(good.stdout.contains("\(site.configPath): valid"), "\(good.stdout)")
                #expect(good.stdout.contains("pegasus-rebalance"), "the catalog is listed: \(good.stdout)")

                // An unknown key, four lines down: named with its line and column, and what was meant.
                let bad = (site.folder as NSString).appendingPathComponent("bad.yaml")
                try site.configText.replacingOccurrences(of: "tokens:", with: "tokns:").write(toFile: bad, atomically: true, encoding: .utf8)
                let line = site.configText.components(separatedBy: "\n").firstIndex { $0.hasPrefix("tokens:") }.map { $0 + 1 } ?? 0
                let refused = try await warden(["serve", "--check-config", bad], limit: .seconds(60))
                #expect(refused.status == 2, "\(refused.stdout)\(refused.stderr)")
                #expect(refused.stderr.contains("\(bad):\(line):1"), "\(refused.stderr)")
                #expect(refused.stderr.contains("unknown key 'tokns'") && refused.stderr.contains("did you mean 'tokens'?"), "\(refused.stderr)")

                // A token file group and others may read: refused before listening, naming the file.
                chmod(site.tokensPath, 0o644)
                let started = try await warden(["serve", "--config", site.configPath], limit: .seconds(60))
                #expect(started.status == 2, "\(started.stdout)\(started.stderr)")
                #expect(started.stderr.contains(site.tokensPath), "\(started.stderr)")
                let checked = try await warden(["serve", "--check-config", site.configPath], limit: .seconds(60))
                #expect(checked.status == 2 && checked.stderr.contains(site.tokensPath), "\(checked.stdout)\(checked.stderr)")
            }
        }

        @Test func aPortAnotherProcessHoldsIsAFailureToStartNamingTheAddress() async throws {
            try await withSite { site in
                try await site.addToken("viewer", roles: ["viewer"])
                let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
                defer { close(holder) }
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_port = in_port_t(UInt16(site.port).bigEndian)
                inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
                let bound = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(holder, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
                try #require(bound == 0 && listen(holder, 1) == 0, "could not hold port \(site.port)")
                let refused = try await warden(["serve", "--config", site.configPath], limit: .seconds(60))
                #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
                #expect(refused.stderr.contains("warden serve: cannot listen on 127.0.0.1:\(site.port): "), "\(refused.stderr)")
                #expect(refused.stderr.contains("Address already in use"), "\(refused.stderr)")
            }
        }

        /// Two tests that picked one port: the daemon that lost it is not taken for the one that
        /// has it (its tokens would be unknown there: 401 for everything), and moves to another.
        @Test func aDaemonWhosePortAnotherTestsDaemonHoldsIsNotTakenForIt() async throws {
            try await withSite { first in
                try await first.addToken("ada", roles: ["viewer"])
                let holder = try await first.start()
                try await withSite { second in
                    try await second.addToken("bea", roles: ["viewer"])
                    second.port = first.port
                    let serve = try await second.start()
                    #expect(second.port != first.port, "the second daemon moved to another port")
                    let status = try await second.api("bea").get("/api/v1/status")
                    #expect(status.status == 200, "\(status)")
                    _ = try await serve.terminate()
                }
                _ = try await holder.terminate()
            }
        }

        @Test func aProxyHeaderIsBelievedOnlyFromAConfiguredProxyAddress() async throws {
            let elsewhere = "proxy:\n  addresses: [10.11.12.13]\n  header: X-Forwarded-User\n  users:\n    carol: [viewer]\n"
            try await withSite(extra: elsewhere) { site in
                try await site.addToken("admin", roles: ["admin"])
                let serve = try await site.start()
                let anonymous = site.api(nil)
                let ignored = try await anonymous.get("/api/v1/status", headers: ["X-Forwarded-User": "carol"])
                #expect(ignored.status == 401, "\(ignored)")
                try await serve.waitForOutput(containing: "ignored an identity header from a peer that is not a trusted proxy")

                // The proxy is this machine's loopback now; a reload makes it trusted.
                site.extra = elsewhere.replacingOccurrences(of: "10.11.12.13", with: "127.0.0.1")
                try site.writeConfig()
                let reloaded = try await site.api("admin").post("/api/v1/reload")
                #expect(reloaded.status == 200, "\(reloaded)")
                let believed = try await anonymous.get("/api/v1/status", headers: ["X-Forwarded-User": "carol"])
                #expect(believed.status == 200, "\(believed)")
                #expect(try believed.json()["identity"] as? String == "carol")
                // With the roles proxy.users gives: a viewer reads but may not plan.
                let planned = try await anonymous.post("/api/v1/plans", json: ["runbook": "pegasus-inspect", "inventory": "site"],
                                                       headers: ["X-Forwarded-User": "carol"])
                #expect(planned.status == 403, "\(planned)")
                #expect(planned.errorMessage?.contains("carol (roles: viewer) may not plan") == true, "\(planned)")
                // A user the config gives no roles is nobody.
                let stranger = try await anonymous.get("/api/v1/status", headers: ["X-Forwarded-User": "mallory"])
                #expect(stranger.status == 401, "\(stranger)")

                let (status, log) = try await serve.terminate()
                #expect(status == 0, "\(log)")
            }
        }

        @Test func sighupWithABrokenConfigKeepsTheOldOneAndSaysWhyUntilAFixedOneIsLoaded() async throws {
            try await withSite { site in
                try await site.addToken("viewer", roles: ["viewer"])
                let serve = try await site.start()
                let api = site.api("viewer")
                #expect(try await api.status()["reload_failure"] == nil)
                let good = site.configText

                try (good + "runs:\n  grace_priod: 10s\n").write(toFile: site.configPath, atomically: true, encoding: .utf8)
                serve.hangUp()
                var failure = ""
                try await poll("the failed reload shown at /api/v1/status") {
                    failure = try await api.status()["reload_failure"] as? String ?? ""
                    return !failure.isEmpty
                }
                #expect(failure.contains("unknown key 'grace_priod'") && failure.contains("did you mean 'grace_period'?"), "\(failure)")
                // Still serving, on the config it had.
                let runbooks = try await api.get("/api/v1/runbooks")
                #expect(runbooks.status == 200 && runbooks.text.contains("pegasus-rebalance"), "\(runbooks)")

                // Fixed, with a change to see: a second inventory.
                site.inventories["second"] = site.inventories["site"]
                try site.writeConfig()
                serve.hangUp()
                try await poll("the fixed config loaded") {
                    let inventories = try await api.get("/api/v1/inventories").json()["inventories"] as? [[String: Any]] ?? []
                    return inventories.contains { $0["name"] as? String == "second" }
                }
                #expect(try await api.status()["reload_failure"] == nil)
                #expect(!serve.hasEnded)

                let (status, log) = try await serve.terminate()
                #expect(status == 0, "\(log)")
                #expect(log.contains("SIGHUP: the config does not validate"), "\(log)")
            }
        }

        @Test func withACertificateItAnswersOverHTTPSAndNotOverPlainHTTP() async throws {
            try await withSite { site in
                let certificate = (site.folder as NSString).appendingPathComponent("cert.pem")
                let key = (site.folder as NSString).appendingPathComponent("key.pem")
                let made = try await runProcess("/usr/bin/openssl", ["req", "-x509", "-newkey", "ed25519", "-keyout", key, "-out", certificate,
                                                                     "-days", "2", "-nodes", "-subj", "/CN=127.0.0.1",
                                                                     "-addext", "subjectAltName=IP:127.0.0.1"])
                #expect(made.status == 0, "\(made.stderr)")
                site.extra = "tls:\n  certificate: \(certificate)\n  key: \(key)\n"
                let token = try await site.addToken("viewer", roles: ["viewer"])
                func curl(_ url: String, _ extra: [String] = []) async throws -> ProcessOutput {
                    try await runProcess("/usr/bin/curl", ["--silent", "--show-error", "--max-time", "20", "--cacert", certificate] + extra + [url])
                }
                let serve = try await site.start { port in
                    (try? await runProcess("/usr/bin/curl", ["--silent", "--fail", "--max-time", "5", "--cacert", certificate,
                                                             "https://127.0.0.1:\(port)/healthz"]))?.status == 0
                }
                let status = try await curl("https://127.0.0.1:\(site.port)/api/v1/status", ["--header", "Authorization: Bearer \(token)"])
                #expect(status.status == 0, "\(status.stderr)")
                #expect(status.stdout.contains("\"identity\" : \"viewer\"") || status.stdout.contains("\"identity\":\"viewer\""), "\(status.stdout)")
                // Plain HTTP on the same port gets no answer.
                let plain = try await curl("http://127.0.0.1:\(site.port)/healthz")
                #expect(plain.status != 0, "plain HTTP answered: \(plain.stdout)")
                #expect(!plain.stdout.contains("ok"), "\(plain.stdout)")

                let (exit, log) = try await serve.terminate()
                #expect(exit == 0, "\(log)")
            }
        }
    }
}
