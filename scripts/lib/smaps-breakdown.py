#!/usr/bin/env python3
"""What a process's resident memory is made of, from /proc/PID/smaps.

    smaps-breakdown.py PID [--json]     read a live process
    smaps-breakdown.py --file SMAPS     read a saved copy of an smaps file

Every mapping's Rss is put in one group: the code and read-only data of each file
mapped (the executable, each shared library, ICU's data), the writable data of
files (relocations, .data, .bss), the heap (brk), thread stacks, anonymous
memory (malloc arenas, the Swift runtime's allocations, anything mmapped
without a file) and the kernel's pages ([vdso], [vvar]). Prints the groups
largest first with their share, the totals, and how much of the resident
memory is shared with other processes (page cache a second process reuses)
and how much is private to this one. Used by `scripts/bench` and by hand when
the controller's RSS is in question (README, Benchmarks).
"""
import json
import os
import re
import sys

HEADER = re.compile(r"^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ \S+\s*(.*)$")


def groups_of(lines):
    """(group, kind) -> {"rss", "private", "shared", "swap"} in KiB."""
    totals = {}
    current = None
    for line in lines:
        header = HEADER.match(line)
        if header:
            perms, path = header.group(3), header.group(4).strip()
            current = classify(perms, path)
            totals.setdefault(current, {"rss": 0, "private": 0, "shared": 0, "swap": 0})
            continue
        if current is None or ":" not in line:
            continue
        field, _, rest = line.partition(":")
        parts = rest.split()
        if not parts or not parts[0].isdigit():
            continue
        value = int(parts[0])
        entry = totals[current]
        if field == "Rss":
            entry["rss"] += value
        elif field in ("Private_Clean", "Private_Dirty"):
            entry["private"] += value
        elif field in ("Shared_Clean", "Shared_Dirty"):
            entry["shared"] += value
        elif field == "Swap":
            entry["swap"] += value
    return totals


def classify(perms, path):
    """The group a mapping belongs to: a file's code, its writable data, or a kind of anonymous memory."""
    if path == "[heap]":
        return ("heap (brk)", "anonymous")
    if path.startswith("[stack"):
        return ("main thread stack", "anonymous")
    if path in ("[vdso]", "[vvar]", "[vsyscall]", "[vvar_vclock]"):
        return ("kernel ([vdso], [vvar])", "kernel")
    if path == "" or path.startswith("[anon") or path == "/dev/zero (deleted)":
        # Thread stacks are anonymous mappings too; their guard pages are ---p and hold nothing.
        return ("anonymous (malloc arenas, thread stacks, runtime)", "anonymous")
    name = os.path.basename(path.replace(" (deleted)", ""))
    if "w" in perms:
        return (name + " (writable data)", "file data")
    return (name, "file code")


def report(totals, as_json):
    rows = sorted(((group, kind, v) for (group, kind), v in totals.items() if v["rss"]), key=lambda row: -row[2]["rss"])
    rss = sum(v["rss"] for _, _, v in rows)
    by_kind = {}
    for _, kind, v in rows:
        by_kind[kind] = by_kind.get(kind, 0) + v["rss"]
    private = sum(v["private"] for _, _, v in rows)
    if as_json:
        json.dump({"rss_kib": rss, "private_kib": private, "by_kind_kib": by_kind,
                   "groups": [{"group": g, "kind": k, "rss_kib": v["rss"], "private_kib": v["private"]} for g, k, v in rows]},
                  sys.stdout, indent=2)
        print()
        return
    print(f"{'KiB':>8} {'private':>8}  share  group")
    for group, kind, v in rows:
        if v["rss"] < 64:
            continue
        print(f"{v['rss']:>8} {v['private']:>8} {100 * v['rss'] / max(rss, 1):5.1f}%  {group}")
    small = [v["rss"] for _, _, v in rows if v["rss"] < 64]
    if small:
        print(f"{sum(small):>8} {'':>8} {100 * sum(small) / max(rss, 1):5.1f}%  ({len(small)} groups under 64 KiB)")
    print(f"{rss:>8} {private:>8} 100.0%  total ({rss / 1024:.1f} MiB; private {private / 1024:.1f} MiB)")
    for kind, value in sorted(by_kind.items(), key=lambda item: -item[1]):
        print(f"{value:>8} {'':>8} {100 * value / max(rss, 1):5.1f}%  all {kind}")


def main(argv):
    as_json = "--json" in argv
    args = [a for a in argv if a != "--json"]
    if len(args) == 2 and args[0] == "--file":
        source = args[1]
    elif len(args) == 1 and args[0].isdigit():
        source = f"/proc/{args[0]}/smaps"
    else:
        print("usage: smaps-breakdown.py PID [--json] | --file SMAPS [--json]", file=sys.stderr)
        return 2
    try:
        with open(source, encoding="utf-8", errors="replace") as handle:
            lines = handle.readlines()
    except OSError as error:
        print(f"smaps-breakdown.py: cannot read {source}: {error.strerror}", file=sys.stderr)
        return 1
    report(groups_of(lines), as_json)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
