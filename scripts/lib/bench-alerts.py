#!/usr/bin/env python3
# scripts/lib/bench-alerts.py: a burst of Alertmanager deliveries at `warden serve` (bench-serve.sh, step 5).
#
#   bench-alerts.py URL TOKEN JOURNAL_SQLITE [--deliveries 1000] [--keys 20] [--clients 10] [--trace FILE]
#
# Posts DELIVERIES webhook bodies (version 4), KEYS distinct incident keys (label node=n1..nK, each
# with host=h0X of the bench fleet), from CLIENTS threads on keep-alive connections, every delivery
# of a key a new notification (its groupKey carries a counter) so none is a duplicate. Then waits
# until every delivery input in the journal is decided and KEYS runs have started, and prints one
# JSON line: answers by status, request latency p50/p99/max, inputs journaled and decided, runs
# started, decisions by kind, and the time from a key's first delivery to its run's first host
# command (its first intent event) p50/p99. --trace FILE writes each request's start (seconds after
# the burst began) and latency, one per line, to see when in the burst the slow ones were sent.
import http.client, json, sqlite3, sys, threading, time, urllib.parse

def percentile(values, p):
    if not values: return None
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]

def main():
    url, token, db = sys.argv[1:4]
    opts = dict(zip(sys.argv[4::2], sys.argv[5::2]))
    deliveries, keys, clients = int(opts.get("--deliveries", 1000)), int(opts.get("--keys", 20)), int(opts.get("--clients", 10))
    hosts = int(opts.get("--hosts", 5))
    target = urllib.parse.urlparse(url)
    first_sent, statuses, latencies, lock = {}, {}, [], threading.Lock()
    trace = []

    def body(index):
        key = index % keys
        node, host = f"n{key + 1}", f"h{(key % hosts) + 1:02d}"
        alert = {"status": "firing", "labels": {"alertname": "BenchDown", "cluster": "bench", "node": node, "host": host},
                 "annotations": {}, "startsAt": "2026-12-03T00:00:00Z", "endsAt": "0001-01-01T00:00:00Z",
                 "generatorURL": "http://prometheus/graph", "fingerprint": f"fp{key:04d}"}
        return key, json.dumps({"version": "4", "groupKey": f"{{}}:{{node=\"{node}\"}}#{index}", "truncatedAlerts": 0, "status": "firing",
                                "receiver": "warden", "groupLabels": {"node": node}, "commonLabels": {}, "commonAnnotations": {},
                                "externalURL": "http://alertmanager", "alerts": [alert]})

    def client(indices):
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
        for index in indices:
            key, text = body(index)
            started = time.time()
            with lock:
                first_sent.setdefault(key, started)
            connection.request("POST", "/api/v1/alerts/alertmanager", text, {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            elapsed = time.time() - started
            with lock:
                statuses[response.status] = statuses.get(response.status, 0) + 1
                latencies.append(elapsed)
                trace.append((started - began, elapsed))
        connection.close()

    threads = [threading.Thread(target=client, args=(range(c, deliveries, clients),)) for c in range(clients)]
    began = time.time()
    for t in threads: t.start()
    for t in threads: t.join()
    burst = time.time() - began
    if "--trace" in opts:
        with open(opts["--trace"], "w") as out:
            for at, took in sorted(trace): out.write(f"{at:.4f} {took * 1000:.1f}\n")

    database = sqlite3.connect(db, timeout=30)
    deadline = time.time() + 120
    while True:
        journaled, decided = database.execute(
            "SELECT count(*), count(decided_at) FROM alert_inputs WHERE kind = 'delivery'").fetchone()
        runs = database.execute("SELECT id, initiator FROM runs WHERE trigger = 'alert'").fetchall()
        if (decided >= deliveries and len(runs) >= keys) or time.time() > deadline: break
        time.sleep(0.2)
    kinds = dict(database.execute("SELECT kind, count(*) FROM alert_decisions GROUP BY kind").fetchall())
    to_command = []
    for run_id, initiator in runs:
        row = database.execute("SELECT min(at) FROM events WHERE run_id = ? AND kind = 'intent'", (run_id,)).fetchone()
        incident_key = database.execute(
            "SELECT key FROM alert_decisions WHERE run_id = ? AND kind IN ('started', 'waiting-for-approval')", (run_id,)).fetchone()
        if row and row[0] and incident_key and incident_key[0]:
            node = incident_key[0].split('node="')[1].split('"')[0]
            key = int(node[1:]) - 1
            if key in first_sent: to_command.append(row[0] - first_sent[key])
    ms = lambda v: None if v is None else round(v * 1000, 1)
    print(json.dumps({"measure": "alert_burst", "deliveries": deliveries, "keys": keys, "clients": clients, "burst_s": round(burst, 3),
                      "answers": {str(k): v for k, v in sorted(statuses.items())},
                      "latency_ms": {"p50": ms(percentile(latencies, 50)), "p99": ms(percentile(latencies, 99)), "max": ms(max(latencies))},
                      "inputs_journaled": journaled, "inputs_decided": decided, "runs_started": len(runs), "decisions": kinds,
                      "delivery_to_first_command_ms": {"p50": ms(percentile(to_command, 50)), "p99": ms(percentile(to_command, 99))}}))

if __name__ == "__main__":
    main()
