# shellcheck shell=bash
# scripts/lib/bench-measure.sh: timing one benchmark run for scripts/bench (sourced by it).
#
#   measure SCENARIO TOOL N ROUND CMD...
#       runs CMD (output to $work/run.log, killed after $run_timeout seconds) and appends one
#       line to $samples:
#         scenario tool n round wall_ms user_s sys_s master_ticks max_rss_kb status server_ticks
#       Wall time: bash's $EPOCHREALTIME around the command (meter "time": GNU time -f) or
#       inside python (meter "python": getrusage(RUSAGE_CHILDREN)). CPU and peak RSS are
#       those of CMD and every descendant it waited for.
#       Hooks, for the run that follows only (measure clears them):
#         measure_before   a function run just before the clock starts (reset state)
#         measure_after    a function run just after the clock stops; a non-zero status marks
#                          the run failed (97) if CMD itself succeeded (e.g. the steps'
#                          marker files are missing), and it may close leftover connections.
#         measure_masters  pids whose CPU (utime+stime) during the run is added as
#                          master_ticks (the ControlMaster masters of ssh-warm).
#         measure_watch    non-empty: run CMD under scripts/lib/bench-procwatch.py instead of the
#                          meter (wall, CPU and peak RSS of CMD's own process, which must be the
#                          tool itself, not a wrapper) and sample its open fds and threads every
#                          50 ms; appends to $work/peaks.tsv:
#           scenario tool n round peak_fds peak_threads mem_delta_peak_kb procs_delta_peak out_bytes
#   server_ticks
#       CPU ticks of the fleet's sshd listeners' children so far (server_pids).
#
# Uses the caller's globals: root, work, samples, meter, meter_python, run_timeout, server_pids.

measure_before=
measure_after=
measure_masters=()
measure_watch=

now_us() {
    local t=${EPOCHREALTIME/[.,]/}
    printf '%s' "$((10#$t))"
}

