import Testing
@testable import WardenCore

/// `validate` on secrets in templates (issue 12, finding 4): a secret
/// parameter rendered straight into a command line is in the host's process
/// list, so it is warned about where the hole is, with the `secret_file`
/// form to use instead; `secret_file` itself is refused where no command
/// runs while its file exists.
@Suite("validate: secrets on command lines")
struct SecretParameterCheckTests {
    @Test func aSecretRenderedIntoACommandLineIsWarnedAboutWithTheSecretFileForm() {
        let diagnostics = RunbookFixtures.diagnostics("""
            name: secrets
            params:
              token: {type: string, secret: true}
              user: string
            targets: {fleet: fleet}
            probes:
              auth: {on: fleet, run: "mysql -p{{ params.token }} -e 'select 1'"}
            guards:
              - {probe: auth, expect: exit == 0}
            steps:
              - id: login
                on: fleet
                check: "psql --user {{ params.user }} --password={{ str(params.token) }}"
              - id: safe
                on: fleet
                readonly: true
                run: "PGPASSWORD=\\"$(cat {{ secret_file params.token }})\\" psql --user {{ params.user }}"
                verify: {run: "test -s {{ secret_file params.token }}", expect: exit == 0}
            """)
        let hint = "; hand it over as a file, never on a command line: {{ secret_file params.token }} is the path of a private file "
            + "holding it, e.g. --password-file={{ secret_file params.token }}, or PGPASSWORD=\"$(cat {{ secret_file params.token }})\" psql ... "
            + "for a tool that reads only its environment"
        #expect(diagnostics == [
            "rb.yaml:7:38: warning: secret parameter 'token' is rendered into the command of probe 'auth': every account on the host can read it in the process list (ps, /proc/PID/cmdline) while the command runs" + hint,
            "rb.yaml:13:57: warning: secret parameter 'token' is rendered into the command of step 'login': every account on the host can read it in the process list (ps, /proc/PID/cmdline) while the command runs" + hint,
        ])
    }

    @Test func aSecretFileIsRefusedWhereNoCommandRunsWhileItExists() {
        let diagnostics = RunbookFixtures.diagnostics("""
            name: secrets
            params:
              token: {type: string, secret: true}
            targets: {fleet: fleet}
            lock: "db/{{ secret_file params.token }}"
            guards:
              - {probe: {on: fleet, run: "true"}, expect: exit == 0}
            steps:
              - id: fetch
                on: fleet
                collect: "/srv/{{ secret_file params.token }}"
              - id: change
                on: fleet
                run: "rotate --key-file {{ secret_file params.token }}"
                undo: "rotate --back --key {{ params.token }}"
                deadman: 60s
            """)
        #expect(diagnostics == [
            "rb.yaml:5:26: error: '{{ secret_file params.token }}' in the lock: secret files are only made for commands; use it in a run, check, undo, verify or probe command",
            "rb.yaml:11:35: error: '{{ secret_file params.token }}' in the paths of step 'fetch': secret files are only made for commands; use it in a run, check, undo, verify or probe command",
            "rb.yaml:15:35: warning: secret parameter 'token' is rendered into the deadman (its undo) of step 'change': every account on the host can read it in the process list (ps, /proc/PID/cmdline) while the command runs; a deadman's revert cannot take secret files: revert without the secret",
            "rb.yaml:15:35: warning: secret parameter 'token' is rendered into undo of step 'change': every account on the host can read it in the process list (ps, /proc/PID/cmdline) while the command runs; hand it over as a file, never on a command line: {{ secret_file params.token }} is the path of a private file holding it, e.g. --password-file={{ secret_file params.token }}, or PGPASSWORD=\"$(cat {{ secret_file params.token }})\" psql ... for a tool that reads only its environment",
        ])
        let deadman = RunbookFixtures.errors("""
            name: secrets
            params:
              token: {type: string, secret: true}
            targets: {fleet: fleet}
            steps:
              - id: change
                on: fleet
                run: "rotate --key-file {{ secret_file params.token }}"
                deadman: {after: 60s, run: "rotate --back --key-file {{ secret_file params.token }}"}
            """)
        #expect(deadman == [
            "rb.yaml:9:73: error: '{{ secret_file params.token }}' in deadman of step 'change': a deadman's revert runs after the step's secret files are removed; revert without the secret, or with a file the revert finds on the host itself",
        ])
    }

    @Test func aSecretPassedToAnIncludedRunbookIsStillASecretThere() throws {
        let files = [
            "main.yaml": """
                name: main
                params:
                  token: {type: string, secret: true}
                targets: {fleet: fleet}
                steps:
                  - {id: sub, include: child.yaml, params: {pw: "{{ params.token }}", note: "x-{{ params.token }}"}, targets: {here: fleet}}
                """,
            "child.yaml": """
                name: child
                params:
                  pw: string
                  note: string
                targets: {here: fleet}
                steps:
                  - {id: login, on: here, check: "login {{ params.pw }} {{ params.note }} {{ secret_file params.pw }}"}
                """,
        ]
        let result = try RunbookFixtures.withFolder(files) { folder in Runbook.load(path: folder + "/main.yaml") }
        #expect(result.errors.isEmpty, "\(result.diagnostics)")
        #expect(result.warnings.map { "\($0.problem.location?.line ?? 0):\($0.problem.location?.column ?? 0):\($0.problem.message)" } == [
            "7:44:secret parameter 'pw' is rendered into the command of step 'sub.login': every account on the host can read it in the process list (ps, /proc/PID/cmdline) while the command runs",
            "7:60:secret parameter 'note' is rendered into the command of step 'sub.login': every account on the host can read it in the process list (ps, /proc/PID/cmdline) while the command runs",
        ])
    }
}
