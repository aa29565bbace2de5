#!/usr/bin/env bash
# scripts/lib/bench-serve.sh: `warden serve` under load (scripts/bench --scenarios S, or alone).
#
#   scripts/lib/bench-serve.sh --warden BINARY [--hosts 5] [--net 127.26.0] [--port 2322] [--json FILE] [--only alerts]
#
# On a loopback fleet of --hosts sshd servers and one daemon (SQLite state, a free loopback port):
#   1. GET /api/v1/runs (a page of 50) and GET /api/v1/runs/{id} with 10,000 runs in the journal:
#      p50/p99/max over 2,000 requests on one keep-alive connection (target: p99 <= 20 ms), and
#      wrk's throughput on /healthz and /api/v1/runs/{id} when wrk is installed (Debian's wrk).
#   1b. The web UI's server time: the runs page (100 newest of the 10,000 runs) and the run page of a
#      real 50-host, 10-step run (the 50 inventory hosts share the fleet's servers), p50/p99/max over
#      500 requests each (target: p99 <= 50 ms), and each page's weight with the stylesheet and
#      script (target: under 100 KB).
#   2. 50 SSE clients following one run of 20 steps on every host: how long after being journaled
#      each event reached each client (target: p99 <= 50 ms); the run waits at an approval gate
#      until every client is connected, so only live events are timed.
#   3. 20 runs (3 steps on every host) started at once through the API, against 20 `warden run`
#      processes started at once on the same fleet: wall time until all ended; none may be lost.
#   4. The daemon's RSS idle, and its peak while the 20 runs are active.
#   5. A burst of 1,000 Alertmanager deliveries (20 incident keys) from 10 clients (bench-alerts.py):
#      answers (all 202), latency p50/p99 (target: p99 <= 50 ms), every delivery decided, 20 runs
#      started, and the time from a key's first delivery to its run's first host command.
# Prints one JSON line per measurement and a summary; --json FILE writes them all. --only alerts runs
# step 5 alone (to measure a change to the receiver without the half hour before it);
# BENCH_ALERTS_TRACE=FILE keeps its requests' start times and latencies (bench-alerts.py --trace).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$root"
warden= hosts=5 net=127.26.0 port=2322 json= only=
while (($#)); do
    case $1 in
        --warden) warden=$2; shift 2 ;;
        --hosts) hosts=$2; shift 2 ;;
        --net) net=$2; shift 2 ;;
        --port) port=$2; shift 2 ;;
        --json) json=$2; shift 2 ;;
        --only) only=$2; shift 2 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "bench-serve: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
[[ -z $only || $only == alerts ]] || { echo "bench-serve: --only takes 'alerts'" >&2; exit 2; }
[[ -x $warden ]] || { echo "bench-serve: --warden BINARY is required (a release build: swift build -c release --product warden)" >&2; exit 2; }
py=scripts/lib/bench-serve.py
work=$(mktemp -d "${TMPDIR:-/tmp}/warden-bench-serve.XXXXXX")
serve_pid=
cleanup() {
    [[ -n $serve_pid ]] && kill -TERM "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
    Tests/Fleet/fleet down --dir "$work/fleet" >/dev/null 2>&1 || true
    [[ ${BENCH_KEEP:-0} == 1 ]] || rm -rf "$work"
}
trap cleanup EXIT
results=()
record() { results+=("$1"); printf '%s\n' "$1"; }

