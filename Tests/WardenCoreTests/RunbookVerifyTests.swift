import Testing
@testable import WardenCore

/// `verify:` on a run step: how a resumed run checks a change whose outcome
/// was never journaled.
@Suite("verify on run steps")
struct RunbookVerifyTests {
    static let base = """
        name: v
        targets: {fleet: fleet}
        guards:
          - probe: {on: fleet, run: "true"}
            expect: exit == 0
        steps:
        """

    @Test func aRunStepCarriesItsVerification() throws {
        let runbook = try RunbookFixtures.load(RunbookVerifyTests.base + """

              - id: restart
                on: fleet
                run: "systemctl restart x"
                verify: {run: "systemctl is-active x", expect: stdout == "active\\n"}
            """)
        let step = try RunbookFixtures.step("restart", in: runbook)
        #expect(step.verify?.command.text == "systemctl is-active x")
        #expect(step.verify?.expect.text == #"stdout == "active\n""#)
    }

    @Test func verifyIsCheckedLikeEveryOtherPart() {
        #expect(RunbookFixtures.errors(RunbookVerifyTests.base + """

              - id: look
                on: fleet
                check: "uptime"
                verify: {run: "true", expect: exit == 0}
              - id: restart
                on: fleet
                run: "systemctl restart x"
                verify: {run: "true", expect: result.active}
              - id: again
                on: fleet
                run: "systemctl restart x"
                verify: {run: "true"}
            """) == [
            "rb.yaml:10:5: error: 'verify' does not apply to a check step; it applies to 'run' steps",
            "rb.yaml:14:35: error: 'result' is only set when the output is parsed; verify.expect of step 'restart' has no 'parse:'; test stdout, or add e.g. 'parse: json'",
            "rb.yaml:18:13: error: verify needs 'run' (a read-only command) and 'expect' (true when the change took effect)",
        ])
    }
}
