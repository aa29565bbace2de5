#!/usr/bin/env bash
# scripts/lib/bench-postgres.sh: the journal in PostgreSQL next to SQLite (scripts/bench --scenarios P,
# or alone).
#
#   scripts/lib/bench-postgres.sh [--warden BINARY] [--writer BINARY] [--no-build] [--scratch-path DIR]
#                                 [--hosts 10] [--steps 10] [--appends 2000] [--rounds 3]
#                                 [--adopt-rounds 3] [--api-runs 60] [--parts abcd] [--lease 6s]
#                                 [--adopt-after 3s] [--net 127.28.0] [--port 2622] [--json FILE]
#
# One throwaway PostgreSQL server (Debian's postgresql-15, started as TestPostgres does: initdb as
# the `postgres` user through setpriv when root, pg_ctl on a free loopback port, fsync on, SCRAM
# password of superuser `warden` in a 0600 file; a fresh database per measurement) and one loopback
# fleet of --hosts sshd servers (Tests/Fleet/fleet --log-commands: every command a host receives is
# logged, which the checks count). It measures:
#   a. journal appends: warden-journal-writer (Tests/JournalWriter, one durable append per note)
#      appends --appends notes to an existing run, in SQLite (a state folder) and in PostgreSQL:
#      appends per second, and per-append latency p50/p99/max (the gaps between its successive
#      "appended N" lines, read as they come). The run is the one (b) made in that store.
#   b. `warden run` of --steps dependent steps on every host (scripts/lib/bench-runs.sh's generated
#      runbook, --concurrency N, --yes) with each store: median and min-max wall time over --rounds;
#      every run must leave the last step's file on every host.
#   c. adoption: three `warden serve` controllers on one database (`runs: {lease: 6s, adopt_after:
#      3s}`), a run started through the API waiting on host h01 (a `wait` polling a probe every 1s);
#      the controller carrying it is sent SIGKILL, and the time from the kill to the first command
#      h01 receives afterwards (its commands.log grows: nothing else runs) and to the run's epoch
#      raised are measured, --adopt-rounds times, then the run is let finish (it must succeed).
#      Twice: the three on this machine's hostname (a dead controller's pid is seen gone at once)
#      and, under root, each in its own UTS namespace with its own hostname (`unshare --uts`, as on
#      three machines: adoption waits for the lease to lapse).
#   d. --api-runs (60) runs of 3 steps on every host started at once through the API, spread
#      round-robin over three controllers on one PostgreSQL database, next to one controller
#      on PostgreSQL and one on SQLite doing the same: wall time from the first POST to the last
#      run's finished_at (within 180 s); every run must succeed, and each of its commands must reach
#      each host exactly once (counted in the hosts' commands.log by the run's own tag). Runs taken
#      over by another controller (epoch > 1: a live controller's lease lapsed under the load) are
#      counted; a failure prints the controllers' warnings. Then from the work queue: all of them
#      POSTed to the first controller with "queue": true, each controller carrying 20 at once
#      (runs.max_active), three controllers next to one: the others claim what the first has no
#      room for (FOR UPDATE SKIP LOCKED, woken by NOTIFY).
# --parts picks some of a, b, c, d (default all); --lease and --adopt-after set the controllers'
# `runs:` leases of c and d (default 6s and 3s, as the shared-journal tests; Warden's own defaults
# are 30s and 15s).
# Prints a small table (and one JSON line per measurement; --json FILE writes them); no timing
# assertions. Exit status 1 when a check failed (a run failed, lost or repeated, an append failed).
#
# Binaries: --warden BINARY, else built like scripts/bench (`swift build -c release --product warden`,
# with --scratch-path DIR if given; --no-build uses the existing build). The writer: --writer BINARY,
# else warden-journal-writer beside the warden binary, else the package's debug or release build of
# it, else built (`swift build -c release --product warden-journal-writer`) unless --no-build; without
# it (a) is skipped with a note. BENCH_KEEP=1 keeps the temporary folder (logs) and prints it.
# Takes about 3-4 minutes with the defaults.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$root"
# shellcheck source=scripts/lib/deps.sh
. scripts/lib/deps.sh

FLEET=$root/Tests/Fleet/fleet
warden= writer= build=1 scratch= hosts=10 steps=10 appends=2000 rounds=3 adopt_rounds=3 api_runs=60
net=127.28.0 port=2622 json= parts=abcd lease=6s adopt_after=3s
while (($#)); do
    case $1 in
    --warden) warden=$2; shift 2 ;;
    --writer) writer=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --scratch-path) scratch=$2; shift 2 ;;
    --hosts) hosts=$2; shift 2 ;;
    --steps) steps=$2; shift 2 ;;
    --appends) appends=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --adopt-rounds) adopt_rounds=$2; shift 2 ;;
    --api-runs) api_runs=$2; shift 2 ;;
    --parts) parts=$2; shift 2 ;;
    --lease) lease=$2; shift 2 ;;
    --adopt-after) adopt_after=$2; shift 2 ;;
    --net) net=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --json) json=$2; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-postgres: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
