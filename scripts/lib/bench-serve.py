#!/usr/bin/env python3
"""scripts/lib/bench-serve.py: measurements of a live `warden serve` (scripts/bench --scenarios S).

Subcommands (each prints one JSON object on stdout):
  seed-runs DB N          insert N finished runs into a state folder's journal (rows only: the audit
                          log does not cover them, which listing does not read)
  latency URL TOKEN PATH N  N sequential GETs on one keep-alive connection: p50, p99, max (ms)
  page-latency URL TOKEN PATH N  sign in to the web UI with TOKEN, then N sequential GETs of the page PATH
                          on one keep-alive connection: p50, p99, max (ms) and the page's bytes, with
                          the stylesheet's and the script's (the page weight)
  sse URL TOKEN RUN CLIENTS  CLIENTS streams of one run's events, read to run-finished: how long
                          after being journaled (the event's `at`) each event reached each client
  start-many URL TOKEN RUNBOOK INVENTORY N PARAMS_JSON  plan once, start N runs at once, wait until
                          every one ended: wall time, statuses
"""
import http.client, json, socket, sqlite3, statistics, sys, threading, time, urllib.parse


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[index]


def connection(url):
    parsed = urllib.parse.urlparse(url)
    return http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)


def request(conn, method, path, token, body=None):
    headers = {"Authorization": "Bearer " + token}
    if body is not None:
        headers["Content-Type"] = "application/json"
        body = json.dumps(body)
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    return response.status, data


def seed_runs(db, count):
    now = time.time() - count
    with sqlite3.connect(db) as connection:
        rows = [(f"bench-{i:06d}", "bench", "/bench.yaml", "alice", "bench:1", "sha256:" + "0" * 64, "{}",
                 "succeeded", None, now + i, now + i + 0.5, None, "api" if i % 2 else "terminal", None) for i in range(count)]
        connection.executemany("INSERT INTO runs (id, runbook, file, initiator, controller, plan_hash, parameters, status, reason, "
                               "started_at, finished_at, plan, trigger, inventory) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    return {"seeded": count}


def latency(url, token, path, count):
    conn = connection(url)
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        status, _ = request(conn, "GET", path, token)
        samples.append((time.perf_counter() - start) * 1000)
        if status != 200:
            return {"error": f"GET {path} answered {status}"}
    return {"path": path, "requests": count, "p50_ms": round(percentile(samples, 50), 2), "p99_ms": round(percentile(samples, 99), 2),
            "max_ms": round(max(samples), 2)}


def page_latency(url, token, path, count):
    conn = connection(url)
    origin = url.rstrip("/")
    form = urllib.parse.urlencode({"token": token, "next": "/"})
    conn.request("POST", "/sign-in", body=form, headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": origin})
    response = conn.getresponse()
    response.read()
    cookie = (response.getheader("Set-Cookie") or "").split(";")[0]
    if response.status != 303 or not cookie.startswith("warden_session="):
        return {"error": f"sign-in answered {response.status}"}
    samples, size = [], 0
    for _ in range(count):
        start = time.perf_counter()
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        body = response.read()
        samples.append((time.perf_counter() - start) * 1000)
        if response.status != 200:
            return {"error": f"GET {path} answered {response.status}"}
        size = len(body)
    statics = 0
    for asset in ("/static/warden.css", "/static/warden.js"):
        conn.request("GET", asset)
        response = conn.getresponse()
        statics += len(response.read())
    return {"page": path, "requests": count, "p50_ms": round(percentile(samples, 50), 2), "p99_ms": round(percentile(samples, 99), 2),
            "max_ms": round(max(samples), 2), "html_bytes": size, "weight_kb": round((size + statics) / 1024, 1)}


def sse(url, token, run, clients):
    parsed = urllib.parse.urlparse(url)
    delays, errors, counts = [], [], []
    lock = threading.Lock()

    def follow():
        try:
            sock = socket.create_connection((parsed.hostname, parsed.port), timeout=120)
            sock.sendall((f"GET /api/v1/runs/{run}/events HTTP/1.1\r\nHost: {parsed.hostname}\r\nAccept: text/event-stream\r\n"
                          f"Authorization: Bearer {token}\r\nConnection: close\r\n\r\n").encode())
            buffer, seen, mine = b"", 0, []
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                received = time.time()
                buffer += chunk
                while b"\n\n" in buffer:
                    frame, buffer = buffer.split(b"\n\n", 1)
                    for line in frame.split(b"\n"):
                        if line.startswith(b"data: "):
                            event = json.loads(line[6:])
                            if "at" in event and "sequence" in event:
                                mine.append((received - event["at"]) * 1000)
                                seen += 1
                    if b"event: run-finished" in frame:
                        sock.close()
                        with lock:
                            delays.extend(mine)
                            counts.append(seen)
                        return
            with lock:
                errors.append("the stream ended before run-finished")
        except Exception as error:  # noqa: BLE001 - reported, not raised
            with lock:
                errors.append(str(error))

    threads = [threading.Thread(target=follow) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"clients": clients, "events_per_client": sorted(set(counts)), "errors": errors[:3],
            "delay_p50_ms": round(percentile(delays, 50) or 0, 2), "delay_p99_ms": round(percentile(delays, 99) or 0, 2),
            "delay_max_ms": round(max(delays) if delays else 0, 2)}


def start_many(url, token, runbook, inventory, count, params):
    conn = connection(url)
    status, data = request(conn, "POST", "/api/v1/plans", token, {"runbook": runbook, "inventory": inventory, "params": params})
    if status != 200:
        return {"error": f"plan answered {status}: {data[:300]!r}"}
    plan_hash = json.loads(data)["hash"]
    ids, failures = [], []
    lock = threading.Lock()
    start = time.perf_counter()

    def one():
        c = connection(url)
        status, data = request(c, "POST", "/api/v1/runs", token, {"runbook": runbook, "inventory": inventory, "params": params, "plan_hash": plan_hash})
        with lock:
            (ids if status == 202 else failures).append(json.loads(data).get("run_id") if status == 202 else f"{status} {data[:200]!r}")

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = {}
    while True:
        for run in ids:
            if statuses.get(run, "running") == "running":
                _, data = request(conn, "GET", f"/api/v1/runs/{run}", token)
                statuses[run] = json.loads(data)["run"]["status"]
        if all(status != "running" for status in statuses.values()) or time.perf_counter() - start > 600:
            break
        time.sleep(0.05)
    return {"started": len(ids), "refused": failures[:3], "wall_s": round(time.perf_counter() - start, 3),
            "statuses": {status: list(statuses.values()).count(status) for status in set(statuses.values())}}


def main(argv):
    command, args = argv[1], argv[2:]
    if command == "seed-runs":
        result = seed_runs(args[0], int(args[1]))
    elif command == "latency":
        result = latency(args[0], args[1], args[2], int(args[3]))
    elif command == "page-latency":
        result = page_latency(args[0], args[1], args[2], int(args[3]))
    elif command == "sse":
        result = sse(args[0], args[1], args[2], int(args[3]))
    elif command == "start-many":
        result = start_many(args[0], args[1], args[2], args[3], int(args[4]), json.loads(args[5]))
    else:
        raise SystemExit(f"unknown subcommand {command}")
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv)
