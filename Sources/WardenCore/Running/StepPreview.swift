/// What an operator walking a runbook step by step (`warden run --step`) is
/// shown before a step: the exact command per host, as far as it can be
/// rendered now.
public struct StepPreview: Sendable {
    public let id: String
    public let kind: String
    public let mutating: Bool
    public let doc: String?
    /// Host and command line (redacted); the host-less steps have none.
    public let commands: [(host: String, command: String)]
    /// Hosts left out now, and why (a false `when`, a render error).
    public let notes: [String]
    /// What else governs the step, one `name: value` line each (timeout,
    /// retries, until, expect, verify, undo, deadman, serial...), so that
    /// `[d]etails` shows how the step runs, not only what it runs.
    public var settings: [String] = []
}

/// The operator's answer before a step.
public enum StepDecision: Sendable {
    case run
    case skip
    case abort
}

extension Runner {
    /// The preview of a step as decided (`StepDecider`) on the records so
    /// far and its probes taken now: per host, what it will send (the
    /// command, or the paths it fetches), and why a host is left out.
    func preview(_ decided: DecidedStep) -> StepPreview {
        let step = decided.step
        var commands: [(host: String, command: String)] = []
        var notes: [String] = []
        switch decided.verdict {
        case .acts, .doneBefore: break
        case let .skipped(reason): notes.append("skipped (\(reason))")
        case let .failed(reason): notes.append("fails: \(reason)")
        }
        for host in decided.hosts {
            switch host.verdict {
            case .acts:
                if let command = host.command { commands.append((host.host.name, context.redactor.redact(command.line))) }
            case .doneBefore:
                notes.append("\(host.host.name): done before the resume")
            case let .skipped(reason):
                notes.append("\(host.host.name): skipped (\(reason))")
            case let .failed(reason):
                notes.append("\(host.host.name): \(reason)")
            }
        }
        return StepPreview(id: step.id, kind: step.kind.keyword, mutating: step.isMutating, doc: step.doc,
                           commands: commands, notes: notes, settings: settings(of: step))
    }

    /// The step's settings as written (templates and expressions unrendered,
    /// redacted), only those it has: the operator deciding on a step should
    /// see its time limit, its retries and how success is judged and undone.
    func settings(of step: Step) -> [String] {
        var lines: [String] = []
        if let target = step.target { lines.append("on: \(target)") }
        if let when = step.when { lines.append("when: \(when.text)") }
        if let timeout = step.timeout { lines.append("timeout: \(DurationText.format(timeout))") }
        if step.retries > 0 { lines.append("retries: \(step.retries) (delay \(DurationText.format(step.delay)))") }
        if let until = step.until { lines.append("until: \(until.text)") }
        if let parser = step.parser { lines.append("parse: \(parser.name)\(parser.pattern.map { " \($0)" } ?? "")") }
        if let expect = step.expect { lines.append("expect: \(expect.text)") }
        if step.onError != .abort { lines.append("on_error: \(step.onError.rawValue)") }
        if let undo = step.undo { lines.append("undo: \(undo.text)") }
        if let verify = step.verify {
            let parse = verify.parser.map { ", parse: \($0.name)" } ?? ""
            lines.append("verify: run: \(verify.command.text)\(parse), expect: \(verify.expect.text)")
        }
        if let deadman = step.deadman {
            let command = deadman.command.map { "run: \($0.text)" } ?? "runs the step's undo"
            lines.append("deadman: after \(DurationText.format(deadman.after)), \(command)")
        }
        if let serial = step.serial {
            var line = "serial: \(serial)"
            if let maxFail = step.maxFail { line += ", max_fail: \(maxFail)" }
            if let pause = step.batchPause { line += ", pause: \(DurationText.format(pause))" }
            if let gate = step.betweenBatches { line += ", between_batches: until \(gate.wait.until.text)" }
            lines.append(line)
        } else if let maxFail = step.maxFail {
            lines.append("max_fail: \(maxFail)")
        }
        if let unguarded = step.unguarded { lines.append("unguarded: \(unguarded)") }
        if step.noLog { lines.append("no_log: true") }
        return lines.map { context.redactor.redact($0) }
    }
}
