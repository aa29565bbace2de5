import Foundation
import Testing
@testable import WardenCore

/// `max_bytes` and `follow_symlinks` on a `collect` step: what loads, and
/// each mistake reported at its place.
@Suite("collect's max_bytes and follow_symlinks")
struct CollectLimitTests {
    private func runbook(_ settings: String) -> String {
        """
        name: demo
        params:
          cap: {type: int, default: 1000}
        targets: {fleet: fleet}
        steps:
          - id: fetch
            on: fleet
            collect: /var/crash/core.1
        \(settings.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        """
    }

    private func collect(_ settings: String) throws -> CollectSpec {
        let step = try RunbookFixtures.step("fetch", in: RunbookFixtures.load(runbook(settings)))
        guard case let .collect(spec) = step.kind else { throw FixtureError(message: "not a collect step") }
        return spec
    }

    @Test func byDefaultLinksAreRefusedAndOnlyTheListedSizeBoundsAFile() throws {
        let spec = try collect("")
        #expect(spec.maxBytes == nil)
        #expect(spec.followSymlinks == false)
    }

    @Test func aCapIsBytesOrATemplateReadingParameters() throws {
        #expect(try collect("max_bytes: 2_000_000").maxBytes?.text == "2000000")
        #expect(try collect("max_bytes: \"{{ params.cap }}\"").maxBytes?.text == "{{ params.cap }}")
        #expect(try collect("max_bytes: \"{{ max(params.cap, 4096) }}\"\nfollow_symlinks: true").followSymlinks)
    }

    @Test func badCapsAndFlagsAreReportedWhereTheyAreWritten() {
        #expect(RunbookFixtures.errors(runbook("max_bytes: 0")) == [
            "rb.yaml:9:16: error: max_bytes must be an integer, 1 or more, got '0'",
        ])
        #expect(RunbookFixtures.errors(runbook("max_bytes: lots")).first?.hasPrefix(
            "rb.yaml:9:16: error: max_bytes must be a number of bytes above zero, got 'lots'") == true)
        #expect(RunbookFixtures.errors(runbook("max_bytes: [1]")).first?.hasPrefix(
            "rb.yaml:9:16: error: max_bytes must be a number of bytes above zero, got a list") == true)
        #expect(RunbookFixtures.errors(runbook("follow_symlinks: maybe")) == [
            "rb.yaml:9:22: error: follow_symlinks must be true or false, got 'maybe'",
        ])
        // Rendered before any file is fetched, from the parameters alone.
        let reads = RunbookFixtures.errors(runbook("max_bytes: \"{{ host.vars.cap }}\""))
        #expect(reads.first?.contains("'host' is not available in max_bytes of step 'fetch'") == true, "\(reads)")
        let unknown = RunbookFixtures.errors(runbook("max_bytes: \"{{ params.nope }}\""))
        #expect(unknown.first?.contains("unknown parameter 'nope'") == true, "\(unknown)")
    }

    @Test func theSettingsBelongToCollectSteps() {
        let errors = RunbookFixtures.errors("""
            name: demo
            targets: {fleet: fleet}
            steps:
              - id: a
                on: fleet
                check: "true"
                follow_symlinks: true
            """)
        #expect(errors == ["rb.yaml:7:5: error: 'follow_symlinks' does not apply to a check step; it applies to 'collect' steps"], "\(errors)")
    }
}
