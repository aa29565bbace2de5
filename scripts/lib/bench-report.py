#!/usr/bin/env python3
"""scripts/lib/bench-report.py: the summary of a scripts/bench session (run by it).

    bench-report.py WORK_DIR JSON_PATH|"" METER RUNS CLK_TCK

Reads from WORK_DIR: samples.tsv (one line per run, see scripts/lib/bench-measure.sh),
fleet_up.tsv (hosts, ms), notes.txt (one note a line), kex.tsv (tool, kex, cipher),
meta.tsv (key, value), and when there: peaks.tsv (the watched runs of scenario T: scenario,
tool, hosts, round, peak fds, peak threads, memory and processes added at the peak, output
bytes), fsyncs.tsv (scenario, hosts, steps, fsync, fdatasync, other syncs, status: one strace'd
run of Warden's steps) and fleet_mem.tsv (hosts, listeners, their PSS in kB, machine memory
added by `fleet up` in kB). Prints the table, under each scenario a line comparing Warden with
the best peer and the floors, the targets of issue 6 (met or missed) and the notes; writes
everything, every sample included, to JSON_PATH when given.

JSON (schema_version 2; fields are only added, never renamed): schema_version, commit, date,
nproc, meter, runs, meta, fleet_up_ms, fleet_memory, notes, kex, targets, summary, comparisons,
fsyncs, samples. A comparison (one per scenario and hosts) holds warden_wall_ms, best_peer,
best_peer_wall_ms, warden_vs_best_peer, floor_tool, floor_wall_ms, warden_vs_floor,
cpu_floor_ms, warden_vs_cpu_floor, sshd_cpu_ms_per_host and the fsync figures; every ratio is
Warden's figure over the other's, the median of the rounds' ratios (null when not measured).

Per (scenario, tool, hosts): the median and min-max of the wall time of the runs after the
warm-up (run 0), the median controller CPU, the largest peak RSS, the server side's CPU, and
the ratios to Warden *pair by pair*: for each round, the tool's figure divided by Warden's
in the same round (the rounds interleave the tools), then the median of those ratios.
Exit status 1 if any run failed.
"""
import json
import os
import re
import statistics
import sys

SCENARIOS = {
    "A-fanout": "A fan-out",
    "B-steps": "B steps",
    "C-fanout": "C fan-out",
    "C-steps": "C steps",
    "C-validate": "C validate",
}
TOOLS = ["warden", "pssh", "ansible", "pyinfra", "ssh-cold", "ssh-warm"]
FLOOR = "ssh-warm"
SCHEMA_VERSION = 2


def scenario_label(scen):
    """A-fanout -> "A fan-out"; T-fanout-c100 -> "T fan-out c100"."""
    m = re.match(r"^T-(fanout|steps)-c(\d+)$", scen)
    if m:
        return f"T {'fan-out' if m.group(1) == 'fanout' else 'steps'} c{m.group(2)}"
    return SCENARIOS.get(scen, scen)


def concurrency_of(scen, hosts):
    m = re.match(r"^T-.*-c(\d+)$", scen)
    return int(m.group(1)) if m else hosts