Tests/Fleet/fleet up --hosts "$hosts" --dir "$work/fleet" --net "$net" --port "$port" >/dev/null
mkdir -p "$work/runbooks" && mkdir -m 700 "$work/state"
{
    echo "name: bench-steps"
    echo "targets: {fleet: {hosts: fleet, at_least: 1}}"
    echo "steps:"
    for k in 1 2 3; do printf '  - {id: s%s, on: fleet, run: "true", unguarded: "a benchmark"}\n' "$k"; done
} >"$work/runbooks/steps.yaml"
{
    echo "name: bench-stream"
    echo "allow_self_approval: false"
    echo "targets: {fleet: {hosts: fleet, at_least: 1}}"
    echo "steps:"
    echo "  - {id: go, approve: {quorum: 1, timeout: 10m}}"
    for k in $(seq 20); do printf '  - {id: s%s, on: fleet, run: "sleep 0.02", unguarded: "a benchmark"}\n' "$k"; done
} >"$work/runbooks/stream.yaml"
{
    echo "name: bench-grid"
    echo "targets: {grid: {hosts: grid, at_least: 1}}"
    echo "steps:"
    for k in $(seq 10); do printf '  - {id: step%s, on: grid, run: "true", unguarded: "a benchmark"}\n' "$k"; done
} >"$work/runbooks/grid.yaml"
# 50 inventory hosts on the fleet's servers: the run page's grid is 50 hosts by 10 steps.
{
    sed -n '1,/^hosts:/p' "$work/fleet/inventory.yaml"
    for i in $(seq 50); do
        printf '  g%02d:\n    address: %s.%s\n    port: %s\n    groups: [grid]\n' "$i" "$net" $(((i - 1) % hosts + 1)) "$port"
    done
} >"$work/grid.yaml"
"$warden" validate "$work/runbooks/steps.yaml" >/dev/null
"$warden" validate "$work/runbooks/stream.yaml" >/dev/null
http_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$http_port
cat >"$work/serve.yaml" <<YAML
listen: 127.0.0.1:$http_port
state: state
inventories: {fleet: fleet/inventory.yaml, grid: grid.yaml}
runbooks: [runbooks]
runs: {max_active: 64}
YAML
if [[ -z $only ]]; then
operator=$("$warden" token add bench --role operator --tokens "$work/state/tokens.json" 2>/dev/null)
approver=$("$warden" token add bench-approver --role approver --tokens "$work/state/tokens.json" 2>/dev/null)
"$warden" serve --config "$work/serve.yaml" --log-level warning 2>"$work/serve.log" &
serve_pid=$!
for _ in $(seq 100); do curl -fsS "$url/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
rss() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$serve_pid/status"; }
record "{\"measure\": \"rss_idle_mib\", \"value\": $(rss)}"

# 1. Listing latency with 10,000 runs.
python3 "$py" seed-runs "$work/state/journal.sqlite" 10000 >/dev/null
record "$(python3 "$py" latency "$url" "$operator" "/api/v1/runs?limit=50" 2000)"
record "$(python3 "$py" latency "$url" "$operator" "/api/v1/runs?runbook=bench&status=succeeded&trigger=api&limit=50" 2000)"
record "$(python3 "$py" latency "$url" "$operator" "/api/v1/runs/bench-005000" 2000)"
if command -v wrk >/dev/null 2>&1; then
    for path in /healthz /api/v1/runs/bench-005000; do
        rps=$(wrk -t2 -c16 -d5s -H "Authorization: Bearer $operator" "$url$path" | awk '/Requests\/sec/ {print $2}')
        record "{\"measure\": \"wrk_requests_per_second\", \"path\": \"$path\", \"value\": ${rps:-0}}"
    done
else
    record '{"measure": "wrk_requests_per_second", "skipped": "wrk is not installed (apt-get install wrk)"}'
fi

# 1b. The web UI: the runs page over 10,000 runs, and the run page of a 50-host, 10-step run.
record "$(python3 "$py" page-latency "$url" "$operator" "/" 500)"
grid_plan=$(curl -fsS -H "Authorization: Bearer $operator" -d '{"runbook":"bench-grid","inventory":"grid"}' "$url/api/v1/plans")
grid_hash=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["hash"])' <<<"$grid_plan")
grid_run=$(curl -fsS -H "Authorization: Bearer $operator" -d "{\"runbook\":\"bench-grid\",\"inventory\":\"grid\",\"plan_hash\":\"$grid_hash\"}" "$url/api/v1/runs" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["run_id"])')
for _ in $(seq 600); do
    status=$(curl -fsS -H "Authorization: Bearer $operator" "$url/api/v1/runs/$grid_run" | python3 -c 'import json,sys; print(json.load(sys.stdin)["run"]["status"])')
    [[ $status != running ]] && break
    sleep 0.1
