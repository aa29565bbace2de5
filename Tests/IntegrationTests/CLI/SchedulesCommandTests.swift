import Foundation
import Testing
import WardenCore
import WardenTesting

/// `warden schedules` and `warden schedules preview`, the built binary against
/// a serve config: what an operator reads before trusting a new expression
/// with production, DST changes called out; and `warden approve
/// SCHEDULE@TIME`, a decision given ahead of the window into the journal
/// `warden serve` reads.
@Suite("warden schedules, the command")
struct SchedulesCommandTests {
    static let look = """
        name: look
        targets:
          meta: {hosts: meta1, exactly: 1}
        steps:
          - id: look
            on: meta
            check: uptime
        """

    /// A folder with a runbook, an inventory and `serve.yaml` holding `schedules` (from line 5).
    private static func site(_ schedules: String) throws -> (folder: String, config: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("warden-schedules-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/runbooks", withIntermediateDirectories: true)
        try look.write(toFile: folder + "/runbooks/look.yaml", atomically: true, encoding: .utf8)
        try "hosts:\n  meta1: {address: 127.0.0.1}\n".write(toFile: folder + "/inventory.yaml", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: folder + "/state", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let config = folder + "/serve.yaml"
        try """
            state: state
            inventories: {lab: inventory.yaml}
            runbooks: [runbooks]
            schedules:
            \(schedules)
            """.write(toFile: config, atomically: true, encoding: .utf8)
        return (folder, config)
    }

    static let schedules = """
          - id: nightly
            runbook: look
            inventory: lab
            cron: "0 3 * * *"
            timezone: UTC
            duration: 1h
          - id: berlin
            runbook: look
            inventory: lab
            rrule: "FREQ=MONTHLY;BYDAY=-1SU;BYHOUR=2;BYMINUTE=30"
            timezone: Europe/Berlin
            duration: 20m
          - id: parked
            runbook: look
            inventory: lab
            cron: "0 4 * * *"
            timezone: UTC
            duration: 1h
            enabled: false
        """

    @Test func listsEachScheduleWithItsNextOccurrence() async throws {
        let (folder, config) = try Self.site(Self.schedules)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let now = Date()
        let utc = try #require(TimeZone(identifier: "UTC"))
        let listed = try await warden(["schedules", "--config", config])
        #expect(listed.status == 0, "\(listed.stderr)")
        let lines = listed.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("ID") == true && lines.first?.contains("NEXT (LOCAL)") == true, "\(listed.stdout)")
        let next = try #require(ScheduleOccurrences(ScheduleExpression.parse("0 3 * * *"), in: utc).next(after: now))
        let nightly = try #require(lines.first { $0.hasPrefix("nightly ") }, "\(listed.stdout)")
        #expect(nightly.contains(LocalTime.text(next.start, in: utc)) && nightly.contains("look"), "\(nightly)")
        #expect(lines.contains { $0.hasPrefix("berlin ") && ($0.contains(" +01:00") || $0.contains(" +02:00")) }, "\(listed.stdout)")
        #expect(lines.contains { $0.hasPrefix("parked ") && $0.contains("disabled") }, "\(listed.stdout)")

        // `list` is the default subcommand; JSON carries every occurrence field the API has.
        let json = try await warden(["schedules", "list", "--config", config, "--output", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let views = try #require(object["schedules"] as? [[String: Any]])
        #expect(views.compactMap { $0["id"] as? String } == ["nightly", "berlin", "parked"])
        let first = try #require(views.first)
        #expect(first["timezone"] as? String == "UTC")
        #expect((first["duration_seconds"] as? NSNumber)?.doubleValue == 3600)
        // Left out, catchup is the window less the cleanup reserve the runbook keeps (6m of 1h).
        #expect((first["catchup_seconds"] as? NSNumber)?.doubleValue == 3240)
        #expect(first["overlap"] as? String == "skip")
        let upcoming = try #require((first["next"] as? [[String: Any]])?.first)
        #expect(upcoming["start"] as? String == OccurrenceRecord.text(next.start))
        #expect(upcoming["local"] as? String == LocalTime.text(next.start, in: utc))
        #expect(views.last?["enabled"] as? Bool == false)
    }

    /// The last Sunday of March and of October are the EU's DST changes: at 02:30 in Berlin the
    /// first has no such time (it starts at 03:00, the first instant after the gap) and the second
    /// has it twice (it starts on the first). Twelve monthly occurrences hold one of each.
    @Test func previewPrintsLocalAndUTCTimesAndWarnsAboutDST() async throws {
        let (folder, config) = try Self.site(Self.schedules)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let preview = try await warden(["schedules", "preview", "berlin", "--next", "12", "--config", config])
        #expect(preview.status == 0, "\(preview.stderr)")
        let lines = preview.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "berlin: FREQ=MONTHLY;BYDAY=-1SU;BYHOUR=2;BYMINUTE=30 in Europe/Berlin, window 20m", "\(preview.stdout)")
        #expect(lines.count == 13, "\(preview.stdout)")

        let gap = lines.filter { $0.contains("DST gap") }
        #expect(gap.count == 1, "\(preview.stdout)")
        let spring = try #require(gap.first)
        #expect(spring.range(of: #"^  \d{4}-03-(2[5-9]|3[01]) 03:00 \+02:00   \d{4}-03-\d\dT01:00:00Z   warning: the local time does not exist that day \(DST gap\); it starts at the first instant after it$"#,
                             options: .regularExpression) != nil, "\(spring)")

