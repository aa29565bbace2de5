import Foundation
@testable import WardenCore

/// Shared ways to load runbook text in tests: every finding as the one line
/// `warden validate` prints, a runbook that must load, and folders of files
/// for `include`.
enum RunbookFixtures {
    static let file = "rb.yaml"

    /// Every finding (errors and warnings) as `file:line:column: ...`, in
    /// the order reported.
    static func diagnostics(_ yaml: String, file: String = file) -> [String] {
        Runbook.parse(yaml: yaml, file: file).diagnostics.map(\.description)
    }

    /// Only the errors, as `diagnostics` prints them.
    static func errors(_ yaml: String, file: String = file) -> [String] {
        Runbook.parse(yaml: yaml, file: file).errors.map(\.description)
    }

    /// The runbook, or a failure listing why it did not load.
    static func load(_ yaml: String, file: String = file) throws -> Runbook {
        try runbook(of: Runbook.parse(yaml: yaml, file: file))
    }

    static func runbook(of result: RunbookLoadResult) throws -> Runbook {
        guard let runbook = result.runbook else {
            throw FixtureError(message: result.diagnostics.map(\.description).joined(separator: "\n"))
        }
        return runbook
    }

    static func step(_ id: String, in runbook: Runbook) throws -> Step {
        guard let step = runbook.allSteps.first(where: { $0.id == id }) else {
            throw FixtureError(message: "no step \(id); steps: \(runbook.allSteps.map(\.id))")
        }
        return step
    }

    /// A runbook that uses every part of the language: each step kind,
    /// every param form, defaults, probes, guards, a watch, a window and an
    /// include of `demoChild` (as `other.yaml`).
    static let demo = """
        name: demo
        summary: text
        params:
          service: {type: string, default: "x"}
          threshold: {type: int, default: 1}
          mode: {type: enum, values: [fast, slow], default: fast}
          token: {type: string, secret: true}
          wait_for: duration            # shorthand: type only
        targets:
          fleet: {hosts: fleet, at_least: 1}
          first: {hosts: h01, exactly: 1}
        lock: "demo/{{ params.service }}"
        window: {between: "02:00-05:00", timezone: UTC}
        defaults: {timeout: 30s, retries: 0, delay: 1s, on_error: abort}
        probes:
          load: {on: fleet, run: "cat /proc/loadavg", parse: json}
        guards:
          - probe: load
            expect: result.load < 100
            message: optional text
        watch:
          every: 10s
          probe: load
          abort_if: result.load > 1000
        steps:
          - id: info
            on: first
            check: "uname -s"
            expect: stdout == "Linux\\n"
          - id: go
            approve: {quorum: 1, timeout: 30m, approvers: [alice, bob]}
          - id: restart
            on: fleet
            when: host.name != "h02" and params.mode == "fast"
            run: "systemctl restart {{ params.service }}"
            undo: "echo undo {{ params.service }}"
            serial: 50%
            max_fail: 1
            batch_pause: 5s
            on_error: rollback
          - id: settle
            wait: {probe: load, until: result.load < 5, consecutive: 3, every: 10s, timeout: window}
          - id: grab
            on: first
            collect: ["/var/log/syslog"]
          - id: breathe
            pause: 30s
            reason: let caches warm
          - id: sub
            include: other.yaml
            params: {name: "{{ params.service }}"}
            targets: {child_target: fleet}
        finally:
          - id: cleanup
            on: first
            run: "echo cleanup"
        """

    /// The runbook `demo` includes as `other.yaml`: a required parameter,
    /// a target `demo` maps onto its own, and cleanup of its own.
    static let demoChild = """
        name: other
        params:
          name: {type: string, required: true}
        targets:
          child_target: {hosts: nowhere, exactly: 1}
        steps:
          - id: x
            on: child_target
            run: "echo {{ params.name }}"
        finally:
          - id: child_cleanup
            on: child_target
            run: "echo child cleanup"
        """

    /// `demo` and its child written to a folder; `body` gets the path of `demo`.
    static func withDemo<T>(_ body: (String) throws -> T) throws -> T {
        try withFolder(["rb.yaml": demo, "other.yaml": demoChild]) { folder in try body(folder + "/rb.yaml") }
    }

    /// A fresh folder holding `files` (name to text), removed after `body`;
    /// `body` gets the folder's path.
    static func withFolder<T>(_ files: [String: String], _ body: (String) throws -> T) throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("warden-rb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, text) in files {
            try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return try body(folder.path)
    }
}
