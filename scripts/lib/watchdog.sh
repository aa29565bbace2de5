# scripts/lib/watchdog.sh: a test phase that hangs fails, naming what hung.
#
# Sourced by scripts/test. `watched SECONDS COMMAND...` runs COMMAND (a `swift test` phase),
# printing its output as it comes. If it is still running after SECONDS, it prints the tests
# that started and never finished, every thread of the test process (gdb, when installed),
# and kills the process tree: the phase fails within SECONDS instead of sitting silent until
# CI's own limit ends the session with nothing to read. A test waiting on a clock nobody moves
# once hung the unit tests this way, idle, with no error ever printed.
#
# The limits are for hangs, not for speed (scripts/bench keeps the timing targets): several
# times what a loaded 2-core machine takes.

# The pids of `pid` and every process under it.
watchdog_tree() {
    local pid=$1 child
    printf '%s\n' "$pid"
    for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do
        watchdog_tree "$child"
    done
}

# What a hung phase leaves to read: the tests that started and never finished (from the
# output in `log`), and the threads of every test process under `pid`.
watchdog_report() {
    local pid=$1 log=$2 limit=$3 process
    printf '\n==> watchdog: still running after %ss; the tests that started and did not finish:\n' "$limit"
    # Swift Testing prints "◇ Test NAME started." and "✔/✘ Test NAME passed/failed ...";
    # names repeat across suites, so they are counted.
    awk '
        /^◇ Test case passing / || /^◇ Test run started\.$/ { next }
        /^◇ Test .* started\.$/ { name = $0; sub(/^◇ Test /, "", name); sub(/ started\.$/, "", name); open[name]++ }
        /^(✔|✘) Test / && / (passed|failed) after / {
            name = $0; sub(/^(✔|✘) Test /, "", name); sub(/ (passed|failed) after .*$/, "", name)
            sub(/ with [0-9]+ test cases?$/, "", name); sub(/ with [0-9]+ issues?$/, "", name); open[name]--
        }
        END { for (name in open) if (open[name] > 0) print "    " name }
    ' "$log" | sort
    for process in $(watchdog_tree "$pid"); do
        case "$(tr '\0' ' ' < "/proc/$process/cmdline" 2>/dev/null)" in
        *.xctest*) ;;
        *) continue ;;
        esac
        if command -v gdb > /dev/null; then
            printf '\n==> watchdog: the threads of test process %s\n' "$process"
            timeout 120 gdb -p "$process" -batch -ex 'thread apply all bt 30' 2>/dev/null \
                | grep -E '^(Thread |#[0-9]+ )' | head -n 600 || true
        fi
    done
    printf '\n==> watchdog: killing the phase\n'
    # Deepest first is not needed: TERM to all, then KILL to what is left.
    watchdog_tree "$pid" | xargs -r kill 2>/dev/null || true
    sleep 3
    watchdog_tree "$pid" | xargs -r kill -KILL 2>/dev/null || true
}

# watched SECONDS COMMAND...: runs COMMAND under the watchdog; its exit status is COMMAND's
# (not 0 when the watchdog killed it).
watched() {
    local limit=$1 log pid dog status=0
    shift
    log=$(mktemp "${TMPDIR:-/tmp}/warden-phase.XXXXXX")
    "$@" > "$log" 2>&1 &
    pid=$!
    (
        waited=0
        while ((waited < limit)); do
            sleep 1
            waited=$((waited + 1))
            kill -0 "$pid" 2>/dev/null || exit 0
        done
        watchdog_report "$pid" "$log" "$limit"
    ) &
    dog=$!
    tail -n +1 -f --pid="$pid" "$log"
    wait "$pid" || status=$?
    wait "$dog" 2>/dev/null || true
    rm -f "$log"
    return "$status"
}