        let repeated = lines.filter { $0.contains("happens twice") }
        #expect(repeated.count == 1, "\(preview.stdout)")
        let autumn = try #require(repeated.first)
        #expect(autumn.range(of: #"^  \d{4}-10-(2[5-9]|3[01]) 02:30 \+02:00   \d{4}-10-\d\dT00:30:00Z   warning: the local time happens twice that day \(DST\); it starts on the first, once$"#,
                             options: .regularExpression) != nil, "\(autumn)")

        // A winter month: 02:30 in Berlin is 01:30 UTC, and nothing to warn about.
        #expect(lines.contains { $0.range(of: #"^  \d{4}-(01|02|11|12)-\d\d 02:30 \+01:00   \d{4}-\d\d-\d\dT01:30:00Z$"#, options: .regularExpression) != nil },
                "\(preview.stdout)")
    }

    @Test func anUnknownScheduleIsRefusedWithADidYouMean() async throws {
        let (folder, config) = try Self.site(Self.schedules)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let unknown = try await warden(["schedules", "preview", "nightyl", "--config", config])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("error: no schedule 'nightyl' in \(config) (did you mean 'nightly'?)"), "\(unknown.stderr)")
        #expect(unknown.stdout.isEmpty)
    }

    @Test func aConfigWithABadScheduleIsRefusedNamingWhere() async throws {
        let (folder, config) = try Self.site("""
              - id: nightly
                runbook: look
                inventory: lab
                cron: "0 25 * * *"
                timezone: Europe/Berln
                duration: 1h
            """)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for arguments in [["schedules", "--config", config], ["schedules", "preview", "nightly", "--config", config], ["serve", "--check-config", config]] {
            let refused = try await warden(arguments)
            #expect(refused.status == 2, "\(arguments)")
            let said = refused.stdout + refused.stderr
            #expect(said.contains("\(config):8:11: error: schedule 'nightly': cron: hour: 25 is out of range 0-23"), "\(arguments): \(said)")
            #expect(said.contains("\(config):9:15: error: schedule 'nightly': timezone: unknown time zone 'Europe/Berln'; did you mean 'Europe/Berlin'?"),
                    "\(arguments): \(said)")
        }
    }

    /// The approval bound to the plan journaled ahead: never by the schedule's owner, recorded for
    /// anyone else, once.
    @Test func approveAnOccurrenceAheadOfItsWindow() async throws {
        let (folder, config) = try Self.site(Self.schedules)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = config
        let state = folder + "/state"
        let me = OperatingSystemUser.name
        let mine = try #require(OccurrenceRecord.date("2030-01-02T03:00:00Z"))
        let theirs = try #require(OccurrenceRecord.date("2030-01-03T03:00:00Z"))
        var plan = Plan(runbook: "look", file: folder + "/runbooks/look.yaml", offline: false)
        plan.hash = "sha256:" + String(repeating: "ab", count: 32)
        let gate = OccurrencePlan.Gate(step: "go", terms: ApprovalTerms(quorum: 1, approvers: [], allowSelfApproval: false, requireSignatures: false,
                                                                          allowedSigners: nil, timeout: .seconds(1800), message: nil, policy: nil))
        let journal = try await Journal.open(directory: state)
        for (start, owner) in [(mine, me), (theirs, "schedule:nightly")] {
            let detail = String(decoding: try JSONEncoder().encode(OccurrencePlan(plan: plan, gates: [gate], owner: owner)), as: UTF8.self)
            _ = try await journal.appendScheduleEvents([ScheduleEventDraft(schedule: "nightly", occurrence: start.timeIntervalSince1970, kind: .planned,
                                                                           planHash: plan.hash, detail: detail)], at: Date())
        }

        let own = try await warden(["approve", "nightly@2030-01-02T03:00:00Z", "--state", state])
        #expect(own.status == 2)
        #expect(own.stderr.contains("\(me) owns schedule nightly, whose run this is; another person must approve it"), "\(own.stderr)")

        let approved = try await warden(["approve", "nightly@2030-01-03T03:00:00Z", "--state", state, "--comment", "read the plan"])
        #expect(approved.status == 0, "\(approved.stderr)")
        #expect(approved.stdout.contains("Approved occurrence nightly@2030-01-03T03:00:00Z as \(me) (plan \(plan.hash))"), "\(approved.stdout)")

        let book = ScheduleBook(try await journal.scheduleEvents())
        #expect(book.occurrence("nightly", at: mine)?.decisions.isEmpty == true)
        let decisions = try #require(book.occurrence("nightly", at: theirs)?.decisions)
        #expect(decisions.map(\.actor) == [me])
        #expect(decisions.first?.planHash == plan.hash && decisions.first?.detail == "read the plan")

        let again = try await warden(["approve", "nightly@2030-01-03T03:00:00Z", "--state", state])
        #expect(again.status == 2)
        #expect(again.stderr.contains("\(me) already approved plan \(plan.hash) of occurrence nightly@2030-01-03T03:00:00Z"), "\(again.stderr)")

        let unplanned = try await warden(["approve", "nightly@2030-01-04T03:00:00Z", "--state", state])
        #expect(unplanned.status == 2)
        #expect(unplanned.stderr.contains("has no plan to decide on yet"), "\(unplanned.stderr)")
    }
}
