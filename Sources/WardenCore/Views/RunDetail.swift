import Foundation

/// One run as a person or a program asks about it, read from the journal
/// alone (so `warden serve`'s API, a restarted daemon and a second
/// controller all see the same): the run, its plan, each step with each
/// host's status, exit code and command, the approvals with who, when and
/// why, the deadmen armed, the locks it holds and the files it collected
/// with their SHA-256.
public struct RunDetail: Sendable, Encodable {
    /// The run's row, without its plan's text (`plan` holds it, decoded).
    public let run: JournalRun
    /// The plan it was started on (and approvals bind to), as `warden plan --output json` shows it.
    public let plan: Plan?
    public let steps: [Step]
    public let approvals: [Approval]
    public let deadmen: [Deadman]
    public let locks: [RunLock]
    public let artifacts: [Artifact]
    /// The step it waits at for approval, while it does.
    public let waitingForApproval: String?
    /// Whether its controller on this machine is gone (a resume continues it).
    public let controllerGone: Bool

    public struct Step: Sendable, Encodable {
        public let id: String
        /// Its kind as journaled (`mutating`, `check`, `wait`, `approve`...).
        public let kind: String?
        /// `running` until it finished, then its status (`ok`, `failed`, `skipped`, `not-run`).
        public let status: String
        public let summary: String?
        public let hosts: [Host]
        /// When it started and finished, seconds since 1970 (nil while unknown: not finished yet).
        public let startedAt: Double?
        public let endedAt: Double?

        enum CodingKeys: String, CodingKey {
            case id, kind, status, summary, hosts
            case startedAt = "started_at"
            case endedAt = "ended_at"
        }
    }

    public struct Host: Sendable, Encodable {
        public let host: String
        /// `started` (its intent journaled, no outcome yet), then the outcome's status.
        public let status: String
        public let exit: Int?
        public let command: String?
        public let reason: String?
        /// When its command left (its intent) and when its outcome came back, seconds since 1970.
        public let startedAt: Double?
        public let endedAt: Double?

        enum CodingKeys: String, CodingKey {
            case host, status, exit, command, reason
            case startedAt = "started_at"
            case endedAt = "ended_at"
        }
    }

    public struct Deadman: Sendable, Encodable {
        public let step: String?
        public let host: String?
        /// `arming`, `armed`, `disarmed` or `left-armed`: its last state.
        public let state: String
        public let firesAt: Double?

        enum CodingKeys: String, CodingKey {
            case step, host, state
            case firesAt = "fires_at"
        }
    }

    public struct Artifact: Sendable, Encodable {
        public let step: String
        public let host: String
        public let path: String
        public let local: String
        public let bytes: Int
        public let sha256: String
    }

    enum CodingKeys: String, CodingKey {
        case run, plan, steps, approvals, deadmen, locks, artifacts
        case waitingForApproval = "waiting_for_approval"
        case controllerGone = "controller_gone"
    }

    /// Reads run `id` from the journal; nil when there is none.
    public static func read(_ id: String, from journal: Journal) async throws(JournalError) -> RunDetail? {
        try await readWithEvents(id, from: journal)?.detail
    }

    /// `read`, and the events it was folded from (a page that also lists them reads them once).
    public static func readWithEvents(_ id: String, from journal: Journal) async throws(JournalError) -> (detail: RunDetail, events: [JournalEvent])? {
        guard let run = try await journal.run(id) else { return nil }
        let events = try await journal.events(of: id)
        // Only the steps that waited at a gate can have approvals: ask for those, not the whole journal's.
        var approvals: [Approval] = []
        for step in Set(events.filter { $0.kind == .waitingApproval }.compactMap(\.step)).sorted() {
            approvals += try await journal.approvals(of: id, step: step)
        }
        approvals.sort { $0.at < $1.at }
        let locks = try await journal.locks().filter { $0.runID == id }
        return (RunDetail(run: run, events: events, approvals: approvals, locks: locks), events)
    }

