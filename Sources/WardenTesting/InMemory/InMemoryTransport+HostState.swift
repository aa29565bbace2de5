import Foundation
import WardenCore

/// The host side of Warden's own scripts (`Deadman`, `HostLock`,
/// `HostStateFolder`, the resume's leftover probe and kill), as a host whose
/// state folder is sound would answer them, with time by the transport's
/// clock. They are recognised by the lines Warden writes into them, so that
/// tests script only the cluster's commands; a change to those scripts that
/// this model does not follow shows as a failing engine test.
extension InMemoryTransport {
    /// The deadmen on `host`, one per folder (the latest armed there), by path.
    public func deadmen(on host: String) -> [InMemoryDeadman] {
        lock.withLock { (hosts[host]?.deadmen.values).map { $0.sorted { $0.path < $1.path } } ?? [] }
    }

    /// Every deadman ever armed on `host`, oldest first, superseded ones included.
    public func deadmanHistory(on host: String) -> [InMemoryDeadman] {
        lock.withLock { hosts[host]?.deadmanHistory ?? [] }
    }

    /// The deadman timers waiting on `host`: the ones armed and neither
    /// disarmed, fired nor superseded (on a real host, the `sleep` processes).
    public func deadmanTimers(on host: String) -> Int {
        deadmen(on: host).filter { $0.status == .armed }.count
    }

    /// The lock directories on `host`, by name.
    public func locks(on host: String) -> [InMemoryHostLock] {
        lock.withLock { (hosts[host]?.locks.values).map { $0.sorted { $0.name < $1.name } } ?? [] }
    }

    /// Fires every armed deadman whose time has come by the clock, as its
    /// timer would: its revert runs through the host's rules (not as a
    /// command received over the transport). Returns the deadmen fired.
    @discardableResult
    public func fireDueDeadmen() -> [InMemoryDeadman] {
        let now = clock.now
        var fired: [InMemoryDeadman] = []
        lock.withLock {
            for name in hosts.keys.sorted() {
                guard var record = hosts[name] else { continue }
                for (path, deadman) in record.deadmen.sorted(by: { $0.key < $1.key }) where deadman.status == .armed && deadman.firesAt <= now {
                    var done = deadman
                    done.status = .fired
                    done.firedExit = Self.exitStatus(of: answer(RemoteCommand(deadman.revert), record: &record))
                    record.deadmen[path] = done
                    fired.append(done)
                }
                hosts[name] = record
            }
        }
        notifyWatchers()
        return fired
    }

    /// How a reply ends, for a revert the timer runs (it is not waited on).
    private static func exitStatus(of reply: InMemoryReply) -> Int32 {
        switch reply {
        case let .exit(status, _, _): status
        case .killed: 137
        default: 1
        }
    }

    /// The answer to one of Warden's host-side scripts, or nil when `command` is none of them.
    func answerHostState(_ command: RemoteCommand, host: InventoryHost, record: inout InMemoryHost) -> InMemoryReply? {
        let script = command.line
        if script.hasPrefix("kill -s 0 -- -"), let group = Self.processGroup(in: script) {
            return .success(record.liveGroups.contains(group) ? "running\n" : "gone\n")
        }
        if script.hasPrefix("[ \"$( kill -s 0 -- -"), script.contains("kill -s TERM"), let group = Self.processGroup(in: script) {
            record.liveGroups.remove(group)
            return .success()
        }
        guard script.contains("warden_make_state") else { return nil }
        if let (kind, message) = record.stateFolderRefusal {
            return kind == .unsafe ? .exit(5, stderr: "unsafe: \(message)\n") : .exit(6, stderr: "cannot: \(message)\n")
        }
        let folder = Self.stateFolder(in: script, host: host)
        let lines = script.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let revert = Self.word(after: "WARDEN_DEADMAN_REVERT=", in: lines),
           let entry = Self.word(after: "d=$warden_state/", in: lines), let seconds = Self.seconds(in: script) {
            return armDeadman(revert: revert, path: folder + "/" + entry, seconds: seconds, host: host.name, record: &record)
        }
        if script.contains("mv \"$d/armed\" \"$d/disarmed\""), let entry = Self.word(after: "d=$warden_state/", in: lines) {
            return disarmDeadman(path: folder + "/" + entry, record: &record)
        }
        if let line = lines.first(where: { $0.hasPrefix("run=") }), let name = Self.word(after: "lock=$warden_state/locks/", in: lines) {
            return lockAction(Self.assignments(in: line), name: name, record: &record)
        }
        if script.contains("for warden_sub in deadman locks") {
            return .success("\(record.stateFolderExists ? "ok" : "absent") \(folder)\n")
        }
        return nil
    }

    private func armDeadman(revert: String, path: String, seconds: Int, host: String, record: inout InMemoryHost) -> InMemoryReply {
        record.stateFolderExists = true
        if var earlier = record.deadmen[path], earlier.status == .armed {
            // As the script does: the earlier timer must not outlive the new one.
            earlier.status = .superseded
            record.deadmen[path] = earlier
            if let index = record.deadmanHistory.lastIndex(where: { $0.path == path && $0.status == .armed }) {
                record.deadmanHistory[index].status = .superseded
            }
        }
        let deadman = InMemoryDeadman(host: host, path: path, revert: revert, firesAt: clock.now.addingTimeInterval(TimeInterval(seconds)),
                                      status: .armed)
        record.deadmen[path] = deadman
        record.deadmanHistory.append(deadman)
        return .success("armed \(path)\n")
    }