for pair in "--hosts:$hosts" "--steps:$steps" "--appends:$appends" "--rounds:$rounds" "--adopt-rounds:$adopt_rounds" "--api-runs:$api_runs"; do
    [[ ${pair#*:} =~ ^[0-9]+$ ]] && ((${pair#*:} >= 1)) || { echo "bench-postgres: ${pair%%:*} wants a positive whole number" >&2; exit 2; }
done
((appends >= 2)) || { echo "bench-postgres: --appends must be at least 2" >&2; exit 2; }
[[ $parts =~ ^[abcd]+$ ]] || { echo "bench-postgres: --parts wants letters among a, b, c, d: $parts" >&2; exit 2; }
[[ $lease =~ ^[0-9]+[smh]$ && $adopt_after =~ ^[0-9]+[smh]$ ]] || { echo "bench-postgres: --lease and --adopt-after want durations like 6s" >&2; exit 2; }
part() { [[ $parts == *"$1"* ]]; }
note() { printf 'bench-postgres: %s\n' "$*" >&2; }
die() { note "$*"; exit 1; }
command -v python3 >/dev/null || die "python3 is needed"
command -v curl >/dev/null || die "curl is needed"
pg_version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | grep -E '^[0-9]+$' | sort -n | tail -n 1 || true)
[[ -n $pg_version && -x /usr/lib/postgresql/$pg_version/bin/postgres ]] ||
    die "no PostgreSQL server in /usr/lib/postgresql: run '. scripts/lib/deps.sh && warden_ensure_deps' (postgresql-15)"
PG_BIN=/usr/lib/postgresql/$pg_version/bin
if ((EUID == 0)); then
    command -v setpriv >/dev/null || die "setpriv (util-linux) is needed to run PostgreSQL as 'postgres' under root"
fi

# ---------------------------------------------------------------------------------------
# Binaries.

scratch_args=()
[[ -n $scratch ]] && scratch_args=(--scratch-path "$scratch")
if [[ -n $warden ]]; then
    [[ -x $warden ]] || die "--warden: not an executable: $warden"
    warden=$(cd "$(dirname "$warden")" && pwd -P)/${warden##*/}
else
    warden_ensure_swift || die "swift is not available (or pass --warden BINARY)"
    if ((build)); then
        note "building warden (release): swift build -c release --product warden ${scratch_args[*]}"
        swift build -c release --product warden "${scratch_args[@]}" >&2 || die "swift build failed"
    fi
    bin_path=$(swift build -c release --show-bin-path "${scratch_args[@]}" 2>/dev/null || true)
    [[ -x $bin_path/warden ]] || die "no binary at ${bin_path:-?}/warden (build it, or pass --warden BINARY)"
    warden=$bin_path/warden
fi
if [[ -n $writer ]]; then
    [[ -x $writer ]] || die "--writer: not an executable: $writer"
else
    for candidate in "${warden%/*}/warden-journal-writer" "$root/.build/release/warden-journal-writer" \
        "$root/.build/debug/warden-journal-writer"; do
        if [[ -x $candidate ]]; then writer=$candidate; break; fi
    done
    if [[ -z $writer ]] && ((build)) && warden_ensure_swift; then
        note "building warden-journal-writer: swift build -c release --product warden-journal-writer ${scratch_args[*]}"
        if swift build -c release --product warden-journal-writer "${scratch_args[@]}" >&2; then
            bin_path=$(swift build -c release --show-bin-path "${scratch_args[@]}" 2>/dev/null || true)
            [[ -x $bin_path/warden-journal-writer ]] && writer=$bin_path/warden-journal-writer
        fi
    fi
    [[ -n $writer ]] || note "no warden-journal-writer (pass --writer BINARY): (a) is skipped"
fi

# ---------------------------------------------------------------------------------------
# Session folder, cleanup.

work=$(mktemp -d "${TMPDIR:-/tmp}/warden-bench-pg.XXXXXX")
chmod 755 "$work"
pg_dir=$work/pg
fleet_dir=$work/fleet
fleet_up=0 pg_up=0
serve_pids=()
failures=0
results=()

pg_as() {
    if ((EUID == 0)); then
        setpriv --reuid=postgres --regid=postgres --init-groups env PATH=/usr/bin:/bin LANG=C "$@"
    else
        env PATH=/usr/bin:/bin LANG=C "$@"
    fi
}
stop_serves() {
    local p
    for p in "${serve_pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${serve_pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    serve_pids=()
}
cleanup() {
    local rc=$?
    set +e
    stop_serves
    ((fleet_up)) && { "$FLEET" down --dir "$fleet_dir" >/dev/null 2>&1 || note "warning: fleet down failed"; }
    ((pg_up)) && { pg_as "$PG_BIN/pg_ctl" stop -D "$pg_dir/data" -m immediate -w >/dev/null 2>&1 || note "warning: pg_ctl stop failed"; }
    if [[ ${BENCH_KEEP:-} == 1 ]]; then note "kept $work (BENCH_KEEP)"; else rm -rf "$work"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

record() { results+=("$1"); printf '%s\n' "$1" | tee -a "$work/results.jsonl"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# The measuring helper (python: timing lines as they come, many API calls at once).
py=$work/bench-postgres.py
cat >"$py" <<'PY'
import json, os, statistics, subprocess, sys, threading, time, urllib.request

def quantile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(p / 100 * (len(xs) - 1))))] if xs else None

def call(url, token, path, body=None, timeout=30):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data, headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as answer:
        return json.load(answer)

def appends(store, writer, state, run, count):
    """warden-journal-writer STATE RUN COUNT: the time of each "appended" line as it comes."""
    count = int(count)
    started = time.monotonic()
    child = subprocess.Popen([writer, state, run, str(count), "bench-pg-lock", str(10 ** 9)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stamps = []
    for line in child.stdout:
        if line.startswith("appended "):
            stamps.append(time.monotonic())
    error = child.stderr.read()
    status = child.wait()
    gaps = [(b - a) * 1000 for a, b in zip(stamps, stamps[1:])]
    out = {"measure": "journal_appends", "store": store, "appends": len(stamps), "exit": status,
           "appends_per_second": round((len(stamps) - 1) / (stamps[-1] - stamps[0]), 1) if len(stamps) > 1 else None,
           "latency_ms_p50": round(quantile(gaps, 50), 3) if gaps else None,
           "latency_ms_p99": round(quantile(gaps, 99), 3) if gaps else None,
           "latency_ms_max": round(max(gaps), 3) if gaps else None,
           "open_ms": round((stamps[0] - started) * 1000, 1) if stamps else None}
    if status != 0 or len(stamps) != count:
        out["error"] = error.strip()[-400:]
    print(json.dumps(out))

def adopt_watch(log, size, t_kill, urls, token, run, epoch, limit):
    """After a SIGKILL at t_kill (wall clock): when the host's commands.log grew past size, and when the run's epoch rose."""
    size, t_kill, epoch, limit = int(size), float(t_kill), int(epoch), float(limit)
    first = raised = controller = None
    deadline = time.time() + limit
    next_api = 0.0
    while time.time() < deadline and (first is None or raised is None):
        now = time.time()
        if first is None and os.path.getsize(log) > size:
            first = now - t_kill
        if raised is None and now >= next_api:
            next_api = now + 0.05
            for url in urls.split(","):
                try:
                    got = call(url, token, "/api/v1/runs/" + run, timeout=2)["run"]
                except Exception:
                    continue
                if got.get("epoch", 0) > epoch:
                    raised, controller = time.time() - t_kill, got.get("controller")
                break
        time.sleep(0.005)
    print(json.dumps({"first_command_s": None if first is None else round(first, 3),
                      "epoch_raised_s": None if raised is None else round(raised, 3), "adopter": controller}))

def await_run(urls, token, run, limit):
    deadline = time.time() + float(limit)
    while time.time() < deadline:
        for url in urls.split(","):
            try:
                got = call(url, token, "/api/v1/runs/" + run, timeout=5)["run"]
            except Exception:
                continue
            if got["status"] != "running":
                print(got["status"])
                return
            break
        time.sleep(0.2)
    print("running")

def start_many(label, urls, token, runbook, inventory, count, prefix, fleet, hosts, steps, limit, mode="spread"):
    """COUNT runs at once, round-robin over URLS (mode spread) or all POSTed to the first with
    "queue": true (mode queue: the controllers claim them from the journal's queue); wall time
    from the first POST to the last finished_at."""
    urls, count, hosts, steps = urls.split(","), int(count), int(hosts), int(steps)
    runs, errors = [None] * count, []
    def start(k):
        url = urls[k % len(urls)] if mode == "spread" else urls[0]
        body = {"runbook": runbook, "inventory": inventory, "params": {"tag": f"{prefix}-{k:03d}"}}
        try:
            # A generous limit: under load a controller may take long to answer, and a POST given up
            # on may still have started its run (it would then count as "started twice" here).
            plan = call(url, token, "/api/v1/plans", body, timeout=180)
            answer = call(url, token, "/api/v1/runs", dict(body, plan_hash=plan["hash"], **({"queue": True} if mode == "queue" else {})), timeout=180)
            if "run_id" in answer:
                runs[k] = (url, answer["run_id"])
            else:  # queued: its run id once a controller started it
                deadline = time.time() + float(limit)
                while time.time() < deadline:
                    item = call(url, token, "/api/v1/queue/" + answer["item"])
                    if item.get("run_id"):
                        runs[k] = (url, item["run_id"]); break
                    if item["state"] not in ("ready", "claimed"):
                        raise RuntimeError(f"queued item {item['id']} {item['state']}: {item.get('outcome')}")
                    time.sleep(0.2)
        except Exception as error:
            errors.append(f"start {k} via {url}: {error}")
    t0 = time.time()
    threads = [threading.Thread(target=start, args=(k,)) for k in range(count)]
    for t in threads: t.start()
    for t in threads: t.join()
    started = time.time() - t0
    status, finished, epochs = {}, {}, {}
    deadline = time.time() + float(limit)
    pending = [r for r in runs if r]
    while pending and time.time() < deadline:
        still = []
        for url, run in pending:
            try:
                got = call(url, token, "/api/v1/runs/" + run)["run"]
            except Exception:
                still.append((url, run)); continue
            if got["status"] == "running":
                still.append((url, run))
            else:
                status[run], finished[run], epochs[run] = got["status"], got.get("finished_at"), got.get("epoch", 1)
        pending = still
        if pending: time.sleep(0.2)
    # Each run's commands on each host, by its tag: exactly once per step and host.
    seen = {}
    for name in os.listdir(os.path.join(fleet, "hosts")):
        path = os.path.join(fleet, "hosts", name, "commands.log")
        if not os.path.exists(path): continue
        for line in open(path, errors="replace"):
            at = line.find(f"tag={prefix}-")
            if at >= 0:
                tag = line[at + 4:].split()[0].strip("'\";")
                seen[tag] = seen.get(tag, 0) + 1
    expected = hosts * steps
    wrong = {t: n for t, n in seen.items() if n != expected}
    missing = count - len(seen)
    ends = [f for f in finished.values() if f]
    out = {"measure": "api_runs", "label": label, "controllers": len(urls), "runs": count,
           "started_s": round(started, 2), "wall_s": round(max(ends) - t0, 2) if ends else None,
           "succeeded": sum(1 for s in status.values() if s == "succeeded"),
           "taken_over": sum(1 for e in epochs.values() if e > 1),
           "not_succeeded": {r: s for r, s in status.items() if s != "succeeded"}, "unfinished": len(pending),
           "start_errors": errors[:5], "commands_expected_per_run": expected,
           "runs_with_wrong_command_count": wrong, "runs_with_no_command": missing}
    if pending:  # still running at the limit: their epoch and lease (a run parked for an operator has none)
        out["unfinished_runs"] = {}
        for url, run in pending:
            try:
                got = call(url, token, "/api/v1/runs/" + run)["run"]
                out["unfinished_runs"][run] = {"epoch": got.get("epoch"), "controller": got.get("controller"), "lease_until": got.get("lease_until")}
                if got.get("epoch", 1) > 1: out["taken_over"] += 1
            except Exception as error:
                out["unfinished_runs"][run] = str(error)
    out["ok"] = (not errors and not pending and out["succeeded"] == count and not wrong and missing == 0)
    print(json.dumps(out))

if __name__ == "__main__":
    {"appends": appends, "adopt-watch": adopt_watch, "await-run": await_run, "start-many": start_many}[sys.argv[1]](*sys.argv[2:])
PY

# ---------------------------------------------------------------------------------------
# PostgreSQL (as TestPostgres starts it), the fleet, the runbooks.

start_postgres() {
    local password
    mkdir -p "$pg_dir/socket"
    chmod 755 "$pg_dir" "$pg_dir/socket"
    password=$(python3 -c 'import uuid; print(uuid.uuid4())')
    PG_PASSWORD_FILE=$pg_dir/password
    (umask 077 && printf '%s\n' "$password" >"$PG_PASSWORD_FILE")
    (umask 077 && printf '%s\n' "$password" >"$pg_dir/socket/initdb-password")
    ((EUID != 0)) || chown postgres:postgres "$pg_dir" "$pg_dir/socket" "$pg_dir/socket/initdb-password"
    PG_PORT=$(free_port)
    pg_as "$PG_BIN/initdb" -D "$pg_dir/data" -U warden --pwfile="$pg_dir/socket/initdb-password" --auth-local=trust \
        --auth-host=scram-sha-256 -E UTF8 --locale=C --no-sync --no-instructions >"$pg_dir/initdb.log" 2>&1 ||
        { cat "$pg_dir/initdb.log" >&2; die "initdb failed"; }
    rm -f "$pg_dir/socket/initdb-password"
    printf '%s\n' "listen_addresses='127.0.0.1'" "port=$PG_PORT" "unix_socket_directories='$pg_dir/socket'" "fsync=on" \
        "max_connections=300" "logging_collector=off" "log_min_messages=warning" >"$pg_dir/warden.conf"
    chmod 644 "$pg_dir/warden.conf"
    pg_as sh -c 'echo "include '"'"'$1'"'"'" >>"$2"' sh "$pg_dir/warden.conf" "$pg_dir/data/postgresql.conf"
    pg_up=1
    pg_as "$PG_BIN/pg_ctl" start -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 >/dev/null ||
        { tail -n 20 "$pg_dir/server.log" >&2; die "pg_ctl start failed"; }
    export WARDEN_STATE_PASSWORD_FILE=$PG_PASSWORD_FILE
}
new_database() { # NAME: creates it, prints its URL
    "$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$pg_dir/socket" -p "$PG_PORT" -U warden -d postgres \
        -c "CREATE DATABASE \"$1\"" >/dev/null
    printf 'postgres://warden@127.0.0.1:%s/%s\n' "$PG_PORT" "$1"
}

note "work folder $work; warden $warden; writer ${writer:-none}"
start_postgres
"$FLEET" up --hosts "$hosts" --dir "$fleet_dir" --net "$net" --port "$port" --log-commands >/dev/null 2>"$work/fleet.err" ||
    { cat "$work/fleet.err" >&2; die "fleet up --hosts $hosts failed (another --net/--port?)"; }
fleet_up=1
# shellcheck source=/dev/null
. "$fleet_dir/fleet.env"
# shellcheck source=scripts/lib/bench-runs.sh
. scripts/lib/bench-runs.sh
write_step_files # $work/steps.yaml: --steps dependent steps on every host (scenario B's runbook)
mkdir -p "$work/runbooks"
{
    echo "name: bench-pg-steps"
    echo "params: {tag: {type: string, required: true}}"
    echo "targets: {fleet: {hosts: fleet, at_least: 1}}"
    echo "steps:"
    for k in 1 2 3; do printf '  - {id: s%s, on: fleet, run: ": tag={{ params.tag }} step=s%s", unguarded: "a benchmark"}\n' "$k" "$k"; done
} >"$work/runbooks/steps.yaml"
first_host=$(awk 'NR == 1 { print $1 }' "$fleet_dir/fleet.manifest")
{
    echo "name: bench-pg-adopt"
    echo "params: {tag: {type: string, required: true}}"
    echo "targets: {one: {hosts: $first_host, exactly: 1}}"
    echo "probes:"
    echo "  go:"
    echo "    on: one"
    echo "    run: \"if [ -e $work/go-{{ params.tag }} ]; then echo '{\\\"go\\\": true}'; else echo '{\\\"go\\\": false}'; fi\""
    echo "    parse: json"
    echo "steps:"
    echo "  - {id: hold, wait: {probe: go, until: result.go, every: 1s, timeout: 5m}}"
    echo "  - {id: done, on: one, run: \": tag={{ params.tag }} done\", unguarded: \"a benchmark\"}"
} >"$work/runbooks/adopt.yaml"
"$warden" validate "$work/runbooks/steps.yaml" >/dev/null
"$warden" validate "$work/runbooks/adopt.yaml" >/dev/null || { "$warden" validate "$work/runbooks/adopt.yaml" >&2; die "adopt.yaml"; }
mkdir -m 700 "$work/site"
operator=$("$warden" token add bench --role operator --tokens "$work/site/tokens.json" 2>/dev/null)

# start_serve NAME STATE-YAML [HOSTNAME]: a controller (its own hostname under `unshare --uts`
# when given); sets serve_url, appends to serve_pids.
start_serve() {
    local name=$1 state=$2 hostname=${3:-} p attempt
    mkdir -p -m 700 "$work/site/$name"
    for attempt in 1 2 3; do
        p=$(free_port)
        cat >"$work/site/$name/serve.yaml" <<YAML
listen: 127.0.0.1:$p
tokens: $work/site/tokens.json
$state
inventories: {fleet: $FLEET_INVENTORY}
runbooks: [$work/runbooks]
runs: {lease: $lease, adopt_after: $adopt_after, max_active: ${serve_max_active:-128}}
YAML
        if [[ -n $hostname ]]; then
            unshare --uts sh -c 'hostname "$1" && shift && exec "$@"' sh "$hostname" \
                "$warden" serve --config "$work/site/$name/serve.yaml" --log-level warning >>"$work/site/$name/serve.log" 2>&1 &
        else
            "$warden" serve --config "$work/site/$name/serve.yaml" --log-level warning >>"$work/site/$name/serve.log" 2>&1 &
        fi
        serve_pids+=($!)
        serve_pid=$!
        serve_url=http://127.0.0.1:$p
        for _ in $(seq 150); do
            curl -fsS -m 2 "$serve_url/healthz" >/dev/null 2>&1 && return 0
            kill -0 "$serve_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$serve_pid" 2>/dev/null || true
    done
    tail -n 20 "$work/site/$name/serve.log" >&2
    die "controller $name did not start"
}
pg_state() { # URL FOLDER: the state: mapping of a controller on PostgreSQL
    printf 'state:\n  journal: %s\n  password_file: %s\n  folder: %s\n' "$1" "$PG_PASSWORD_FILE" "$2"
}

# ---------------------------------------------------------------------------------------
# (b) the steps with each store, then (a) appends to the run it made.

median_of() { python3 -c 'import statistics, sys; xs = [float(x) for x in sys.argv[1:]]; print(f"{statistics.median(xs):.3f} {min(xs):.3f} {max(xs):.3f}")' "$@"; }
sqlite_state=$work/sqlite-state
pg_runs_url=$(new_database bench_runs)
declare -A run_of=()
for store in sqlite postgres; do
    part a || part b || break
    state=$sqlite_state
    [[ $store == postgres ]] && state=$pg_runs_url
    times=()
    for ((r = 0; r <= rounds; r++)); do # round 0: warm-up
        steps_reset
        t0=$EPOCHREALTIME
        part b || ((r == 0)) || break # (a) alone needs one run in each store
        if "$warden" run "$work/steps.yaml" -i "$FLEET_INVENTORY" --yes --state "$state" --concurrency "$hosts" >"$work/run-$store-$r.log" 2>&1 &&
            steps_hosts_now=$hosts steps_check; then
            ((r == 0)) || times+=("$(python3 -c "print($EPOCHREALTIME - $t0)")")
        else
            note "warden run ($store, round $r) failed: $(tail -n 3 "$work/run-$store-$r.log")"
            failures=$((failures + 1))
        fi
    done
    if part b && ((${#times[@]})); then
        read -r med lo hi <<<"$(median_of "${times[@]}")"
        record "{\"measure\": \"steps_run\", \"store\": \"$store\", \"hosts\": $hosts, \"steps\": $steps, \"rounds\": ${#times[@]}, \"median_s\": $med, \"min_s\": $lo, \"max_s\": $hi}"
    fi
    run_of[$store]=$("$warden" runs --state "$state" --output json | python3 -c 'import json, sys; d = json.load(sys.stdin); d = d if isinstance(d, list) else d.get("runs", []); print(d[0]["id"] if d else "")')
done

if [[ -n $writer ]] && part a; then
    for store in sqlite postgres; do
        state=$sqlite_state
        [[ $store == postgres ]] && state=$pg_runs_url
        if [[ -z ${run_of[$store]} ]]; then
            note "no run in the $store journal: (a) skipped for it"
            continue
        fi
        line=$(python3 "$py" appends "$store" "$writer" "$state" "${run_of[$store]}" "$appends")
        record "$line"
        [[ $line == *'"error"'* ]] && { note "appends ($store): $line"; failures=$((failures + 1)); }
    done
fi

# ---------------------------------------------------------------------------------------
# (c) SIGKILL of the carrying controller -> first host command of the adopted run.

adopt_bench() { # LABEL SEPARATE(0|1)
    local label=$1 separate=$2 url urls i k tag run_id carrier victim size t_kill line status epoch
    url=$(new_database "bench_adopt_$label")
    local -a ports=() pids=() names=()
    for i in 1 2 3; do
        start_serve "adopt-$label-c$i" "$(pg_state "$url" "$work/site/adopt-$label-c$i/state")" \
            "$( ((separate)) && echo "bench-pg-c$i")"
        ports+=("$serve_url") pids+=("$serve_pid") names+=("adopt-$label-c$i")
    done
    local log=$fleet_dir/hosts/$first_host/commands.log
    for ((k = 1; k <= adopt_rounds; k++)); do
        tag=adopt-$label-$k
        urls=$(IFS=, && echo "${ports[*]}")
        hash=$(curl -fsS -H "Authorization: Bearer $operator" -d "{\"runbook\":\"bench-pg-adopt\",\"inventory\":\"fleet\",\"params\":{\"tag\":\"$tag\"}}" "${ports[0]}/api/v1/plans" |
            python3 -c 'import json, sys; print(json.load(sys.stdin)["hash"])')
        run_id=$(curl -fsS -H "Authorization: Bearer $operator" -d "{\"runbook\":\"bench-pg-adopt\",\"inventory\":\"fleet\",\"params\":{\"tag\":\"$tag\"},\"plan_hash\":\"$hash\"}" \
            "${ports[$(((k - 1) % 3))]}/api/v1/runs" | python3 -c 'import json, sys; print(json.load(sys.stdin)["run_id"])')
        # Waiting on h01: its probe has been polled at least twice.
        for _ in $(seq 300); do
            (($(grep -c "go-$tag" "$log" || true) >= 2)) && break
            sleep 0.1
        done
        read -r epoch carrier <<<"$(curl -fsS -H "Authorization: Bearer $operator" "${ports[0]}/api/v1/runs/$run_id" |
            python3 -c 'import json, sys; r = json.load(sys.stdin)["run"]; print(r["epoch"], r["controller"])')"
        victim=
        for i in 0 1 2; do [[ ${carrier##*:} == "${pids[i]}" ]] && victim=$i; done
        if [[ -z $victim ]]; then
            note "adoption ($label, $k): carrier $carrier is none of ${pids[*]}"
            failures=$((failures + 1))
            continue
        fi
        sleep "0.$((RANDOM % 10))" # anywhere in the probe's 1 s cycle
        size=$(stat -c %s "$log")
        t_kill=$EPOCHREALTIME
        kill -KILL "${pids[victim]}"
        survivors=()
        for i in 0 1 2; do ((i == victim)) || survivors+=("${ports[i]}"); done
        line=$(python3 "$py" adopt-watch "$log" "$size" "$t_kill" "$(IFS=, && echo "${survivors[*]}")" "$operator" "$run_id" "$epoch" 60)
        wait "${pids[victim]}" 2>/dev/null || true
        touch "$work/go-$tag"
        status=$(python3 "$py" await-run "$(IFS=, && echo "${survivors[*]}")" "$operator" "$run_id" 60)
        record "$(python3 -c 'import json, sys; d = json.loads(sys.argv[1]); d.update(measure="adoption", machines=sys.argv[2], round=int(sys.argv[3]), run=sys.argv[4], status=sys.argv[5]); print(json.dumps(d))' \
            "$line" "$label" "$k" "$run_id" "$status")"
        [[ $status == succeeded && $line != *null* ]] || { note "adoption ($label, $k): $line, run $status"; failures=$((failures + 1)); }
        # Back to three: the killed one restarted (under its own name again, on one machine).
        start_serve "${names[victim]}" "$(pg_state "$url" "$work/site/${names[victim]}/state")" \
            "$( ((separate)) && echo "bench-pg-c$((victim + 1))-$k")"
        ports[victim]=$serve_url pids[victim]=$serve_pid
    done
    stop_serves
}
if part c; then
    adopt_bench one 0
    if ((EUID == 0)) && command -v unshare >/dev/null; then
        adopt_bench three 1
    else
        note "adoption across machines skipped (needs root for unshare --uts)"
    fi
fi

# ---------------------------------------------------------------------------------------
# (d) --api-runs runs through the API: three controllers on PostgreSQL, one on PostgreSQL, one on SQLite.

api_bench() { # LABEL COUNT STATE-KIND [queue]
    local label=$1 count=$2 kind=$3 mode=${4:-spread} url i urls=() line serve_max_active=128
    # From the queue: each controller carries 20 at once, and the rest wait for whichever has room.
    [[ $mode == queue ]] && serve_max_active=20
    [[ $kind == postgres ]] && url=$(new_database "bench_api_$label")
    for ((i = 1; i <= count; i++)); do
        if [[ $kind == postgres ]]; then
            start_serve "api-$label-c$i" "$(pg_state "$url" "$work/site/api-$label-c$i/state")"
        else
            start_serve "api-$label-c$i" "state: $work/site/api-$label-c$i/state"
        fi
        urls+=("$serve_url")
    done
    line=$(python3 "$py" start-many "$label" "$(IFS=, && echo "${urls[*]}")" "$operator" bench-pg-steps fleet "$api_runs" "api-$label" \
        "$fleet_dir" "$hosts" 3 180 "$mode")
    record "$line"
    if [[ $line != *'"ok": true'* ]]; then
        note "api runs ($label): $line"
        note "their controllers' warnings:"
        cat "$work/site/api-$label-c"*/serve.log | grep -E ' (warning|error) ' | cut -c1-300 >&2 || true
        failures=$((failures + 1))
    fi
    stop_serves
}
if part d; then
    api_bench pg3 3 postgres
    api_bench pg1 1 postgres
    api_bench sqlite1 1 sqlite
    api_bench pg3q 3 postgres queue
    api_bench pg1q 1 postgres queue
fi

# ---------------------------------------------------------------------------------------
# The table.

[[ -z $json ]] || cp "$work/results.jsonl" "$json" 2>/dev/null || : >"$json"
touch "$work/results.jsonl"
python3 - "$work/results.jsonl" "$hosts" "$steps" "$appends" "$api_runs" "$lease" "$adopt_after" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
hosts, steps, appends, api_runs, lease, adopt_after = sys.argv[2:]
f = lambda x, d=2: "-" if x is None else f"{x:.{d}f}"
print()
print(f"PostgreSQL journal next to SQLite (PostgreSQL fsync on; {hosts} loopback hosts; controllers' runs: lease {lease}, adopt_after {adopt_after})")
print(f"{'measure':<44} {'SQLite':>16} {'PostgreSQL':>16}")
a = {r["store"]: r for r in rows if r["measure"] == "journal_appends"}
if a:
    print(f"{'a. appends/s (' + appends + ' notes, one writer)':<44} {f(a.get('sqlite', {}).get('appends_per_second'), 0):>16} {f(a.get('postgres', {}).get('appends_per_second'), 0):>16}")
    for q in ("p50", "p99", "max"):
        print(f"{'   append latency ' + q + ', ms':<44} {f(a.get('sqlite', {}).get('latency_ms_' + q), 3):>16} {f(a.get('postgres', {}).get('latency_ms_' + q), 3):>16}")
b = {r["store"]: r for r in rows if r["measure"] == "steps_run"}
if b:
    cell = lambda r: "-" if not r else f"{r['median_s']:.2f} ({r['min_s']:.2f}-{r['max_s']:.2f})"
    print(f"{'b. warden run, ' + steps + ' steps x ' + hosts + ' hosts, s':<44} {cell(b.get('sqlite')):>16} {cell(b.get('postgres')):>16}")
print()
for machines in ("one", "three"):
    c = [r for r in rows if r["measure"] == "adoption" and r["machines"] == machines]
    if not c: continue
    first = [r["first_command_s"] for r in c if r["first_command_s"] is not None]
    raised = [r["epoch_raised_s"] for r in c if r["epoch_raised_s"] is not None]
    span = lambda xs: "-" if not xs else f"{statistics.median(xs):.2f} ({min(xs):.2f}-{max(xs):.2f})"
    where = "on one machine (dead pid seen)" if machines == "one" else "on three hostnames (lease lapse)"
    print(f"c. SIGKILL -> adopted run's first host command, {where}: median {span(first)} s; epoch raised {span(raised)} s; "
          f"{len(c)} kills, runs {', '.join(sorted(set(r['status'] for r in c)))}")
print()
d = [r for r in rows if r["measure"] == "api_runs"]
if d:
    print(f"d. {api_runs} runs (3 steps x {hosts} hosts) started at once through the API")
    print(f"   {'controllers':<26} {'wall s':>8} {'POSTs s':>8} {'succeeded':>10} {'taken over':>11} {'each command once':>18}")
    names = {"pg3": "3 on PostgreSQL", "pg1": "1 on PostgreSQL", "sqlite1": "1 on SQLite",
             "pg3q": "3 on PG, queued (20 each)", "pg1q": "1 on PG, queued (20)"}
    for r in d:
        once = "yes" if not r["runs_with_wrong_command_count"] and r["runs_with_no_command"] == 0 else f"NO ({len(r['runs_with_wrong_command_count'])} wrong, {r['runs_with_no_command']} none)"
        print(f"   {names.get(r['label'], r['label']):<26} {f(r['wall_s']):>8} {f(r['started_s']):>8} {str(r['succeeded']) + '/' + str(r['runs']):>10} {r.get('taken_over', 0):>11} {once:>18}")
PY
((failures == 0)) || { note "$failures check(s) failed (see above)"; exit 1; }
