import Foundation
import WardenCore

extension ScheduleService {
    /// Every schedule of the config as `GET /api/v1/schedules` and the web UI's schedules page show
    /// it: its next `count` occurrences, its last outcome, what waits, read from one snapshot.
    func views(count: Int = 5) async -> [ScheduleView] {
        let (schedules, blackouts, book, now) = await snapshot()
        let policy = await dispatcher.settings.policy
        return schedules.map { ScheduleView($0, book: book, blackouts: blackouts, now: now, policy: policy, count: count) }
    }

    /// Schedule `id` as `GET /api/v1/schedules/{id}` and its web page show it: the view with its
    /// next `count` occurrences, and its last `recent` journaled occurrences, newest first.
    func detail(_ id: String, count: Int = 5, recent: Int = 20) async throws(AdmissionError) -> (schedule: ScheduleView, recent: [OccurrenceView]) {
        let schedule = try await schedule(id)
        let (_, blackouts, book, now) = await snapshot()
        let policy = await dispatcher.settings.policy
        let view = ScheduleView(schedule, book: book, blackouts: blackouts, now: now, policy: policy, count: count)
        let occurrences = book.occurrences(of: id).suffix(recent).reversed().map { OccurrenceView($0, schedule: schedule, policy: policy, withPlan: false) }
        return (view, occurrences)
    }
}
