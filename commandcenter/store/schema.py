"""Numbered migrations. Additive only (SYNC.md): never drop or rename a column that shipped."""
from __future__ import annotations

MIGRATIONS: dict[int, list[str]] = {
    1: [
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)",
        """CREATE TABLE incidents (
            id TEXT PRIMARY KEY, title TEXT NOT NULL, description TEXT, category TEXT,
            severity TEXT, status TEXT NOT NULL, generation INTEGER NOT NULL DEFAULT 0,
            response_level TEXT, org_unit TEXT, lon REAL, lat REAL,
            reported_ms INTEGER, updated_ms INTEGER, mode TEXT NOT NULL DEFAULT 'live',
            version INTEGER NOT NULL, hlc TEXT, extra TEXT)""",
        """CREATE TABLE tasks (
            id TEXT PRIMARY KEY, incident_id TEXT NOT NULL, department TEXT NOT NULL,
            org_unit TEXT NOT NULL, level TEXT NOT NULL, lead INTEGER NOT NULL DEFAULT 1,
            status TEXT NOT NULL, note TEXT, dispatched_ms INTEGER, accept_by_ms INTEGER,
            finish_by_ms INTEGER, accepted_ms INTEGER, finished_ms INTEGER, return_reason TEXT,
            extension_requested_ms INTEGER, extension_until_ms INTEGER, extension_reason TEXT,
            escalations INTEGER NOT NULL DEFAULT 0, escalated_from TEXT,
            reminders INTEGER NOT NULL DEFAULT 0, updated_ms INTEGER,
            mode TEXT NOT NULL DEFAULT 'live', version INTEGER NOT NULL, hlc TEXT, extra TEXT)""",
        """CREATE TABLE resources (
            id TEXT PRIMARY KEY, name TEXT, kind TEXT, department TEXT, org_unit TEXT,
            status TEXT NOT NULL, lon REAL, lat REAL, heading REAL, updated_ms INTEGER,
            version INTEGER NOT NULL, hlc TEXT, extra TEXT)""",
        """CREATE TABLE alarms (
            id TEXT PRIMARY KEY, indicator TEXT NOT NULL, org_unit TEXT, colour TEXT,
            status TEXT NOT NULL, value REAL, raised_ms INTEGER, updated_ms INTEGER,
            incident_id TEXT, reason TEXT, version INTEGER NOT NULL, hlc TEXT, extra TEXT)""",
        """CREATE TABLE outbox (
            node_id TEXT NOT NULL, local_seq INTEGER NOT NULL, op_id TEXT NOT NULL UNIQUE,
            entity TEXT NOT NULL, entity_id TEXT NOT NULL, op TEXT NOT NULL, fields TEXT NOT NULL,
            base_version INTEGER NOT NULL, hlc TEXT NOT NULL, schema_version INTEGER NOT NULL,
            user TEXT, created_ms INTEGER NOT NULL, acked_ms INTEGER, result TEXT, reason TEXT,
            PRIMARY KEY (node_id, local_seq))""",
        """CREATE TABLE audit (
            seq INTEGER PRIMARY KEY, ts_ms INTEGER NOT NULL, user TEXT, action TEXT NOT NULL,
            entity TEXT, entity_id TEXT, detail TEXT, prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL)""",
        """CREATE TABLE conflicts (
            id INTEGER PRIMARY KEY, entity TEXT, entity_id TEXT, field TEXT, local_value TEXT,
            remote_value TEXT, author TEXT, at_ms INTEGER, op_id TEXT, kind TEXT)""",
        """CREATE TABLE samples (
            indicator TEXT NOT NULL, ts_ms INTEGER NOT NULL, value REAL NOT NULL,
            PRIMARY KEY (indicator, ts_ms)) WITHOUT ROWID""",
        # the board: open tasks by deadline, by department, by org unit; incidents by status
        "CREATE INDEX tasks_status_accept ON tasks(status, accept_by_ms)",
        "CREATE INDEX tasks_status_finish ON tasks(status, finish_by_ms)",
        "CREATE INDEX tasks_incident ON tasks(incident_id)",
        "CREATE INDEX tasks_department_status ON tasks(department, status)",
        "CREATE INDEX tasks_org_unit ON tasks(org_unit, status)",
        "CREATE INDEX incidents_status_reported ON incidents(status, reported_ms)",
        "CREATE INDEX outbox_pending ON outbox(acked_ms, node_id, local_seq)",
        "CREATE INDEX outbox_entity ON outbox(entity, entity_id)",
    ],
    2: [
        # the platform's version of each row: a pulled document older than this is skipped
        *(f"ALTER TABLE {t} ADD COLUMN server_version INTEGER" for t in ("incidents", "tasks", "resources", "alarms")),
        # the platform epoch that acknowledged an op: after a restore from an older backup
        # (a new epoch) what the old epoch acknowledged is pushed again
        "ALTER TABLE outbox ADD COLUMN acked_epoch TEXT",
    ],
    3: [
        # unit positions: telemetry like samples (no outbox, no audit), pruned after 24 h.
        # Keyed by unit then time: a trail is one range scan, the newest one an index seek.
        """CREATE TABLE positions (
            resource_id TEXT NOT NULL, ts_ms INTEGER NOT NULL, lon REAL NOT NULL,
            lat REAL NOT NULL, heading REAL, speed REAL,
            PRIMARY KEY (resource_id, ts_ms)) WITHOUT ROWID""",
    ],
    4: [
        # sample rollups for long chart ranges (issue 4): one row per indicator per minute and
        # per hour, rebuilt on ingest from the finer level (Store.ingest_samples). `last` is
        # the value of the newest sample in the bucket; the mean is sum / n.
        *(
            f"""CREATE TABLE {table} (
            indicator TEXT NOT NULL, bucket_ms INTEGER NOT NULL, n INTEGER NOT NULL,
            min REAL NOT NULL, max REAL NOT NULL, sum REAL NOT NULL, last REAL NOT NULL,
            PRIMARY KEY (indicator, bucket_ms)) WITHOUT ROWID"""
            for table in ("samples_1m", "samples_1h")
        ),
        # a cache that already holds samples gets its rollups at once
        "INSERT INTO samples_1m SELECT indicator, ts_ms - ts_ms % 60000 AS b, COUNT(*), MIN(value), "
        "MAX(value), SUM(value), 0 FROM samples GROUP BY indicator, b",
        "UPDATE samples_1m SET last = (SELECT s.value FROM samples s WHERE s.indicator = samples_1m.indicator "
        "AND s.ts_ms >= samples_1m.bucket_ms AND s.ts_ms < samples_1m.bucket_ms + 60000 ORDER BY s.ts_ms DESC LIMIT 1)",
        "INSERT INTO samples_1h SELECT indicator, bucket_ms - bucket_ms % 3600000 AS h, SUM(n), MIN(min), "
        "MAX(max), SUM(sum), 0 FROM samples_1m GROUP BY indicator, h",
        "UPDATE samples_1h SET last = (SELECT m.last FROM samples_1m m WHERE m.indicator = samples_1h.indicator "
        "AND m.bucket_ms >= samples_1h.bucket_ms AND m.bucket_ms < samples_1h.bucket_ms + 3600000 "
        "ORDER BY m.bucket_ms DESC LIMIT 1)",
    ],
    5: [
        # integrated command (issue 5): the command log (指挥日志), notices to org units and
        # departments (escalations, report reminders, supervision), incident reports
        # (初报/续报/终报). All three are synced entities like incidents and tasks; rows are
        # created once (deterministic ids where a rule makes them, so two nodes that apply the
        # same rule offline make the same row and the platform merges them).
        """CREATE TABLE log (
            id TEXT PRIMARY KEY, incident_id TEXT, ts_ms INTEGER NOT NULL, user TEXT, role TEXT,
            kind TEXT NOT NULL, text TEXT NOT NULL, mode TEXT NOT NULL DEFAULT 'live',
            version INTEGER NOT NULL, hlc TEXT, server_version INTEGER, extra TEXT)""",
        "CREATE INDEX log_incident ON log(incident_id, ts_ms)",
        "CREATE INDEX log_ts ON log(ts_ms)",
        """CREATE TABLE notices (
            id TEXT PRIMARY KEY, org_unit TEXT, department TEXT, kind TEXT NOT NULL, task_id TEXT,
            incident_id TEXT, text TEXT NOT NULL, created_ms INTEGER NOT NULL, read_ms INTEGER,
            read_by TEXT, mode TEXT NOT NULL DEFAULT 'live', version INTEGER NOT NULL, hlc TEXT,
            server_version INTEGER, extra TEXT)""",
        "CREATE INDEX notices_created ON notices(created_ms)",
        "CREATE INDEX notices_org_unit ON notices(org_unit, created_ms)",
        """CREATE TABLE reports (
            id TEXT PRIMARY KEY, incident_id TEXT NOT NULL, kind TEXT NOT NULL,
            number INTEGER NOT NULL, text TEXT NOT NULL, author TEXT, submitted_ms INTEGER NOT NULL,
            mode TEXT NOT NULL DEFAULT 'live', version INTEGER NOT NULL, hlc TEXT,
            server_version INTEGER, extra TEXT)""",
        "CREATE INDEX reports_incident ON reports(incident_id, submitted_ms)",
        # the response plan (预案) under which the current response level was decided
        "ALTER TABLE incidents ADD COLUMN response_plan TEXT",
        # the plan that generated a task; when the escalation rule may look at it again after
        # an escalation (the new holder's window); 督办 and 回访 stamps
        "ALTER TABLE tasks ADD COLUMN plan TEXT",
        "ALTER TABLE tasks ADD COLUMN next_escalation_ms INTEGER",
        "ALTER TABLE tasks ADD COLUMN supervised_ms INTEGER",
        "ALTER TABLE tasks ADD COLUMN supervision TEXT",
        "ALTER TABLE tasks ADD COLUMN followed_up_ms INTEGER",
        "ALTER TABLE tasks ADD COLUMN satisfaction TEXT",
    ],
    6: [
        # the linkage board's views (issue 5, store/board.py): open tasks in deadline order
        # (the deadline that applies now: accept while unsigned, else finish or extension),
        # all of them and per department ("my tasks") and per org unit (the drill-down), so a
        # page is an index walk that stops at its size and "overdue" is a range. The
        # expression and the WHERE term must stay exactly store/board.py's DUE_SQL/OPEN_SQL.
        "CREATE INDEX tasks_open_due ON tasks((CASE WHEN status IN ('dispatched','returned') THEN "
        "accept_by_ms ELSE COALESCE(extension_until_ms, finish_by_ms) END)) "
        "WHERE status IN ('dispatched','returned','accepted','in_progress','feedback')",
        "CREATE INDEX tasks_open_department_due ON tasks(department, (CASE WHEN status IN "
        "('dispatched','returned') THEN accept_by_ms ELSE COALESCE(extension_until_ms, finish_by_ms) END), "
        "status) WHERE status IN ('dispatched','returned','accepted','in_progress','feedback')",
        "CREATE INDEX tasks_open_org_unit_due ON tasks(org_unit, (CASE WHEN status IN "
        "('dispatched','returned') THEN accept_by_ms ELSE COALESCE(extension_until_ms, finish_by_ms) END)) "
        "WHERE status IN ('dispatched','returned','accepted','in_progress','feedback')",
        # KPIs over a time window: the tasks dispatched in it
        "CREATE INDEX tasks_dispatched ON tasks(dispatched_ms)",
        # incidents awaiting dispatch: open ones, newest first
        "CREATE INDEX incidents_open_reported ON incidents(reported_ms) "
        "WHERE status NOT IN ('closed','cancelled')",
    ],
    7: [
        # report reminders (store/escalation.py): has this incident been reminded since its
        # last report? one index probe per incident
        "CREATE INDEX notices_incident ON notices(incident_id, kind, created_ms)",
        "CREATE INDEX reports_incident_kind ON reports(incident_id, kind)",
        # the escalation sweep: tasks below city level by the deadline that escalates them, so
        # a sweep reads only those past it (city-level ones, overdue for ever, are not in them)
        # (keyed by when the rule may next act: the deadline, or the end of the window an
        # escalation gave the new holder; the expressions must stay store/escalation.py's)
        "CREATE INDEX tasks_escalate_accept ON tasks(MAX(accept_by_ms, COALESCE(next_escalation_ms, 0))) "
        "WHERE status = 'dispatched' AND level != 'city'",
        "CREATE INDEX tasks_escalate_finish ON tasks(MAX(COALESCE(extension_until_ms, finish_by_ms), "
        "COALESCE(next_escalation_ms, 0))) WHERE status IN ('accepted', 'in_progress') AND level != 'city'",
    ],
    8: [
        # conflicts you can see (issue 11): a conflict is settled by the user, as accepting the
        # platform's value ("theirs") or re-applying the losing one ("mine", a new operation);
        # both are audited (store/conflicts.py)
        "ALTER TABLE conflicts ADD COLUMN resolved_ms INTEGER",
        "ALTER TABLE conflicts ADD COLUMN resolution TEXT",
        "ALTER TABLE conflicts ADD COLUMN resolved_by TEXT",
        "CREATE INDEX conflicts_open ON conflicts(resolved_ms, at_ms)",
    ],
    9: [
        # bundles (issue 11): each field's hybrid-clock stamp (JSON {field: hlc}), so another
        # node's operation imported from a bundle merges here as on the platform (sync/merge.py);
        # a row without it falls back to the row's hlc
        *(f"ALTER TABLE {t} ADD COLUMN field_hlc TEXT"
          for t in ("incidents", "tasks", "resources", "alarms", "log", "notices", "reports")),
        # operations of other nodes that came in a bundle sit in the outbox under their own
        # (node_id, local_seq), so they are relayed to the platform and into the next bundle;
        # `origin` says where they came from ("bundle:ID"), NULL for our own
        "ALTER TABLE outbox ADD COLUMN origin TEXT",
        """CREATE TABLE bundles (
            bundle_id TEXT PRIMARY KEY, origin_node TEXT NOT NULL, direction TEXT NOT NULL,
            path TEXT, ops INTEGER NOT NULL, applied INTEGER NOT NULL, at_ms INTEGER NOT NULL,
            signer TEXT)""",
    ],
    10: [
        # pending operations are pushed in hybrid-clock order (causal: a relayed create before
        # the updates built on it), read a page at a time
        "CREATE INDEX outbox_pending_hlc ON outbox(acked_ms, hlc)",
    ],
}