done
record "$(python3 "$py" page-latency "$url" "$operator" "/runs/$grid_run" 500)"

# 2. 50 SSE clients on one run, held at its gate until they are all connected.
plan=$(curl -fsS -H "Authorization: Bearer $operator" -d '{"runbook":"bench-stream","inventory":"fleet"}' "$url/api/v1/plans")
hash=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["hash"])' <<<"$plan")
run=$(curl -fsS -H "Authorization: Bearer $operator" -d "{\"runbook\":\"bench-stream\",\"inventory\":\"fleet\",\"plan_hash\":\"$hash\"}" "$url/api/v1/runs" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["run_id"])')
python3 "$py" sse "$url" "$operator" "$run" 50 >"$work/sse.json" &
sse_pid=$!
sleep 2
curl -fsS -H "Authorization: Bearer $approver" -d '{"decision":"approve","comment":"bench"}' "$url/api/v1/runs/$run/approvals" >/dev/null
wait "$sse_pid"
record "$(cat "$work/sse.json")"

# 3. 20 runs at once through the API, then 20 `warden run` processes at once.
( peak=0; while kill -0 "$serve_pid" 2>/dev/null && [[ ! -e $work/stop-rss ]]; do r=$(rss); [[ ${r%.*} -gt ${peak%.*} ]] && peak=$r; echo "$peak" >"$work/rss-peak"; sleep 0.05; done ) &
rss_pid=$!
record "$(python3 "$py" start-many "$url" "$operator" bench-steps fleet 20 '{}')"
touch "$work/stop-rss"; wait "$rss_pid" || true
record "{\"measure\": \"rss_peak_20_runs_mib\", \"value\": $(cat "$work/rss-peak")}"
start=$(date +%s.%N)
pids=()
for i in $(seq 20); do
    "$warden" run "$work/runbooks/steps.yaml" -i "$work/fleet/inventory.yaml" --state "$work/cli-state" --yes >/dev/null 2>&1 &
    pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
record "{\"measure\": \"cli_20_runs_at_once\", \"wall_s\": $(python3 -c "print(round($(date +%s.%N) - $start, 3))"), \"failed\": $failed}"
fi

# 5. A burst of 1,000 Alertmanager deliveries (20 incident keys) from 10 clients, at a second daemon
#    whose rule starts a one-step runbook per key: every delivery answered 202 and decided, 20 runs.
kill -TERM "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
serve_pid=
mkdir -m 700 "$work/alert-state"
{
    echo "name: bench-alert"
    echo "params: {host: {type: string, required: true}}"
    echo "targets: {one: {hosts: \"{{ params.host }}\", exactly: 1}}"
    echo "steps:"
    echo "  - {id: fix, on: one, run: \"true\", unguarded: \"a benchmark\"}"
} >"$work/runbooks/alert.yaml"
cat >"$work/alerts.yaml" <<YAML
listen: 127.0.0.1:$http_port
state: alert-state
inventories: {fleet: fleet/inventory.yaml}
runbooks: [runbooks]
runs: {max_active: 64}
alert_rules:
  - {id: bench, match: ['alertname="BenchDown"'], runbook: bench-alert, inventory: fleet, params: {host: "{{ labels.host }}"}, incident_key: [node]}
YAML
alerts_token=$("$warden" token add alertmanager --role alerts --tokens "$work/alert-state/tokens.json" 2>/dev/null)
"$warden" serve --config "$work/alerts.yaml" --log-level warning 2>"$work/alerts.log" &
serve_pid=$!
for _ in $(seq 100); do curl -fsS "$url/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
record "$(python3 scripts/lib/bench-alerts.py "$url" "$alerts_token" "$work/alert-state/journal.sqlite" --deliveries 1000 --keys 20 --clients 10 --hosts "$hosts" ${BENCH_ALERTS_TRACE:+--trace "$BENCH_ALERTS_TRACE"})"

if [[ -n $json ]]; then printf '%s\n' "${results[@]}" >"$json"; fi
