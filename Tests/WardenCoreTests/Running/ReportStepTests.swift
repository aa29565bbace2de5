import Foundation
import Testing
@testable import WardenCore

/// `report` steps: a Markdown text and a JSON document made on the controller
/// from what the run found, written into the run's artifact folder with
/// secrets masked; the plan says what it will write and sends nothing.
@Suite("Report steps")
struct ReportStepTests {
    static let runbook = """
        name: audit
        params:
          dir: {type: string}
          table: {type: string, default: orders}
          token: {type: string, secret: true}
        targets:
          admin: {hosts: a1, exactly: 1}
        steps:
          - id: figures
            on: admin
            check: "printf 'verdict: accept\\nsize_gb: 12.5\\nnote: fine\\n'"
            parse: kv
          - id: report
            report:
              name: intake-{{ params.table }}
              markdown: |
                # Intake of {{ params.table }}

                Verdict: **{{ steps.figures.result.verdict }}**, {{ steps.figures.result.size_gb }} GB.
                {{ steps.figures.result.note }}; asked with {{ params.token }}
              json: steps.figures.result
        """

    @Test func aReportIsWrittenIntoTheArtifactFolderWithSecretsMasked() async throws {
        let scene = try ShellScene(Self.runbook.replacingOccurrences(of: "intake-{{ params.table }}", with: "intake"), targets: ["admin": ["a1"]],
                                   params: [("token", "s3cr3t-t0ken")])
        defer { scene.remove() }
        let plan = await scene.plan()
        let planned = try #require(plan.steps.first { $0.id == "report" })
        #expect(planned.summary.contains("writes intake.md and intake.json into the run's artifact folder"), "\(planned.summary)")
        #expect(planned.hosts.isEmpty)

        let report = await scene.run()
        #expect(report.status == .succeeded, "\(report.reason ?? "")")
        let markdown = try #require(scene.read("artifacts/intake.md"))
        #expect(markdown.hasPrefix("# Intake of orders\n\nVerdict: **accept**, 12.5 GB.\n"), "\(markdown)")
        #expect(!markdown.contains("s3cr3t-t0ken") && markdown.contains("<secret>"), "\(markdown)")
        let json = try #require(scene.read("artifacts/intake.json"))
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(decoded["verdict"] as? String == "accept", "\(json)")
        #expect(decoded["size_gb"] as? Double == 12.5, "\(json)")
        #expect(!json.contains("s3cr3t-t0ken"))
        let attributes = try FileManager.default.attributesOfItem(atPath: scene.folder + "/artifacts/intake.md")
        #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o077 } == 0, "the report is the initiator's alone")
        #expect(report.steps.last?.summary.contains("/artifacts/intake.md (") == true, "\(report.steps.last?.summary ?? "")")
    }

    @Test func aReportThatReadsWhatTheRunDidNotFindFailsItsStepSayingWhere() async throws {
        let yaml = Self.runbook.replacingOccurrences(of: "intake-{{ params.table }}", with: "intake")
            .replacingOccurrences(of: "{{ steps.figures.result.size_gb }}", with: "{{ steps.figures.result.size_tb }}")
        let scene = try ShellScene(yaml, targets: ["admin": ["a1"]], params: [("token", "s3cr3t-t0ken")])
        defer { scene.remove() }
        let report = await scene.run()
        #expect(report.status == .failed)
        #expect(report.steps.last?.summary.contains("the report cannot be made") == true, "\(report.steps.last?.summary ?? "")")
        #expect(report.steps.last?.summary.contains("size_tb") == true, "\(report.steps.last?.summary ?? "")")
    }

    @Test(arguments: [
        ("report: {markdown: x}", "report needs 'name'"),
        ("report: {name: ../etc/x, markdown: x}", "must be a file name"),
        ("report: {name: x}", "report needs 'markdown' or 'json'"),
        ("report: {name: x, markdown: \"{{ host.name }}\"}", "'host' is not available in the markdown of step 'r'"),
        ("report: {name: x, json: \"steps.later.result\"}", "unknown step 'later'"),
        ("report: {name: x, markdwn: y}", "unknown key 'markdwn' in report"),
    ])
    func mistakesAreReportedWhereTheyAre(step: String, message: String) {
        let errors = RunbookFixtures.errors("""
            name: audit
            targets: {admin: {hosts: a1}}
            steps:
              - id: r
                \(step)
            """)
        #expect(errors.contains { $0.contains(message) }, "\(errors)")
    }
}
