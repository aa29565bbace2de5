import Foundation
import Testing
import WardenCore
import WardenTesting

/// `/metrics`: every family the daemon describes, bounded labels (never a run
/// id or a host name), and a token when the config asks for one.
@Suite("Metrics")
struct MetricsTests {
    static let families = [
        "warden_runs_started_total", "warden_runs_finished_total", "warden_run_duration_seconds", "warden_runs_active",
        "warden_approvals_pending", "warden_host_commands_total", "warden_host_failures_total", "warden_journal_append_seconds",
        "warden_http_requests_total", "warden_build_info",
    ]

    /// The value of the sample `series` (name and labels as written) in `text`.
    static func sample(_ series: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    @Test func everyFamilyIsExposedAfterARunWithoutRunIdsOrHostNames() async throws {
        try await ServeHarness.with { harness, api in
            let succeeded = try await api.start("restart", params: ["host": "db1"])
            try await harness.finish(succeeded)
            harness.transport.on(.equals("restart db"), host: "db2", reply: .exit(1, stderr: "no\n"))
            let failed = try await api.start("restart", params: ["host": "db2"])
            try await harness.finish(failed)
            let gated = try await api.start("rebalance")
            try await harness.awaitGate(of: gated)
            _ = try await api.get("/api/v1/runs/\(succeeded)")

            let reply = try await api.get("/metrics", as: nil)
            #expect(reply.code == 200, "\(reply)")
            #expect(reply[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let text = reply.text
            for family in Self.families {
                #expect(text.contains("# TYPE \(family) "), "\(family) missing from:\n\(text)")
            }
            #expect(Self.sample(#"warden_runs_started_total{runbook="restart",trigger="api"}"#, in: text) == 2, "\(text)")
            #expect(Self.sample(#"warden_runs_finished_total{runbook="restart",outcome="succeeded"}"#, in: text) == 1, "\(text)")
            #expect(Self.sample(#"warden_runs_finished_total{runbook="restart",outcome="failed"}"#, in: text) == 1, "\(text)")
            #expect(Self.sample("warden_runs_active", in: text) == 1, "\(text)")
            #expect(Self.sample("warden_approvals_pending", in: text) == 1, "\(text)")
            #expect(Self.sample(#"warden_host_failures_total{kind="nonzero"}"#, in: text) == 1, "\(text)")
            #expect(Self.sample(#"warden_host_commands_total{outcome="failed"}"#, in: text) == 1, "\(text)")
            #expect((Self.sample(#"warden_host_commands_total{outcome="ok"}"#, in: text) ?? 0) >= 1, "\(text)")
            #expect(Self.sample(#"warden_build_info{version="\#(WardenVersion.current)"}"#, in: text) == 1, "\(text)")
            #expect((Self.sample("warden_journal_append_seconds_count", in: text) ?? 0) > 0, "\(text)")
            #expect(text.contains("warden_http_requests_total{"), "\(text)")
            // Bounded labels: no run id, no host, no token name.
            for unbounded in [succeeded, failed, gated, "meta1", "db1", "db2", "olga", "vera"] {
                #expect(!text.contains(unbounded), "\(unbounded) is in the metrics:\n\(text)")
            }
        }
    }

    @Test func requestsAreCountedByRouteTemplateNotByPath() async throws {
        try await ServeHarness.with { _, api in
            for id in ["a", "b", "c"] { _ = try await api.get("/api/v1/runs/\(id)") }
            for path in ["/x1", "/x2"] { _ = try await api.get(path) }
            let text = try await api.get("/metrics", as: nil).text
            let runDetail = text.split(separator: "\n").filter { $0.hasPrefix("warden_http_requests_total{") && $0.contains("code=\"404\"") }
            #expect(runDetail.contains { $0.contains("{id}") || $0.contains(":id") }, "\(text)")
            #expect(!text.contains("/x1") && !text.contains("/api/v1/runs/a"), "\(text)")
            // The two unknown paths share one series.
            #expect(runDetail.contains { !$0.contains("{id}") && $0.hasSuffix(" 2") }, "\(text)")
            #expect(runDetail.contains { $0.contains("{id}") && $0.hasSuffix(" 3") }, "\(text)")
        }
    }

    @Test func metricsNeedAViewerTokenWhenTheConfigSaysSo() async throws {
        var options = ServeHarness.Options()
        options.metricsNeedToken = true
        try await ServeHarness.with(options) { _, api in
            let anonymous = try await api.get("/metrics", as: nil)
            #expect(anonymous.code == 401, "\(anonymous)")
            #expect(anonymous[.wwwAuthenticate] == "Bearer realm=\"warden\"")
            #expect(try await api.get("/metrics", as: .alerts).code == 403)
            for caller in [Caller.viewer, .operator, .approver, .admin] {
                let reply = try await api.get("/metrics", as: caller)
                #expect(reply.code == 200, "\(caller): \(reply)")
                #expect(reply.text.contains("warden_build_info"))
            }
        }
    }
}