# cpu_ticks FIELD_A FIELD_B PID...: the sum of two /proc/PID/stat fields (0 = field 3) over
# the pids, in clock ticks. 11+12 = utime+stime (the process itself); 13+14 = cutime+cstime
# (its reaped children: for an sshd listener, the per-connection processes it forked).
cpu_ticks() {
    local a=$1 b=$2 pid line rest total=0
    shift 2
    local -a f
    for pid in "$@"; do
        { read -r line <"/proc/$pid/stat"; } 2>/dev/null || continue
        rest=${line##*) }
        read -r -a f <<<"$rest"
        total=$((total + f[a] + f[b]))
    done
    printf '%s' "$total"
}

# server_ticks: CPU ticks of the server side so far: the listeners' reaped children
# (cutime+cstime) plus their live children (per-connection processes: utime+stime+cutime+
# cstime, e.g. the ControlMaster connections of ssh-warm). The difference of two readings is
# exactly the server CPU spent in between.
server_ticks() {
    local -A listener=()
    local pid line rest total=0 procdir
    local -a f
    ((${#server_pids[@]} > 0)) || {
        printf 0
        return
    }
    for pid in "${server_pids[@]}"; do listener[$pid]=1; done
    for procdir in /proc/[0-9]*; do
        { read -r line <"$procdir/stat"; } 2>/dev/null || continue
        rest=${line##*) }
        read -r -a f <<<"$rest"
        if [[ -n ${listener[${procdir#/proc/}]:-} ]]; then
            total=$((total + f[13] + f[14]))
        elif [[ -n ${listener[${f[1]}]:-} ]]; then
            total=$((total + f[11] + f[12] + f[13] + f[14]))
        fi
    done
    printf '%s' "$total"
}

measure() {
    local scen=$1 tool=$2 n=$3 round=$4
    shift 4
    local log=$work/run.log usage=$work/usage.txt t0 t1 status=0 wall user sys rss m0=0 m1=0 s0 s1
    local before=$measure_before after=$measure_after watch=$measure_watch pfds pthreads memd procd
    local -a masters=("${measure_masters[@]}")
    measure_before='' measure_after='' measure_masters=() measure_watch=''
    : >"$usage"
    [[ -n $before ]] && "$before"
    ((${#masters[@]} > 0)) && m0=$(cpu_ticks 11 12 "${masters[@]}")
    s0=$(server_ticks)
    if [[ -n $watch ]]; then
        # The watcher times CMD itself and applies the timeout (status 124, as timeout(1)).
        "$meter_python" "$root/scripts/lib/bench-procwatch.py" "$usage" "$run_timeout" 50 -- "$@" >"$log" 2>&1 || status=$?
        read -r wall user sys rss _ pfds pthreads _ memd procd <"$usage" || true
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$scen" "$tool" "$n" "$round" "${pfds:-0}" "${pthreads:-0}" \
            "${memd:-0}" "${procd:-0}" "$(wc -c <"$log")" >>"$work/peaks.tsv"
    elif [[ $meter == time ]]; then
        t0=$(now_us)
        /usr/bin/time -f '%U %S %M' -o "$usage" timeout -k 5 "$run_timeout" "$@" >"$log" 2>&1 || status=$?
        t1=$(now_us)
        wall=$(((t1 - t0) / 1000)).$(printf '%03d' $(((t1 - t0) % 1000)))
        # GNU time writes "Command exited with non-zero status N" before the numbers.
        read -r user sys rss < <(grep -E '^[0-9.]+ [0-9.]+ [0-9]+$' "$usage" | tail -n 1) || true
    else
        # Wall time is taken inside python, so its own start-up is not counted. (The meter is
        # a file, not a heredoc: the command keeps this function's standard input.)
        "$meter_python" "$work/meter.py" "$usage" timeout -k 5 "$run_timeout" "$@" >"$log" 2>&1 || status=$?
        read -r wall user sys rss <"$usage" || true
    fi
    ((${#masters[@]} > 0)) && m1=$(cpu_ticks 11 12 "${masters[@]}")
    if [[ -n $after ]] && ! "$after" && ((status == 0)); then
        status=97
        printf 'bench: the run exited 0 but its check (%s) failed\n' "$after" >>"$log"
    fi
    # Let the listeners reap the connection processes that just ended, so that their CPU
    # lands in this run (outside the timed part).
    sleep 0.1
    s1=$(server_ticks)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$scen" "$tool" "$n" "$round" "${wall:-0}" \
        "${user:-0}" "${sys:-0}" "$((m1 - m0))" "${rss:-0}" "$status" "$((s1 - s0))" >>"$samples"
    if ((status != 0)); then
        local why=
        ((status > 128 && status < 160)) && why=" = killed by signal $((status - 128))"
        ((status == 124)) && why=" = timed out after ${run_timeout}s"
        ((status == 97)) && why=" = its check failed"
        note "$scen $tool N=$n run $round FAILED (exit $status$why); from its output:"
        if grep -qiE 'crash|fatal|error|segmentation|unreachable|failed' "$log"; then
            grep -iE -m 5 'crash|fatal|error|segmentation|unreachable|failed' "$log" >&2
        else
            tail -n 10 "$log" >&2
        fi
        cp "$log" "$work/failed-$scen-$tool-$n-$round.log" 2>/dev/null || true
    fi
    return 0
}

# The python meter (BENCH_METER=python or no GNU time): wall, CPU and RSS of one command.
write_python_meter() {
    cat >"$work/meter.py" <<'PY'
import resource, subprocess, sys, time
t0 = time.perf_counter()
rc = subprocess.call(sys.argv[2:])
wall_ms = (time.perf_counter() - t0) * 1000
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as f:
    f.write(f"{wall_ms:.3f} {ru.ru_utime:.6f} {ru.ru_stime:.6f} {ru.ru_maxrss}\n")
sys.exit(rc)
PY
}
