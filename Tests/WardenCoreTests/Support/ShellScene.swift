import Foundation
@testable import WardenCore

/// A runbook planned and run in-process on hosts that are all this machine
/// (`LocalShellTransport`), with a scratch folder of the test's own that the
/// runbook reads and changes (its `dir` parameter): the planner and the
/// runner driven exactly as `warden plan` and `warden run` drive them,
/// without SSH.
struct ShellScene {
    /// The scratch folder; hosts keep their Warden state in `state` under it.
    let folder: String
    let transport = LocalShellTransport()
    let context: EngineContext

    /// `targets`: each target's host names (any names: every one is this machine).
    /// `dir` is bound to the scratch folder, after `params`. `files`: runbooks the
    /// runbook includes, by name; the runbook is then read from the scratch folder with them.
    init(_ yaml: String, targets: [String: [String]], params: [(name: String, text: String)] = [], files: [String: String] = [:]) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("engine-scene-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        let runbook: Runbook
        if files.isEmpty {
            runbook = try RunbookFixtures.load(yaml)
        } else {
            for (name, text) in files { try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8) }
            try yaml.write(toFile: folder + "/" + RunbookFixtures.file, atomically: true, encoding: .utf8)
            runbook = try RunbookFixtures.runbook(of: Runbook.load(path: folder + "/" + RunbookFixtures.file))
        }
        let binding = try ParameterBinding.bind(runbook, given: params + [("dir", folder)])
        let state = folder + "/state"
        context = try EngineContext(runbook: runbook, parameters: binding,
                                    targets: targets.mapValues { $0.map { InventoryHost.local($0, stateFolder: state) } })
    }

    func plan() async -> Plan {
        await Planner.plan(context: context, transport: transport, concurrency: 8, secretKey: nil)
    }

    func run(confirm: (@Sendable (StepPreview) async -> StepDecision)? = nil, resume: ResumeState? = nil) async -> RunReport {
        await Runner.run(context: context, transport: transport, concurrency: 8, artifacts: folder + "/artifacts", confirm: confirm,
                         resume: resume)
    }

    /// Where a run stood when its controller died having journaled what
    /// `journaling` writes (through the runner's own recorder), as a resume
    /// rebuilds it from a journal in the scratch folder.
    func crashed(_ journaling: (RunRecorder) async throws -> Void) async throws -> ResumeState {
        let journal = try await Journal.open(directory: folder + "/journal")
        let runID = "crashed"
        try await journal.begin(JournalRun(id: runID, runbook: context.runbook.name, file: context.runbook.file, initiator: "tester",
                                           controller: "test", planHash: "", parameters: "{}"))
        let recorder = RunRecorder(journal: journal, runID: runID, redactor: context.redactor)
        try await journaling(recorder)
        // What it recorded reached the disk before it died (a recorder groups its writes).
        try await recorder.flush()
        return ResumeState.rebuild(from: try await journal.events(of: runID), context: context)
    }

    /// Step `id` of the runbook.
    func step(_ id: String) throws -> Step {
        try RunbookFixtures.step(id, in: context.runbook)
    }

    /// Writes `text` to `name` in the scratch folder.
    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
    }

    /// The text of `name` in the scratch folder; nil when there is none.
    func read(_ name: String) -> String? {
        try? String(contentsOfFile: folder + "/" + name, encoding: .utf8)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: folder)
    }
}
