import Foundation
import PostgresNIO
import WardenCore

/// The journal's tables in PostgreSQL, created and upgraded by numbered migrations recorded in
/// `warden_schema`. They run when a store opens, in one transaction under a transaction-scoped
/// advisory lock, so controllers starting together migrate once; a database whose schema is
/// newer than this Warden's is refused (an older binary must not write rows it does not
/// understand). The tables and columns are SQLite's (`JournalSchema`), so both hold the same
/// records; values are stored exactly (times as float8, bit for bit).
enum PostgresSchema {
    /// The advisory lock every write transaction takes first (`pg_advisory_xact_lock`): one
    /// writer at a time, as one audit chain needs. The number is Warden's ("WARDEN" in ASCII).
    static let writeLock: Int = 0x5741_5244_454E
    /// The advisory lock migrations run under.
    static let migrationLock: Int = 0x5741_5244_454E_01

    /// The migrations, in order: migration N brings the schema to version N.
    static let migrations: [String] = [
        // 1: the journal as SQLite's v10 holds it.
        """
        CREATE TABLE runs (
            id text PRIMARY KEY, runbook text NOT NULL, file text NOT NULL, initiator text NOT NULL, controller text NOT NULL,
            plan_hash text NOT NULL, parameters text NOT NULL, status text NOT NULL, reason text,
            started_at float8 NOT NULL, finished_at float8, plan text, "trigger" text NOT NULL DEFAULT 'terminal', inventory text,
            epoch bigint NOT NULL DEFAULT 1, lease_until float8);
        CREATE INDEX runs_by_start ON runs (started_at, id);
        CREATE INDEX runs_running ON runs (lease_until) WHERE status = 'running';
        CREATE TABLE events (
            run_id text NOT NULL REFERENCES runs (id) ON DELETE RESTRICT, sequence bigint NOT NULL, at float8 NOT NULL,
            kind text NOT NULL, step text, host text, command text, status text, exit bigint, detail text,
            previous_hash text NOT NULL, hash text NOT NULL, PRIMARY KEY (run_id, sequence));
        CREATE TABLE locks (
            name text PRIMARY KEY, run_id text NOT NULL, holder text NOT NULL, controller text NOT NULL,
            acquired_at float8 NOT NULL, expires_at float8, host text);
        CREATE TABLE approvals (
            ord bigserial PRIMARY KEY, run_id text NOT NULL REFERENCES runs (id) ON DELETE RESTRICT, step text NOT NULL,
            approver text NOT NULL, decision text NOT NULL, comment text, plan_hash text NOT NULL, at float8 NOT NULL, signature text);
        CREATE TABLE audit (
            sequence bigint PRIMARY KEY, at float8 NOT NULL, actor text NOT NULL, action text NOT NULL, run_id text, step text,
            host text, "lock" text, event bigint, exit bigint, status text, summary text, digest text,
            previous_hash text NOT NULL, hash text NOT NULL);
        CREATE TABLE checkpoints (
            ord bigserial PRIMARY KEY, run_id text NOT NULL REFERENCES runs (id) ON DELETE RESTRICT, phase text NOT NULL,
            audit_sequence bigint NOT NULL, audit_hash text NOT NULL, signer text NOT NULL, signature text NOT NULL, at float8 NOT NULL);
        CREATE TABLE alert_inputs (
            sequence bigint PRIMARY KEY, at float8 NOT NULL, kind text NOT NULL, source text NOT NULL, body bytea, run_id text,
            incident text, detail text, decided_at float8);
        CREATE TABLE alert_decisions (
            sequence bigint PRIMARY KEY, input bigint NOT NULL REFERENCES alert_inputs (sequence) ON DELETE RESTRICT,
            at float8 NOT NULL, kind text NOT NULL, rule text, key text, incident text, run_id text, summary text NOT NULL);
        CREATE INDEX alert_decisions_by_time ON alert_decisions (at);
        CREATE TABLE schedule_events (
            sequence bigint PRIMARY KEY, at float8 NOT NULL, schedule text NOT NULL, occurrence float8, kind text NOT NULL,
            actor text NOT NULL, run text, plan_hash text, detail text);
        CREATE INDEX schedule_events_by_occurrence ON schedule_events (schedule, occurrence);
        CREATE UNIQUE INDEX schedule_events_one_firing ON schedule_events (schedule, occurrence) WHERE kind = 'firing';
        CREATE UNIQUE INDEX schedule_events_one_outcome ON schedule_events (schedule, occurrence) WHERE kind = 'outcome';
        """,
        // 2: the controllers sharing the journal, with their heartbeats (SQLite's v11).
        """
        CREATE TABLE controllers (
            id text PRIMARY KEY, listen text NOT NULL, version text NOT NULL, started_at float8 NOT NULL, heartbeat_at float8 NOT NULL,
            stopped_at float8);
        """,
        // 3: the work queue and stop requests (SQLite's v12).
        """
        ALTER TABLE runs ADD COLUMN stop_request text;
        CREATE TABLE work_items (
            id text PRIMARY KEY, kind text NOT NULL, payload text NOT NULL, requester text NOT NULL, created_at float8 NOT NULL,
            not_after float8 NOT NULL, state text NOT NULL, claimed_by text, epoch bigint NOT NULL, lease_until float8,
            attempts bigint NOT NULL, run_id text, outcome text, updated_at float8 NOT NULL);
        CREATE INDEX work_items_by_creation ON work_items (created_at, id);
        CREATE INDEX work_items_open ON work_items (created_at, id) WHERE state IN ('ready', 'claimed');
        """,
    ]

    static var version: Int { migrations.count }

    /// Brings the database to `version`, inside the caller's transaction (which holds the migration lock).
    static func migrate(_ lane: PostgresLane, location: String) throws {
        _ = try lane.query("CREATE TABLE IF NOT EXISTS warden_schema (version integer NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")
        let found = try lane.query("SELECT coalesce(max(version), 0)::bigint FROM warden_schema").rows.first
        let current = try found.map { try $0.makeRandomAccess()[0].decode(Int.self) } ?? 0
        guard current <= version else {
            throw JournalError(.cannotOpen, """
                the journal \(location) is at schema version \(current), newer than this Warden's \(version): a newer Warden wrote it; \
                run that one (never an older one against it)
                """)
        }
        for next in (current + 1)...max(current + 1, version) where next <= version {
            for statement in migrations[next - 1].split(separator: ";").map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }) where !statement.isEmpty {
                _ = try lane.query(PostgresQuery(unsafeSQL: statement))
            }
            _ = try lane.query("INSERT INTO warden_schema (version) VALUES (\(next))")
        }
    }
}