SCHEMA_VERSION = max(MIGRATIONS)

COLUMNS = {
    "incidents": frozenset(
        "id title description category severity status generation response_level org_unit "
        "lon lat reported_ms updated_ms mode version hlc server_version response_plan".split()
    ),
    "tasks": frozenset(
        "id incident_id department org_unit level lead status note dispatched_ms accept_by_ms "
        "finish_by_ms accepted_ms finished_ms return_reason extension_requested_ms "
        "extension_until_ms extension_reason escalations escalated_from reminders updated_ms "
        "mode version hlc server_version plan next_escalation_ms supervised_ms supervision "
        "followed_up_ms satisfaction".split()
    ),
    "resources": frozenset(
        "id name kind department org_unit status lon lat heading updated_ms version hlc server_version".split()
    ),
    "alarms": frozenset(
        "id indicator org_unit colour status value raised_ms updated_ms incident_id reason "
        "version hlc server_version".split()
    ),
}
COLUMNS["log"] = frozenset("id incident_id ts_ms user role kind text mode version hlc server_version".split())
COLUMNS_9 = frozenset({"field_hlc"})
COLUMNS["notices"] = frozenset(
    "id org_unit department kind task_id incident_id text created_ms read_ms read_by mode version hlc "
    "server_version".split()
)
COLUMNS["reports"] = frozenset(
    "id incident_id kind number text author submitted_ms mode version hlc server_version".split()
)
COLUMNS = {table: names | COLUMNS_9 for table, names in COLUMNS.items()}
