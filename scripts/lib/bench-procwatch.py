#!/usr/bin/env python3
"""scripts/lib/bench-procwatch.py: run one command and watch it (scripts/bench, scenario T).

    bench-procwatch.py OUT TIMEOUT_S INTERVAL_MS -- CMD...

Runs CMD (stdin, stdout and stderr inherited) and, every INTERVAL_MS while it runs, reads
/proc/PID of CMD's process: the number of open file descriptors (/proc/PID/fd), Threads and
VmRSS (/proc/PID/status); and the machine's memory in use (MemTotal - MemAvailable) and its
number of processes (/proc). After TIMEOUT_S seconds CMD gets SIGTERM, 5 s later SIGKILL, and
the status is 124 (as timeout(1)). When it ends, os.wait4 gives CMD's own CPU (user, sys; with
the children it waited for). maxrss_kb is the largest VmHWM read (the kernel's high-water mark
of CMD's process, so nothing is missed between samples but the last interval; ru_maxrss would
start from python's own RSS before exec), or ru_maxrss when no sample was taken. Writes one line to OUT:

    wall_ms user_s sys_s maxrss_kb status peak_fds peak_threads samples mem_delta_peak_kb procs_delta_peak

mem_delta_peak_kb and procs_delta_peak: the peak during the run minus the value just before it
(everything on the machine: the sshd and shell processes of the connections count). The fd and
thread figures are sampled, so a peak shorter than INTERVAL_MS can be missed. Exits with CMD's
status (128+N when a signal N ended it).
"""
import os
import signal
import subprocess
import sys
import threading
import time


def meminfo_used_kb():
    total = avail = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                total = int(line.split()[1])
            elif line.startswith("MemAvailable:"):
                avail = int(line.split()[1])
                break
    return total - avail


def process_count():
    return sum(1 for d in os.listdir("/proc") if d.isdigit())


def main():
    if len(sys.argv) < 6 or sys.argv[4] != "--":
        sys.stderr.write("usage: bench-procwatch.py OUT TIMEOUT_S INTERVAL_MS -- CMD...\n")
        return 2
    out, timeout_s, interval_ms = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    cmd = sys.argv[5:]
    mem0, procs0 = meminfo_used_kb(), process_count()
    t0 = time.perf_counter()
    child = subprocess.Popen(cmd)
    pid = child.pid
    # A thread waits for CMD (blocking wait4), so the wall time is exact whatever the interval.
    done = threading.Event()
    result = {}

    def waiter():
        _, wstatus, ru = os.wait4(pid, 0)
        result.update(t1=time.perf_counter(), status=os.waitstatus_to_exitcode(wstatus), ru=ru)
        done.set()

    threading.Thread(target=waiter, daemon=True).start()
    fd_dir, status_path = f"/proc/{pid}/fd", f"/proc/{pid}/status"
    peak_fds = peak_threads = samples = hwm = 0
    mem_peak, procs_peak = mem0, procs0
    deadline = t0 + timeout_s
    killed_at = None
    interval = interval_ms / 1000.0
    n = 0
    while not done.is_set():
        try:
            fds = len(os.listdir(fd_dir))
            with open(status_path) as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        hwm = max(hwm, int(line.split()[1]))
                    elif line.startswith("Threads:"):
                        peak_threads = max(peak_threads, int(line.split()[1]))
                        break
            peak_fds = max(peak_fds, fds)
            samples += 1
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            pass  # gone, or a zombie before wait4
        mem_peak = max(mem_peak, meminfo_used_kb())
        # Counting processes lists /proc: every 4th sample is enough.
        if n % 4 == 0:
            procs_peak = max(procs_peak, process_count())
        n += 1
        now = time.perf_counter()
        if killed_at is None and now >= deadline:
            os.kill(pid, signal.SIGTERM)
            killed_at = now
        elif killed_at is not None and now >= killed_at + 5:
            os.kill(pid, signal.SIGKILL)
        done.wait(interval)
    ru, status = result["ru"], result["status"]
    wall_ms = (result["t1"] - t0) * 1000
    if killed_at is not None:
        status = 124
    elif status < 0:
        status = 128 - status
    with open(out, "w") as f:
        f.write(f"{wall_ms:.3f} {ru.ru_utime:.6f} {ru.ru_stime:.6f} {hwm or ru.ru_maxrss} {status} {peak_fds} "
                f"{peak_threads} {samples} {max(0, mem_peak - mem0)} {max(0, procs_peak - procs0)}\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