    init(run: JournalRun, events: [JournalEvent], approvals: [Approval], locks: [RunLock]) {
        var row = run
        row.plan = nil
        self.run = row
        plan = run.plan.flatMap { try? JSONDecoder().decode(Plan.self, from: Data($0.utf8)) }
        self.approvals = approvals
        self.locks = locks
        var order: [String] = []
        var kinds: [String: String] = [:]
        var finished: [String: (String, String?, Double)] = [:]
        var started: [String: Double] = [:]
        var hosts: [String: [String: Host]] = [:]
        var hostOrder: [String: [String]] = [:]
        var deadmen: [String: Deadman] = [:]
        var deadmanOrder: [String] = []
        var artifacts: [Artifact] = []
        var waiting: String?
        for event in events {
            let step = event.step ?? ""
            switch event.kind {
            case .stepStarted:
                if !order.contains(step) { order.append(step) }
                kinds[step] = event.detail
                started[step] = started[step] ?? event.at
            case .intent, .outcome, .undo:
                guard let host = event.host else { continue }
                if !order.contains(step) { order.append(step) }
                if hosts[step]?[host] == nil { hostOrder[step, default: []].append(host) }
                started[step] = started[step] ?? event.at
                if event.kind == .intent {
                    hosts[step, default: [:]][host] = Host(host: host, status: "started", exit: nil, command: event.command, reason: nil,
                                                           startedAt: event.at, endedAt: nil)
                } else {
                    let detail = event.detailObject
                    let reason: String? = if case let .string(text)? = detail["reason"] { text } else { nil }
                    hosts[step, default: [:]][host] = Host(host: host, status: event.status?.rawValue ?? "unknown", exit: event.exit,
                                                           command: event.command ?? hosts[step]?[host]?.command, reason: reason,
                                                           startedAt: hosts[step]?[host]?.startedAt ?? event.at, endedAt: event.at)
                    artifacts += RunDetail.artifacts(in: detail, step: step, host: host)
                }
            case .stepFinished:
                finished[step] = (event.status?.rawValue ?? "finished", event.detail, event.at)
            case .deadmanArming, .deadmanArmed, .deadmanDisarmed, .deadmanLeftArmed:
                let key = "\(step)@\(event.host ?? "")"
                if deadmen[key] == nil { deadmanOrder.append(key) }
                let firesAt: Double? = if case let .double(at)? = event.detailObject["fires_at"] { at } else { deadmen[key]?.firesAt }
                let state = String(event.kind.rawValue.dropFirst("deadman-".count))
                deadmen[key] = Deadman(step: event.step, host: event.host, state: state, firesAt: firesAt)
            case .waitingApproval:
                waiting = event.step
            case .approved, .denied:
                if event.step == waiting, event.kind == .denied { waiting = nil }
            default:
                break
            }
            if event.kind == .stepFinished, event.step == waiting { waiting = nil }
        }
        steps = order.map { id in
            Step(id: id, kind: kinds[id], status: finished[id]?.0 ?? "running", summary: finished[id]?.1,
                 hosts: (hostOrder[id] ?? []).compactMap { hosts[id]?[$0] }, startedAt: started[id], endedAt: finished[id]?.2)
        }
        self.deadmen = deadmanOrder.compactMap { deadmen[$0] }
        self.artifacts = artifacts
        waitingForApproval = run.status == .running ? waiting : nil
        controllerGone = run.status == .running && OperatingSystemUser.isGone(run.controller)
    }

    /// The files a collect step fetched, as its outcome's record lists them.
    private static func artifacts(in detail: [String: Value], step: String, host: String) -> [Artifact] {
        guard case let .map(record)? = detail["record"], case let .list(files)? = record["result"] else { return [] }
        return files.compactMap { file in
            guard case let .map(fields) = file, case let .string(path)? = fields["path"], case let .string(local)? = fields["local"],
                  case let .string(sha256)? = fields["sha256"] else { return nil }
            let bytes: Int = if case let .int(count)? = fields["bytes"] { count } else { 0 }
            return Artifact(step: step, host: host, path: path, local: local, bytes: bytes, sha256: sha256)
        }
    }
}
