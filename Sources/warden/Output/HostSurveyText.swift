import Foundation
import WardenCore

/// What `warden locks list -i` learned from one host.
enum HostSurveyResult: Sendable {
    case surveyed(HostStateSurvey)
    case unreachable(host: String, String)

    /// Nothing to tell the operator about: reached, folder trusted, nothing left by an older Warden.
    var isClean: Bool {
        guard case .surveyed(let survey) = self else { return false }
        return survey.problem == nil && survey.legacy.isEmpty
    }
}

/// The hosts' side of `warden locks list -i` on a terminal.
enum HostSurveyText {
    static func write(_ results: [HostSurveyResult]) {
        Terminal.write("\nOn the hosts:\n")
        for result in results {
            switch result {
            case .unreachable(let host, let why):
                Terminal.write("\(host): not asked: \(VisibleText.line(why))\n")
            case .surveyed(let survey):
                write(survey)
            }
        }
    }

    private static func write(_ survey: HostStateSurvey) {
        let host = survey.host
        if let problem = survey.problem {
            Terminal.write("\(host): REFUSED host state folder: \(VisibleText.line(problem))\n")
        } else if let folder = survey.folder {
            let held = survey.locks.count + survey.deadmen.filter { $0.status == "armed" }.count
            Terminal.write("\(host): \(VisibleText.line(folder))" + (survey.exists ? (held == 0 ? ": nothing held" : "") : " (not created yet)") + "\n")
        }
        let now = Int(Date().timeIntervalSince1970)
        for lock in survey.locks {
            var line = "  lock \(VisibleText.line(lock.name))  run \(VisibleText.line(lock.run))  \(VisibleText.line(lock.owner))"
            if let expires = lock.expires { line += expires < now ? "  lease lapsed" : "  lease for \(expires - now)s more" }
            Terminal.write(line + "\n")
        }
        for deadman in survey.deadmen where deadman.status == "armed" || deadman.status == "firing" {
            Terminal.write("  deadman \(VisibleText.line(deadman.name))  \(deadman.status)\n")
        }
        for legacy in survey.legacy {
            Terminal.write("  LEFT BY AN OLDER WARDEN: \(VisibleText.line(legacy.folder)) (\(VisibleText.line(legacy.found))): "
                           + "never used or trusted by this version; check what it holds, then remove it\n")
            for entry in legacy.entries {
                Terminal.write("    \(VisibleText.line(entry.name))  \(VisibleText.line(entry.status))\n")
            }
        }
    }
}

/// `warden locks list -i --output json`: the journal's locks and each host's survey.
struct LocksOnHosts: Encodable {
    let locks: [RunLock]
    let hosts: [HostSurveyJSON]
}

/// One host's survey as JSON.
struct HostSurveyJSON: Encodable {
    struct Lock: Encodable { let name, run, owner: String; let expires: Int? }
    struct Entry: Encodable { let name, status: String }
    struct Legacy: Encodable { let folder, found: String; let entries: [Entry] }

    let host: String
    var reached = true
    var folder: String?
    var exists = false
    var problem: String?
    var locks: [Lock] = []
    var deadmen: [Entry] = []
    var legacy: [Legacy] = []

    init(_ result: HostSurveyResult) {
        switch result {
        case .unreachable(let host, let why):
            self.host = host
            reached = false
            problem = why
        case .surveyed(let survey):
            host = survey.host
            folder = survey.folder
            exists = survey.exists
            problem = survey.problem
            locks = survey.locks.map { Lock(name: $0.name, run: $0.run, owner: $0.owner, expires: $0.expires) }
            deadmen = survey.deadmen.map { Entry(name: $0.name, status: $0.status) }
            legacy = survey.legacy.map { Legacy(folder: $0.folder, found: $0.found, entries: $0.entries.map { Entry(name: $0.name, status: $0.status) }) }
        }
    }
}