    private func disarmDeadman(path: String, record: inout InMemoryHost) -> InMemoryReply {
        guard record.stateFolderExists, var deadman = record.deadmen[path] else { return .success("missing\n") }
        switch deadman.status {
        case .armed:
            deadman.status = .disarmed
            record.deadmen[path] = deadman
            if let index = record.deadmanHistory.lastIndex(where: { $0.path == path }) { record.deadmanHistory[index].status = .disarmed }
            return .success("disarmed\n")
        case .fired:
            return .success("fired \(deadman.firedExit ?? 0)\n")
        case .disarmed, .superseded:
            return .success("missing\n")
        }
    }

    /// Acquire, renew or release, as `HostLock.script(action:)` decides them (whole seconds, as `date +%s`).
    private func lockAction(_ fields: [String: String], name: String, record: inout InMemoryHost) -> InMemoryReply {
        guard let run = fields["run"], let owner = fields["owner"], let lease = fields["lease"].flatMap(Int.init),
              let action = fields["action"] else {
            return .exit(2, stderr: "in-memory host: unreadable lock script\n")
        }
        let now = Int(clock.now.timeIntervalSince1970)
        let fresh = InMemoryHostLock(name: name, run: run, owner: owner, expires: Date(timeIntervalSince1970: TimeInterval(now + lease)))
        let held = record.locks[name]
        switch action {
        case "acquire":
            record.stateFolderExists = true
            guard let held else {
                record.locks[name] = fresh
                return .success("acquired\n")
            }
            if held.run == run {
                record.locks[name] = fresh
                return .success("acquired\n")
            }
            if Int(held.expires.timeIntervalSince1970) < now {
                record.locks[name] = fresh
                return .success("taken-over \(held.run)\n")
            }
            return .success("held\nrun=\(held.run)\nowner=\(held.owner)\nexpires=\(Int(held.expires.timeIntervalSince1970))\n")
        case "renew":
            guard let held, held.run == run else { return .success("lost\n") }
            record.locks[name] = fresh
            return .success("renewed\n")
        case "release":
            guard let held else { return .success("released\n") }
            guard held.run == run else { return .success("lost\n") }
            record.locks[name] = nil
            return .success("released\n")
        default:
            return .exit(2, stderr: "in-memory host: unknown lock action \(action)\n")
        }
    }

    // MARK: Reading the scripts

    /// The state folder the prelude resolves: `host_state_dir`, else root's default.
    private static func stateFolder(in script: String, host: InventoryHost) -> String {
        let lines = script.split(separator: "\n").map(String.init)
        let configured = word(after: "warden_state=", in: lines) ?? ""
        return configured.isEmpty ? HostStateFolder.rootDefault : configured
    }

    /// The process group a leftover probe or kill script names.
    private static func processGroup(in script: String) -> Int32? {
        guard let range = script.range(of: "kill -s 0 -- -") else { return nil }
        return Int32(script[range.upperBound...].prefix(while: \.isNumber))
    }

    /// The deadman's delay: `sh -c "$fire" deadman SECONDS`.
    private static func seconds(in script: String) -> Int? {
        guard let range = script.range(of: "\"$fire\" deadman ") else { return nil }
        return Int(script[range.upperBound...].prefix(while: \.isNumber))
    }

    /// The shell word following `prefix` on the first line starting with it.
    private static func word(after prefix: String, in lines: [String]) -> String? {
        guard let line = lines.first(where: { $0.hasPrefix(prefix) }) else { return nil }
        return shellWord(line.dropFirst(prefix.count)).word
    }

    /// `a=W; b=W; c=W` (one line of a script) as a dictionary.
    private static func assignments(in line: String) -> [String: String] {
        var fields: [String: String] = [:]
        var rest = Substring(line)
        while let equals = rest.firstIndex(of: "=") {
            let name = rest[..<equals].trimmingCharacters(in: .whitespaces)
            let (value, after) = shellWord(rest[rest.index(after: equals)...])
            fields[name] = value
            rest = after.drop { $0 == ";" || $0 == " " }
        }
        return fields
    }

    /// Reads one word as `ShellQuoting.quote` writes it (plain, or in single
    /// quotes with `'\''` for a quote) up to a blank or `;`.
    private static func shellWord(_ text: Substring) -> (word: String, rest: Substring) {
        var word = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "'" {
                let start = text.index(after: index)
                let close = text[start...].firstIndex(of: "'") ?? text.endIndex
                word += text[start..<close]
                index = close < text.endIndex ? text.index(after: close) : close
            } else if character == "\\" {
                index = text.index(after: index)
                if index < text.endIndex {
                    word.append(text[index])
                    index = text.index(after: index)
                }
            } else if character == " " || character == ";" || character == "\t" {
                break
            } else {
                word.append(character)
                index = text.index(after: index)
            }
        }
        return (word, text[index...])
    }
}
