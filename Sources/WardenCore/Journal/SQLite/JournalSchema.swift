import GRDB

/// The journal's tables, created and upgraded by numbered migrations so that
/// a newer Warden opens an older state folder without losing runs.
enum JournalSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "runs") { table in
                table.primaryKey("id", .text)
                table.column("runbook", .text).notNull()
                table.column("file", .text).notNull()
                table.column("initiator", .text).notNull()
                table.column("controller", .text).notNull()
                table.column("plan_hash", .text).notNull()
                table.column("parameters", .text).notNull()
                table.column("status", .text).notNull()
                table.column("reason", .text)
                table.column("started_at", .double).notNull()
                table.column("finished_at", .double)
            }
            try db.create(table: "events") { table in
                table.column("run_id", .text).notNull().references("runs", onDelete: .restrict)
                table.column("sequence", .integer).notNull()
                table.column("at", .double).notNull()
                table.column("kind", .text).notNull()
                table.column("step", .text)
                table.column("host", .text)
                table.column("command", .text)
                table.column("status", .text)
                table.column("exit", .integer)
                table.column("detail", .text)
                table.column("previous_hash", .text).notNull()
                table.column("hash", .text).notNull()
                table.primaryKey(["run_id", "sequence"])
            }
        }
        migrator.registerMigration("v2-locks") { db in
            try db.create(table: "locks") { table in
                table.primaryKey("name", .text)
                table.column("run_id", .text).notNull()
                table.column("holder", .text).notNull()
                table.column("controller", .text).notNull()
                table.column("acquired_at", .double).notNull()
            }
        }
        migrator.registerMigration("v3-approvals") { db in
            try db.alter(table: "runs") { table in
                table.add(column: "plan", .text)
            }
            try db.create(table: "approvals") { table in
                table.column("run_id", .text).notNull().references("runs", onDelete: .restrict)
                table.column("step", .text).notNull()
                table.column("approver", .text).notNull()
                table.column("decision", .text).notNull()
                table.column("comment", .text)
                table.column("plan_hash", .text).notNull()
                table.column("at", .double).notNull()
            }
        }
        migrator.registerMigration("v4-audit-and-leases") { db in
            try db.create(table: "audit") { table in
                table.primaryKey("sequence", .integer)
                table.column("at", .double).notNull()
                table.column("actor", .text).notNull()
                table.column("action", .text).notNull()
                table.column("run_id", .text)
                table.column("step", .text)
                table.column("host", .text)
                table.column("lock", .text)
                table.column("event", .integer)
                table.column("exit", .integer)
                table.column("status", .text)
                table.column("summary", .text)
                table.column("digest", .text)
                table.column("previous_hash", .text).notNull()
                table.column("hash", .text).notNull()
            }
            // A lock held by a controller on another machine cannot be
            // checked for liveness; it lapses when its holder stops renewing.
            try db.alter(table: "locks") { table in
                table.add(column: "expires_at", .double)
                table.add(column: "host", .text)
            }
        }
        migrator.registerMigration("v5-approval-signatures") { db in
            // The approver's SSHSIG over the decision (ApprovalSignature); nil for an unsigned one.
            try db.alter(table: "approvals") { table in
                table.add(column: "signature", .text)
            }
        }
        migrator.registerMigration("v6-checkpoints") { db in
            // Signed statements of the audit log's head (Checkpoint).
            try db.create(table: "checkpoints") { table in
                table.column("run_id", .text).notNull().references("runs", onDelete: .restrict)
                table.column("phase", .text).notNull()
                table.column("audit_sequence", .integer).notNull()
                table.column("audit_hash", .text).notNull()
                table.column("signer", .text).notNull()
                table.column("signature", .text).notNull()
                table.column("at", .double).notNull()
            }
        }
        migrator.registerMigration("v7-triggers") { db in
            // What started each run (RunTrigger); older runs were all started at a terminal.
            try db.alter(table: "runs") { table in
                table.add(column: "trigger", .text).notNull().defaults(to: RunTrigger.terminal.rawValue)
                // The inventory file, for a daemon that adopts the run after a restart.
                table.add(column: "inventory", .text)
            }
            // Listing runs newest first, a page at a time (RunQuery), without reading them all.
            try db.create(index: "runs_by_start", on: "runs", columns: ["started_at", "id"])
        }
        migrator.registerMigration("v8-alerts") { db in
            // What the alert decider was told (AlertInputEntry), raw webhook bodies included, and
            // what it decided (AlertDecisionEntry); both audited.
            try db.create(table: "alert_inputs") { table in
                table.primaryKey("sequence", .integer)
                table.column("at", .double).notNull()
                table.column("kind", .text).notNull()
                table.column("source", .text).notNull()
                table.column("body", .blob)
                table.column("run_id", .text)
                table.column("incident", .text)
                table.column("detail", .text)
                table.column("decided_at", .double)
            }
            try db.create(table: "alert_decisions") { table in
                table.primaryKey("sequence", .integer)
                table.column("input", .integer).notNull().references("alert_inputs", onDelete: .restrict)
                table.column("at", .double).notNull()
                table.column("kind", .text).notNull()
                table.column("rule", .text)
                table.column("key", .text)
                table.column("incident", .text)
                table.column("run_id", .text)
                table.column("summary", .text).notNull()
            }
            try db.create(index: "alert_decisions_by_time", on: "alert_decisions", columns: ["at"])
        }
        migrator.registerMigration("v9-schedules") { db in
            // The scheduler's append-only log (ScheduleEventEntry), audited; its state is their fold.
            try db.create(table: "schedule_events") { table in
                table.primaryKey("sequence", .integer)
                table.column("at", .double).notNull()
                table.column("schedule", .text).notNull()
                table.column("occurrence", .double)
                table.column("kind", .text).notNull()
                table.column("actor", .text).notNull()
                table.column("run", .text)
                table.column("plan_hash", .text)
                table.column("detail", .text)
            }
            // A restarted scheduler reads back one occurrence's (or one schedule's) events.
            try db.create(index: "schedule_events_by_occurrence", on: "schedule_events", columns: ["schedule", "occurrence"])
            // The exactly-once guarantee: one firing and one outcome per occurrence, checked by the
            // database in the writer's own transaction, so two daemons (or one restarted halfway)
            // cannot both claim an occurrence. NULL occurrences (events about the schedule) never collide.
            try db.execute(sql: """
                CREATE UNIQUE INDEX schedule_events_one_firing ON schedule_events(schedule, occurrence) WHERE kind = 'firing';
                CREATE UNIQUE INDEX schedule_events_one_outcome ON schedule_events(schedule, occurrence) WHERE kind = 'outcome';
                """)
        }
        migrator.registerMigration("v10-run-leases") { db in
            // The fencing epoch and lease of each run (JournalRun.epoch, .leaseUntil): whoever
            // adopts a run raises its epoch, and the controller it was taken from writes no more.
            try db.alter(table: "runs") { table in
                table.add(column: "epoch", .integer).notNull().defaults(to: 1)
                table.add(column: "lease_until", .double)
            }
        }
        migrator.registerMigration("v11-controllers") { db in
            // The controllers that use the journal (ControllerRecord), with their heartbeats.
            try db.create(table: "controllers") { table in
                table.primaryKey("id", .text)
                table.column("listen", .text).notNull()
                table.column("version", .text).notNull()
                table.column("started_at", .double).notNull()
                table.column("heartbeat_at", .double).notNull()
                table.column("stopped_at", .double)
            }
        }
        migrator.registerMigration("v12-work-queue") { db in
            // Who asked that a run stop (JournalRun.stopRequest), for the controller carrying it.
            try db.alter(table: "runs") { table in
                table.add(column: "stop_request", .text)
            }
            // The work queue (WorkItem): what the daemon was asked to start, until one controller does.
            try db.execute(sql: """
                CREATE TABLE work_items (
                    id TEXT PRIMARY KEY, kind TEXT NOT NULL, payload TEXT NOT NULL, requester TEXT NOT NULL,
                    created_at DOUBLE NOT NULL, not_after DOUBLE NOT NULL, state TEXT NOT NULL, claimed_by TEXT,
                    epoch INTEGER NOT NULL, lease_until DOUBLE, attempts INTEGER NOT NULL, run_id TEXT, outcome TEXT,
                    updated_at DOUBLE NOT NULL);
                CREATE INDEX work_items_by_creation ON work_items(created_at, id);
                CREATE INDEX work_items_open ON work_items(created_at, id) WHERE state IN ('ready', 'claimed');
                """)
        }
        return migrator
    }
}
