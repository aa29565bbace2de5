#!/usr/bin/env python3
"""scripts/lib/bench-report.py: the summary of a scripts/bench session (run by it).

    bench-report.py WORK_DIR JSON_PATH|"" METER RUNS CLK_TCK

Reads from WORK_DIR: samples.tsv (one line per run, see scripts/lib/bench-measure.sh),
fleet_up.tsv (hosts, ms), notes.txt (one note a line), kex.tsv (tool, kex, cipher) and
meta.tsv (key, value). Prints the table, the targets of issue 6 (met or missed) and the
notes; writes everything, every sample included, to JSON_PATH when given.

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
            )
            pairs = [(r, warden_ok[r["run"]]) for r in ok if r["run"] in warden_ok]
            if pairs:
                s["wall_vs_warden"] = statistics.median(r["wall_ms"] / w["wall_ms"] for r, w in pairs)
                cpu_pairs = [(r, w) for r, w in pairs if w["cpu_s"] > 0]
                if cpu_pairs:
                    s["cpu_vs_warden"] = statistics.median(r["cpu_s"] / w["cpu_s"] for r, w in cpu_pairs)
            summary.append(s)

    def ratio(x):
        return "-" if x is None else f"{x:.2f}x"

    print()
    print(f"Loopback fleet benchmark: median of {runs} runs after 1 warm-up; CPU = user+sys of the "
          f"controller side (meter: {meter}); RSS = largest process; x/warden = median of the ratios "
          f"round by round")
    hdr = (f"{'scenario':<10} {'hosts':>5}  {'tool':<9} {'wall ms (min-max)':>26} {'CPU s':>7} {'peak RSS':>9} "
           f"{'wall/warden':>11} {'cpu/warden':>10} {'srv CPU s':>9} {'fail':>4}")
    print(hdr)
    print("-" * len(hdr))
    last = None
    for s in summary:
        key = (s["scenario"], s["hosts"])
        if last is not None and key != last:
            print()
        last = key
        rng = f"{s['wall_ms_median']:.1f} ({s['wall_ms_min']:.1f}-{s['wall_ms_max']:.1f})"
        print(f"{SCENARIOS.get(s['scenario'], s['scenario']):<10} {s['hosts']:>5}  {s['tool']:<9} {rng:>26} "
              f"{s['cpu_s_median']:>7.3f} {s['max_rss_kb'] / 1024:>7.1f}MB {ratio(s['wall_vs_warden']):>11} "
              f"{ratio(s['cpu_vs_warden']):>10} {s['server_cpu_s_median']:>9.3f} {s['failures']:>4}")
    if fleet_up:
        print("fleet up: " + ", ".join(f"N={n}: {ms} ms" for n, ms in sorted(fleet_up.items())))
    print("ssh-warm CPU includes the ControlMaster masters' CPU during each run. srv CPU = the sshd connection "
          "processes' CPU (all on this machine, competing with the controller for the same cores).")

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
                           targets=targets, summary=summary, samples=rows), f, indent=2)
        print(f"wrote {json_path}")
    failed = sum(s["failures"] + s["warmup_failures"] for s in summary)
    return 1 if failed else 0


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
