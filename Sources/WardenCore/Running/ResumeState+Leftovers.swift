import Foundation

extension ResumeState {
    /// Finds the unknown commands the dead controller started that still run
    /// on their hosts (their journaled process group is alive and is still
    /// theirs), and waits for them or kills their whole group, as `policy`
    /// says, before anything else happens on those hosts: a `verify` or a
    /// later step must not run beside a change still under way.
    ///
    /// `say` is told what was found before the wait or kill starts; the lines
    /// returned, one per leftover, are for the journal. A leftover still
    /// running at the end (or whose host cannot be asked) stops the resume.
    /// The wait keeps time by the context's clock.
    func settleLeftovers(
        policy: LeftoverPolicy, context: EngineContext, transport: any HostTransport, say: (String) -> Void
    ) async throws(LeftoverError) -> [String] {
        var lines: [String] = []
        // Abandoning, the operator has set things right by hand: the commands of the steps given up
        // are not waited for (only cleanup's are), but `kill` still stops them.
        for unknown in unknowns where !(abandoned && policy == .wait && !cleanupSteps.contains(unknown.step)) {
            guard let group = unknown.processGroup,
                  let step = context.runbook.allSteps.first(where: { $0.id == unknown.step }),
                  let host = context.hosts(of: step.target).first(where: { $0.name == unknown.host }) else { continue }
            let command = unknown.command.map { ": $ \($0)" } ?? ""
            let what = "\(host.name): step '\(step.id)' left its command running (process group \(group.id)\(command))"
            let become = context.remoteBecome(step, on: host)
            guard try await Self.isRunning(group, on: host, become: become, transport: transport) else { continue }
            switch policy {
            case .wait:
                let limit = step.timeout.map { "up to \(DurationText.format($0)), the step's timeout," } ?? "until it ends (the step has no timeout)"
                say(context.redactor.redact("\(what); waiting \(limit) before going on (--leftovers kill stops it instead)"))
                let clock = context.clock
                let giveUp = step.timeout.map { clock.instant + $0 }
                while try await Self.isRunning(group, on: host, become: become, transport: transport) {
                    if let giveUp, clock.instant >= giveUp {
                        throw LeftoverError(.stillRunning, context.redactor.redact(
                            "\(what): still running after the step's timeout; nothing was resumed: let it end, or resume with --leftovers kill"))
                    }
                    try? await clock.sleep(for: .seconds(1))
                }
                lines.append(context.redactor.redact("\(what); waited until it ended"))
            case .kill:
                say(context.redactor.redact("\(what); killing its process group (--leftovers kill)"))
                do {
                    _ = try await transport.run(RemoteCommand(Self.killScript(group), timeout: .seconds(30), become: become), on: host)
                } catch {
                    throw LeftoverError(.cannotKill, context.redactor.redact("\(what): could not kill it: \(error.description); nothing was resumed"))
                }
                guard try await !Self.isRunning(group, on: host, become: become, transport: transport) else {
                    throw LeftoverError(.cannotKill, context.redactor.redact("\(what): still running after it was killed; nothing was resumed"))
                }
                lines.append(context.redactor.redact("\(what); killed"))
            }
        }
        return lines
    }

    /// Asked as the user the command ran as (`become`): the login user cannot
    /// even test for another user's processes (`kill -0` is refused).
    private static func isRunning(_ group: RemoteProcessGroup, on host: InventoryHost, become: RemoteBecome?,
                                  transport: any HostTransport) async throws(LeftoverError) -> Bool {
        do {
            let result = try await transport.run(RemoteCommand(probeScript(group), timeout: .seconds(30), become: become), on: host)
            return result.stdout.text.trimmingCharacters(in: .whitespacesAndNewlines) == "running"
        } catch {
            throw LeftoverError(.unknown, "\(host.name): cannot tell whether process group \(group.id) still runs: \(error.description); nothing was resumed")
        }
    }

    /// Prints `running` when the group is alive and is the one journaled: its
    /// leader, when still there, started when the journaled one did (a pid
    /// is never reused while a group of that id lives, so a leaderless group
    /// is still the journaled one).
    static func probeScript(_ group: RemoteProcessGroup) -> String {
        let g = group.id
        var script = "kill -s 0 -- -\(g) 2>/dev/null || { echo gone; exit 0; }; "
        if let start = group.startTime, start.allSatisfy(\.isNumber) {
            script += #"s=; { read -r s </proc/\#(g)/stat; } 2>/dev/null; if [ -n "$s" ]; then set -- ${s##*)}; [ "${20}" = \#(start) ] || { echo other; exit 0; }; fi; "#
        }
        return script + "echo running"
    }

    /// TERM to the whole group, KILL two seconds later if any of it is left,
    /// only while the group is still the journaled one.
    static func killScript(_ group: RemoteProcessGroup) -> String {
        let g = "-\(group.id)"
        return #"[ "$( \#(probeScript(group)) )" = running ] || exit 0; kill -s TERM -- \#(g) 2>/dev/null; "#
            + #"i=0; while kill -s 0 -- \#(g) 2>/dev/null && [ $i -lt 20 ]; do sleep 0.1; i=$((i+1)); done; kill -s KILL -- \#(g) 2>/dev/null; "#
            + #"i=0; while kill -s 0 -- \#(g) 2>/dev/null && [ $i -lt 20 ]; do sleep 0.1; i=$((i+1)); done; exit 0"#
    }
}