def p90(xs):
    """Nearest-rank 90th percentile."""
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[max(0, -(-9 * len(xs) // 10) - 1)]


def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def median_or_nan(xs):
    return statistics.median(xs) if xs else float("nan")


def main():
    work, json_path, meter, runs, clk = sys.argv[1:6]
    clk_tck = int(clk)
    rows = []
    for f in read_tsv(os.path.join(work, "samples.tsv")):
        scen, tool, n, rnd, wall, user, sys_, ticks, rss, status, sticks = f
        master_s = int(ticks) / clk_tck
        rows.append(dict(scenario=scen, tool=tool, hosts=int(n), run=int(rnd), wall_ms=float(wall),
                         user_s=float(user), sys_s=float(sys_), master_cpu_s=master_s,
                         cpu_s=float(user) + float(sys_) + master_s, max_rss_kb=int(rss),
                         status=int(status), server_cpu_s=int(sticks) / clk_tck))
    fleet_up = {int(n): int(ms) for n, ms in read_tsv(os.path.join(work, "fleet_up.tsv"))}
    notes = []
    if os.path.exists(os.path.join(work, "notes.txt")):
        notes = [l.strip() for l in open(os.path.join(work, "notes.txt")) if l.strip()]
    kex = [dict(tool=t, kex=k, cipher=c) for t, k, c in read_tsv(os.path.join(work, "kex.tsv"))]
    meta = {k: v for k, v in read_tsv(os.path.join(work, "meta.tsv"))}
    nproc = int(meta.get("nproc", "1") or 1)
    peaks = {}
    for f in read_tsv(os.path.join(work, "peaks.tsv")):
        scen, tool, n, rnd, fds, threads, memd, procd, out_bytes = f
        peaks[(scen, tool, int(n), int(rnd))] = dict(
            peak_fds=int(fds), peak_threads=int(threads), mem_delta_peak_kb=int(memd),
            procs_delta_peak=int(procd), output_bytes=int(out_bytes))
    for r in rows:
        r.update(peaks.get((r["scenario"], r["tool"], r["hosts"], r["run"]), {}))
    fsyncs = []
    for scen, n, k, fs, fds, other, status in read_tsv(os.path.join(work, "fsyncs.tsv")):
        n, k, total = int(n), int(k), int(fs) + int(fds)
        fsyncs.append(dict(scenario=scen, hosts=n, steps=k, fsync=int(fs), fdatasync=int(fds),
                           other_syncs=int(other), status=int(status), fsyncs_per_run=total,
                           fsyncs_per_step=total / k, fsyncs_per_host_step=total / (k * n) if n else None))
    fleet_memory = {}
    for n, listeners, pss, delta in read_tsv(os.path.join(work, "fleet_mem.tsv")):
        fleet_memory[int(n)] = dict(listeners=int(listeners), listeners_pss_kb=int(pss),
                                    pss_kb_per_host=int(pss) / max(1, int(listeners)),
                                    mem_used_delta_kb=int(delta))

    summary = []
    keys = sorted({(r["scenario"], r["hosts"]) for r in rows}, key=lambda k: (k[0], k[1]))
    for scen, n in keys:
        warden_ok = {r["run"]: r for r in rows if r["scenario"] == scen and r["hosts"] == n
                     and r["tool"] == "warden" and r["run"] > 0 and r["status"] == 0}
        for tool in TOOLS:
            rs = [r for r in rows if r["scenario"] == scen and r["hosts"] == n and r["tool"] == tool and r["run"] > 0]
            warm = [r for r in rows if r["scenario"] == scen and r["hosts"] == n and r["tool"] == tool and r["run"] == 0]
            if not rs:
                continue
            ok = [r for r in rs if r["status"] == 0]
            walls = [r["wall_ms"] for r in ok]
            s = dict(
                scenario=scen, tool=tool, hosts=n, runs=len(rs), failures=len(rs) - len(ok),
                warmup_failures=sum(1 for r in warm if r["status"] != 0),
                wall_ms_median=median_or_nan(walls),
                wall_ms_min=min(walls) if walls else float("nan"),
                wall_ms_max=max(walls) if walls else float("nan"),
                cpu_s_median=median_or_nan([r["cpu_s"] for r in ok]),
                server_cpu_s_median=median_or_nan([r["server_cpu_s"] for r in ok]),
                max_rss_kb=max((r["max_rss_kb"] for r in ok), default=0),
                wall_vs_warden=None, cpu_vs_warden=None,
                concurrency=concurrency_of(scen, n),
                wall_ms_p90=p90(walls),
            )
            watched = [r for r in ok if "peak_fds" in r]
            if watched:
                for key in ("peak_fds", "peak_threads", "mem_delta_peak_kb", "procs_delta_peak", "output_bytes"):
                    s[key] = max(r[key] for r in watched)
            pairs = [(r, warden_ok[r["run"]]) for r in ok if r["run"] in warden_ok]
            if pairs:
                s["wall_vs_warden"] = statistics.median(r["wall_ms"] / w["wall_ms"] for r, w in pairs)
                cpu_pairs = [(r, w) for r, w in pairs if w["cpu_s"] > 0]
                if cpu_pairs:
                    s["cpu_vs_warden"] = statistics.median(r["cpu_s"] / w["cpu_s"] for r, w in cpu_pairs)
            summary.append(s)

    comparisons = compare(rows, summary, fsyncs, nproc)

    def ratio(x):
        return "-" if x is None else f"{x:.2f}x"

    print()
    t_runs = f" (T: {meta['thousand_runs']})" if "thousand_runs" in meta and any(
        s["scenario"].startswith("T-") for s in summary) else ""
    print(f"Loopback fleet benchmark: median of {runs} runs{t_runs} after 1 warm-up; CPU = user+sys of the "
          f"controller side (meter: {meter}); RSS = largest process; x/warden = median of the ratios "
          f"round by round")
    hdr = (f"{'scenario':<14} {'hosts':>5}  {'tool':<9} {'wall ms (min-max)':>26} {'CPU s':>7} {'peak RSS':>9} "
           f"{'wall/warden':>11} {'cpu/warden':>10} {'srv CPU s':>9} {'fail':>4}")
    print(hdr)
    print("-" * len(hdr))
    by_key = {(c["scenario"], c["hosts"]): c for c in comparisons}
    keys_in_order = []
    for s in summary:
        key = (s["scenario"], s["hosts"])
        if key not in keys_in_order:
            keys_in_order.append(key)
    for i, key in enumerate(keys_in_order):
        if i:
            print()
        for s in (s for s in summary if (s["scenario"], s["hosts"]) == key):
            rng = f"{s['wall_ms_median']:.1f} ({s['wall_ms_min']:.1f}-{s['wall_ms_max']:.1f})"
            print(f"{scenario_label(s['scenario']):<14} {s['hosts']:>5}  {s['tool']:<9} {rng:>26} "
                  f"{s['cpu_s_median']:>7.3f} {s['max_rss_kb'] / 1024:>7.1f}MB {ratio(s['wall_vs_warden']):>11} "
                  f"{ratio(s['cpu_vs_warden']):>10} {s['server_cpu_s_median']:>9.3f} {s['failures']:>4}")
            if "peak_fds" in s:
                print(f"{'':<14} {'':>5}  {'':<9} peaks: {s['peak_fds']} fds, {s['peak_threads']} threads; machine "
                      f"+{s['mem_delta_peak_kb'] / 1024:.0f} MB in use, +{s['procs_delta_peak']} processes; "
                      f"output {s['output_bytes']} bytes")
        if key in by_key:
            print(f"{'':<14} {'':>5}  = {comparison_text(by_key[key])}")
    if fleet_up:
        print("fleet up: " + ", ".join(f"N={n}: {ms} ms" for n, ms in sorted(fleet_up.items())))
    if fleet_memory:
        print("fleet memory (sshd listeners' PSS; machine memory added by fleet up): " + ", ".join(
            f"N={n}: {m['listeners_pss_kb'] / 1024:.0f} MB ({m['pss_kb_per_host']:.0f} kB/host); "
            f"{m['mem_used_delta_kb'] / 1024:+.0f} MB" for n, m in sorted(fleet_memory.items())))
    print("ssh-warm CPU includes the ControlMaster masters' CPU during each run. srv CPU = the sshd connection "
          "processes' CPU (all on this machine, competing with the controller for the same cores).")
    print("= lines: warden/other ratios pair by pair (>1: Warden slower); best peer = lowest median wall of the "
          "other tools; CPU floor = (Warden's CPU + srv CPU) / cores.")

    targets = evaluate_targets(summary, notes, meta)
    if targets:
        print()
        print("Issue 6 targets (Warden):")
        for t in targets:
            value = "not measured" if t["value"] is None else f"{t['value']:.{t['digits']}f} {t['unit']}"
            verdict = "-" if t["met"] is None else ("met" if t["met"] else "MISSED")
            print(f"  {t['what']:<52} {value:>14}  target <= {t['limit']} {t['unit']}: {verdict}")
    if kex:
        print()
        print(f"Key exchange negotiated (sshd's DEBUG1 log of {meta.get('kex_host', '?')}):")
        for k in kex:
            print(f"  {k['tool']:<9} {k['kex']:<36} cipher {k['cipher']}")
    for s in summary:
        if s["warmup_failures"]:
            print(f"note: the warm-up run of {s['tool']} ({s['scenario']}, {s['hosts']} hosts) failed too "
                  "(not in the statistics)")
    for n_ in notes:
        print("note: " + n_)
    if json_path:
        with open(json_path, "w") as f:
            json.dump(dict(meter=meter, runs=int(runs), meta=meta, fleet_up_ms=fleet_up, notes=notes, kex=kex,
                           targets=targets, summary=summary, samples=rows,
                           schema_version=SCHEMA_VERSION, commit=meta.get("commit"), date=meta.get("date"),
                           nproc=nproc, comparisons=comparisons, fsyncs=fsyncs,
                           fleet_memory=fleet_memory), f, indent=2)
        print(f"wrote {json_path}")
    failed = sum(s["failures"] + s["warmup_failures"] for s in summary)
    return 1 if failed else 0


def compare(rows, summary, fsyncs, nproc):
    """Per (scenario, hosts): Warden beside the best peer, the floor tool and the CPU floor."""
    out = []
    for scen, n in sorted({(s["scenario"], s["hosts"]) for s in summary}):
        group = {s["tool"]: s for s in summary if s["scenario"] == scen and s["hosts"] == n}
        w = group.get("warden")
        if not w:
            continue
        wr = {r["run"]: r for r in rows if r["scenario"] == scen and r["hosts"] == n and r["tool"] == "warden"
              and r["run"] > 0 and r["status"] == 0}

        def paired(tool, fn):
            xs = [fn(wr[r["run"]], r) for r in rows
                  if r["scenario"] == scen and r["hosts"] == n and r["tool"] == tool and r["run"] > 0
                  and r["status"] == 0 and r["run"] in wr]
            xs = [x for x in xs if x is not None]
            return statistics.median(xs) if xs else None

        def wall_ratio(tool):
            return paired(tool, lambda a, b: a["wall_ms"] / b["wall_ms"] if b["wall_ms"] > 0 else None)

        c = dict(scenario=scen, hosts=n, concurrency=w["concurrency"], warden_wall_ms=w["wall_ms_median"],
                 warden_cpu_s=w["cpu_s_median"], best_peer=None, best_peer_wall_ms=None,
                 warden_vs_best_peer=None, floor_tool=None, floor_wall_ms=None, warden_vs_floor=None,
                 cpu_floor_ms=None, warden_vs_cpu_floor=None, sshd_cpu_ms_per_host=None,
                 fsyncs_per_run=None, fsyncs_per_step=None, fsyncs_per_host_step=None)
        peers = [s for t, s in group.items() if t != "warden" and s["failures"] < s["runs"]]
        if peers:
            best = min(peers, key=lambda s: s["wall_ms_median"])
            c.update(best_peer=best["tool"], best_peer_wall_ms=best["wall_ms_median"],
                     warden_vs_best_peer=wall_ratio(best["tool"]))
        if FLOOR in group and group[FLOOR]["failures"] < group[FLOOR]["runs"]:
            c.update(floor_tool=FLOOR, floor_wall_ms=group[FLOOR]["wall_ms_median"], warden_vs_floor=wall_ratio(FLOOR))
        if n > 0 and wr:
            floors = {k: (r["cpu_s"] + r["server_cpu_s"]) / nproc * 1000 for k, r in wr.items()}
            c["cpu_floor_ms"] = statistics.median(floors.values())
            ratios = [wr[k]["wall_ms"] / f for k, f in floors.items() if f > 0]
            c["warden_vs_cpu_floor"] = statistics.median(ratios) if ratios else None
            c["sshd_cpu_ms_per_host"] = w["server_cpu_s_median"] * 1000 / n
        fs = next((f for f in fsyncs if f["scenario"] == scen and f["hosts"] == n and f["status"] == 0), None)
        if fs:
            c.update(fsyncs_per_run=fs["fsyncs_per_run"], fsyncs_per_step=fs["fsyncs_per_step"],
                     fsyncs_per_host_step=fs["fsyncs_per_host_step"])
        out.append(c)
    return out


def comparison_text(c):
    def secs(ms):
        return f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.0f} ms"

    def x(r):
        return "-" if r is None else f"{r:.2f}x"

    parts = [f"warden {secs(c['warden_wall_ms'])}"]
    if c["best_peer"]:
        parts.append(f"best peer {c['best_peer']} {secs(c['best_peer_wall_ms'])}: {x(c['warden_vs_best_peer'])}")
    else:
        parts.append("best peer: none measured")
    if c["floor_tool"]:
        parts.append(f"floor {c['floor_tool']} {secs(c['floor_wall_ms'])}: {x(c['warden_vs_floor'])}")
    if c["cpu_floor_ms"] is not None:
        parts.append(f"CPU floor {secs(c['cpu_floor_ms'])}: {x(c['warden_vs_cpu_floor'])}")
    if c["sshd_cpu_ms_per_host"] is not None:
        parts.append(f"sshd {c['sshd_cpu_ms_per_host']:.1f} ms CPU/host")
    if c["fsyncs_per_run"] is not None:
        parts.append(f"fsyncs {c['fsyncs_per_run']}/run, {c['fsyncs_per_step']:.1f}/step, "
                     f"{c['fsyncs_per_host_step']:.2f}/host-step")
    return " | ".join(parts)


def evaluate_targets(summary, notes, meta):
    """The issue's targets for Warden, from this session's figures (None = not measured)."""
    def find(scen, hosts):
        for s in summary:
            if s["scenario"] == scen and s["hosts"] == hosts and s["tool"] == "warden" and s["failures"] < s["runs"]:
                return s
        return None

    def target(what, value, limit, unit, digits=0):
        return dict(what=what, value=value, limit=limit, unit=unit, digits=digits,
                    met=None if value is None else value <= limit)

    out = []
    s = find("A-fanout", 50)
    out.append(target("fan-out of true to 50 fresh hosts (median wall)", s and s["wall_ms_median"], 700, "ms"))
    steps = meta.get("steps", "10")
    s = find("B-steps", 10)
    out.append(target(f"{steps} dependent steps on 10 hosts (median wall)", s and s["wall_ms_median"], 400, "ms"))
    s = find("C-validate", 0)
    out.append(target("warden validate of a shipped runbook (median wall)", s and s["wall_ms_median"], 50, "ms", 1))
    s = find("C-fanout", 200)
    out.append(target("controller peak RSS, fan-out to 200 hosts", s and s["max_rss_kb"] / 1024, 40, "MiB", 1))
    warm = next((n for n in notes if n.startswith("warden warm session (warden exec's path)")), None)
    m = warm and re.search(r"median ([0-9.]+) ms.*client CPU ([0-9.]+) ms", warm)
    out.append(target("one step on a warm session (median latency)", m and float(m.group(1)), 6, "ms", 2))
    out.append(target("Warden's CPU per host-step on a warm session", m and float(m.group(2)), 1, "ms", 3))
    return out


if __name__ == "__main__":
    sys.exit(main())
