# shellcheck shell=bash
# scripts/lib/bench-runs.sh: what scripts/bench runs, per scenario and tool (sourced by it).
#
#   write_step_files      the K-step workload once per bench: Warden's runbook, the ansible
#                         playbook, the pyinfra deploy (in $work); and Warden's runbook of the
#                         thousand_steps steps of scenario T ($work/steps-t.yaml)
#   write_fleet_files     per fleet: the xargs input of the ssh tools (fan-out and steps; for T's
#                         steps too when the fleet runs T)
#   run_tool SCEN TOOL N ROUND
#                         one measured run (scripts/lib/bench-measure.sh) of TOOL in SCEN:
#                         A-fanout/C-fanout `true` on every host; B-steps/C-steps the K steps;
#                         C-validate `warden validate` of a shipped runbook (no fleet);
#                         T-fanout-cC/T-steps-cC (scenario T) the same at concurrency C, Warden
#                         watched (bench-procwatch.py: peak fds and threads)
#   count_fsyncs SCEN N   one more, unmeasured, run of Warden's steps under
#                         `strace -f -c -e trace=fsync,fdatasync,...`: the durable syncs of a run,
#                         appended to $work/fsyncs.tsv (skipped with a note without strace)
#   probe_kex NAME TOOL...
#                         sets the fleet's host NAME to LogLevel DEBUG1 (SIGHUP: sshd re-executes
#                         itself, same pid), runs each TOOL once against NAME only and records the
#                         key exchange and cipher sshd logged for its connection in $work/kex.tsv
#
# The K steps (K = --steps) depend on each other through files on the host: step 1 runs
# `: > D/ADDR.1`, step k `test -e D/ADDR.(k-1) && : > D/ADDR.k`, with D = $work/steps (all
# hosts share this machine's file system; ADDR tells them apart) and only shell built-ins, so
# a step costs the host a shell and nothing more. Before each run D is emptied; after it every
# host must have D/ADDR.K, or the run counts as failed. Every tool runs the steps the same way:
# step k on all hosts at once, then step k+1.
#
# Uses the caller's globals: root, work, steps, thousand_steps, warden_bin, pssh_bin, ansible_bin,
# ansible_playbook_bin, pyinfra_bin, ssh_kex, FLEET_*, master_pids, validate_runbook.

step_command() { # K ADDR-EXPRESSION DIR: the shell command of step K
    local k=$1 a=$2 d=$3
    if ((k == 1)); then
        printf ': > %s/%s.1' "$d" "$a"
    else
        printf 'test -e %s/%s.%d && : > %s/%s.%d' "$d" "$a" $((k - 1)) "$d" "$a" "$k"
    fi
}

# write_warden_runbook K FILE SCENARIOS: Warden's runbook of K dependent steps.
write_warden_runbook() {
    local k n=$1 d=$work/steps
    {
        printf '# %d dependent steps (scripts/bench scenarios %s): step k needs step k-1'"'"'s file.\n' "$n" "$3"
        printf 'name: bench-steps\nsummary: %d dependent steps, each on every host\n' "$n"
        printf 'targets:\n  fleet: {hosts: fleet, at_least: 1}\nsteps:\n'
        for ((k = 1; k <= n; k++)); do
            printf '  - id: s%02d\n    on: fleet\n    run: "%s"\n' "$k" "$(step_command "$k" '{{ host.address }}' "$d")"
        done
    } >"$2"
}

write_step_files() {
    local k d=$work/steps
    mkdir -p "$d"
    write_warden_runbook "$steps" "$work/steps.yaml" "B and C"
    write_warden_runbook "$thousand_steps" "$work/steps-t.yaml" T
    {
        printf -- '- name: %d dependent steps (scripts/bench)\n  hosts: fleet\n  gather_facts: false\n  tasks:\n' "$steps"
        for ((k = 1; k <= steps; k++)); do
            printf '    - name: s%02d\n      raw: "%s"\n' "$k" "$(step_command "$k" '{{ ansible_host }}' "$d")"
        done
    } >"$work/steps-playbook.yaml"
    {
        printf '# %d dependent steps (scripts/bench)\nfrom pyinfra import host\nfrom pyinfra.operations import server\n' "$steps"
        printf 'addr = host.data.ssh_hostname\n'
        for ((k = 1; k <= steps; k++)); do
            printf 'server.shell(name="s%02d", commands=[f"%s"])\n' "$k" "$(step_command "$k" '{addr}' "$d")"
        done
    } >"$work/steps_deploy.py"
    # bash: per step, one ssh per host (xargs -P N), through ControlMaster (options as arguments).
    cat >"$work/ssh-steps.sh" <<'EOF'
# ssh-steps.sh N STEPS_DIR SSH_OPTION...: step k on every host, then k+1 (scripts/bench).
n=$1 dir=$2
shift 2
for f in "$dir"/step-*.txt; do
    xargs -P "$n" -L 1 ssh "$@" <"$f" || exit 1
done
EOF
}

# write_fleet_files [T_STEPS]: also the step files of scenario T (T_STEPS of them) when given.
write_fleet_files() {
    local h k addr port d=$work/steps kmax=$steps tk=${1:-0} file
    : >"$work/xargs.masters"
    : >"$work/xargs.runs"
    rm -rf "$work/ssh-steps" "$work/ssh-steps-t"
    mkdir -p "$work/ssh-steps"
    ((tk > kmax)) && kmax=$tk
    while read -r h; do
        addr=${h%:*} port=${h##*:}
        printf -- '-p %s %s\n' "$port" "$addr" >>"$work/xargs.masters"
        printf -- '-p %s %s true\n' "$port" "$addr" >>"$work/xargs.runs"
        for ((k = 1; k <= kmax; k++)); do
            printf -- '-p %s %s %s\n' "$port" "$addr" "$(step_command "$k" "${addr#*@}" "$d")" \
                >>"$work/ssh-steps/step-$(printf '%03d' "$k").txt"
        done
    done <"$FLEET_HOSTS_FILE"
    if ((tk > 0)); then
        mkdir -p "$work/ssh-steps-t"
        for ((k = 1; k <= tk; k++)); do
            file=step-$(printf '%03d' "$k").txt
            ln -s "$work/ssh-steps/$file" "$work/ssh-steps-t/$file"
        done
    fi
    for ((k = steps + 1; k <= kmax; k++)); do
        rm -f "$work/ssh-steps/step-$(printf '%03d' "$k").txt"
    done
}

# scen_concurrency SCEN N: the concurrency of a run (T-*-cC: C; else the number of hosts).
scen_concurrency() {
    case $1 in
    T-*-c*) printf '%s' "${1##*-c}" ;;
    *) printf '%s' "$2" ;;
    esac
}
# scen_steps SCEN: how many steps its runs have.
scen_steps() {
    case $1 in
    T-*) printf '%s' "$thousand_steps" ;;
    *) printf '%s' "$steps" ;;
    esac
}

# The steps' before and after hooks.
steps_reset() {
    rm -f "$work/steps/"*
}
steps_check() {
    local count
    count=$(find "$work/steps" -name "*.$steps_now" | wc -l)
    if ((count != steps_hosts_now)); then
        printf 'bench: %d of %d hosts have their step-%d file\n' "$count" "$steps_hosts_now" "$steps_now" >>"$work/run.log"
        return 1
    fi
}
# fanout_json_check: warden exec --output json reported every host ok (scenario T).
fanout_json_check() {
    local why
    why=$("$meter_python" - "$work/run.log" "$fanout_hosts_now" 2>&1 <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
# The report is the first line that starts with "{" (diagnostics on stderr share the log).
m = re.search(r"^\{", text, re.M)
try:
    doc = json.JSONDecoder().raw_decode(text[m.start():])[0] if m else {}
except ValueError:
    doc = {}
hosts = doc.get("hosts", [])
bad = [h for h in hosts if not h.get("ok")]
want = int(sys.argv[2])
if len(hosts) != want or bad or doc.get("summary", {}).get("succeeded") != want:
    first = [f"{h['host']}: {(h.get('error') or {}).get('kind')} {(h.get('error') or {}).get('message')}" for h in bad[:5]]
    print(f"bench: warden exec reported {len(hosts) - len(bad)} of {want} hosts ok; first failures: {first}")
    sys.exit(1)
PY
    ) && return 0
    printf '%s\n' "$why" >>"$work/run.log"
    return 1
}

run_tool() {
    local scen=$1 tool=$2 n=$3 round=$4 cp c sdir=$work/ssh-steps runbook=$work/steps.yaml
    local -a opts=() env
    c=$(scen_concurrency "$scen" "$n")
    [[ $tool == ssh-* ]] && mapfile -t opts < <(ssh_opts)
    if [[ $scen == *-steps || $scen == *-steps-c* ]]; then
        measure_before=steps_reset measure_after=steps_check
        steps_hosts_now=$n
        steps_now=$(scen_steps "$scen")
    fi
    if [[ $scen == T-* ]]; then
        sdir=$work/ssh-steps-t runbook=$work/steps-t.yaml
        [[ $tool == warden ]] && measure_watch=1
    fi
    case $scen:$tool in
    T-fanout-c*:warden)
        # --output json: every host's result, checked after the run.
        fanout_hosts_now=$n
        measure_after=fanout_json_check
        measure "$scen" warden "$n" "$round" "$warden_bin" exec -i "$FLEET_INVENTORY" --concurrency "$c" --output json \
            fleet -- true
        ;;
    T-steps-c*:warden)
        measure "$scen" warden "$n" "$round" "$warden_bin" run "$runbook" -i "$FLEET_INVENTORY" \
            --yes --state "$work/warden-state" --concurrency "$c"
        ;;
    C-validate:warden)
        measure "$scen" warden "$n" "$round" "$warden_bin" validate "$validate_runbook"
        ;;
    *-fanout:warden)
        measure "$scen" warden "$n" "$round" "$warden_bin" exec -i "$FLEET_INVENTORY" --concurrency "$n" fleet -- true
        ;;
    *-steps:warden)
        measure "$scen" warden "$n" "$round" "$warden_bin" run "$work/steps.yaml" -i "$FLEET_INVENTORY" \
            --yes --state "$work/warden-state" --concurrency "$n"
        ;;
    A-fanout:pssh)
        measure "$scen" pssh "$n" "$round" "$pssh_bin" -h "$FLEET_HOSTS_FILE" -p "$n" -t 120 \
            -x "-F /dev/null -i $FLEET_KEY -o IdentitiesOnly=yes -o UserKnownHostsFile=$FLEET_KNOWN_HOSTS -o StrictHostKeyChecking=yes -o BatchMode=yes${ssh_kex:+ -o KexAlgorithms=$ssh_kex}" \
            true
        ;;
    *:ansible)
        # A fresh ControlPath folder per run: cold connections; the masters that ControlPersist
        # leaves behind are closed after the clock stops.
        cp=$work/acp-$round
        mapfile -t env < <(ansible_env "$cp")
        ansible_cp=$cp
        if [[ $scen == *-steps ]]; then
            measure_after=steps_check_and_close_ansible_masters
        else
            measure_after=close_ansible_masters
        fi
        if [[ $scen == A-fanout ]]; then
            measure "$scen" ansible "$n" "$round" env "${env[@]}" "$ansible_bin" fleet -m raw -a true -f "$n"
        else
            measure "$scen" ansible "$n" "$round" env "${env[@]}" "$ansible_playbook_bin" -f "$n" "$work/steps-playbook.yaml"
        fi
        ;;
    *:pyinfra)
        if [[ $scen == A-fanout ]]; then
            measure "$scen" pyinfra "$n" "$round" "$pyinfra_bin" -y --parallel "$n" "$work/pyinfra_inventory.py" exec -- true
        else
            measure "$scen" pyinfra "$n" "$round" "$pyinfra_bin" -y --parallel "$n" "$work/pyinfra_inventory.py" "$work/steps_deploy.py"
        fi
        ;;
    A-fanout:ssh-cold)
        measure "$scen" ssh-cold "$n" "$round" xargs -P "$n" -L 1 ssh "${opts[@]}" \
            -o ControlMaster=auto -o ControlPersist=no -o ControlPath="$work/cm-cold/%C" <"$work/xargs.runs"
        ;;
    *-fanout:ssh-warm | T-fanout-c*:ssh-warm)
        measure_masters=("${master_pids[@]}")
        measure "$scen" ssh-warm "$n" "$round" xargs -P "$c" -L 1 ssh "${opts[@]}" \
            -o ControlMaster=no -o ControlPath="$work/cm-warm/%C" <"$work/xargs.runs"
        ;;
    *-steps:ssh-cold)
        # The first step's ssh to a host becomes its master and stays (ControlPersist) for the
        # later steps: a cold ControlMaster. Closed after the clock stops.
        ssh_cold_cp=$work/cm-steps-$round
        mkdir -p "$ssh_cold_cp"
        measure_after=steps_check_and_close_ssh_cold
        measure "$scen" ssh-cold "$n" "$round" bash "$work/ssh-steps.sh" "$n" "$work/ssh-steps" "${opts[@]}" \
            -o ControlMaster=auto -o ControlPersist=yes -o ControlPath="$ssh_cold_cp/%C"
        ;;
    *-steps:ssh-warm | T-steps-c*:ssh-warm)
        measure_masters=("${master_pids[@]}")
        measure "$scen" ssh-warm "$n" "$round" bash "$work/ssh-steps.sh" "$c" "$sdir" "${opts[@]}" \
            -o ControlMaster=no -o ControlPath="$work/cm-warm/%C"
        ;;
    *) die "internal: no run for $scen:$tool" ;;
    esac
}

close_ansible_masters() {
    close_masters "$ansible_cp"
}
steps_check_and_close_ansible_masters() {
    local rc=0
    steps_check || rc=1
    close_ansible_masters
    return "$rc"
}
steps_check_and_close_ssh_cold() {
    local rc=0
    steps_check || rc=1
    close_masters "$ssh_cold_cp"
    return "$rc"
}

# The tools of one scenario, in the order of the table. C and T are Warden's alone, beside the
# floor (bash through warm ControlMaster masters).
scenario_tools() {
    case $1 in
    A-fanout) printf '%s\n' warden pssh ansible pyinfra ssh-cold ssh-warm ;;
    B-steps) printf '%s\n' warden ansible pyinfra ssh-cold ssh-warm ;;
    C-validate) printf '%s\n' warden ;;
    C-* | T-*) printf '%s\n' warden ssh-warm ;;
    esac
}

# count_fsyncs SCEN N: one more run of Warden's steps of SCEN (not timed, not in the statistics)
# under strace -f -c: how many fsync and fdatasync calls (and other syncs) a run makes. Appends
# `scenario n steps fsync fdatasync other_syncs status` to $work/fsyncs.tsv.
count_fsyncs() {
    local scen=$1 n=$2 c k runbook=$work/steps.yaml out=$work/strace.txt status=0 fs fds other
    [[ -n $warden_bin ]] || return 0
    if ! command -v strace >/dev/null; then
        [[ -n ${fsync_note_done:-} ]] || skip_note "fsyncs per step: not counted, strace is not installed (apt-get install strace)"
        fsync_note_done=1
        return 0
    fi
    c=$(scen_concurrency "$scen" "$n")
    k=$(scen_steps "$scen")
    [[ $scen == T-* ]] && runbook=$work/steps-t.yaml
    steps_now=$k steps_hosts_now=$n
    steps_reset
    # --seccomp-bpf: only the traced calls stop the process (else every syscall of every thread does).
    local -a fast=()
    strace --seccomp-bpf -f -c -e trace=fsync -o /dev/null true 2>/dev/null && fast=(--seccomp-bpf)
    strace "${fast[@]}" -f -c -e trace=fsync,fdatasync,sync_file_range,syncfs,msync -o "$out" \
        timeout -k 5 "$run_timeout" "$warden_bin" run "$runbook" -i "$FLEET_INVENTORY" --yes \
        --state "$work/warden-state" --concurrency "$c" >"$work/run.log" 2>&1 || status=$?
    ((status == 0)) && ! steps_check && status=97
    # strace -c: "% time seconds usecs/call calls [errors] syscall", one line per call traced.
    read -r fs fds other < <(awk '
        $NF == "fsync" { f = $4 } $NF == "fdatasync" { d = $4 }
        $NF ~ /^(sync_file_range|syncfs|msync)$/ { o += $4 }
        END { printf "%d %d %d\n", f, d, o }' "$out")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$scen" "$n" "$k" "$fs" "$fds" "$other" "$status" >>"$work/fsyncs.tsv"
    ((status == 0)) || note "$scen N=$n: the run under strace failed (exit $status): $(tail -n 1 "$work/run.log")"
    note "$scen N=$n: $((fs + fds)) fsync+fdatasync in a run of $k steps"
}

# ---------------------------------------------------------------------------------------
# Which key exchange each tool negotiates, from sshd's own log.

probe_kex() {
    local name=$1 hd log pid listening before t addr port cp kex cipher
    shift
    hd=$FLEET_DIR/hosts/$name
    log=$hd/sshd.log
    read -r _ addr port < <(grep "^$name " "$FLEET_DIR/fleet.manifest")
    pid=
    { read -r pid <"$hd/sshd.pid"; } 2>/dev/null || true
    [[ -n $pid ]] || {
        note "kex probe: no pid for $name; skipped"
        return 0
    }
    listening=$(grep -c 'Server listening' "$log" || true)
    sed -i 's/^LogLevel .*/LogLevel DEBUG1/' "$hd/sshd_config"
    kill -HUP "$pid" || return 0
    for _ in $(seq 100); do
        (($(grep -c 'Server listening' "$log" || true) > listening)) && break
        sleep 0.05
    done
    local -a opts env
    mapfile -t opts < <(ssh_opts)
    for t in "$@"; do
        before=$(wc -l <"$log")
        case $t in
        warden) "$warden_bin" exec -i "$FLEET_INVENTORY" "$name" -- true ;;
        pssh) "$pssh_bin" -H "$FLEET_USER@$addr:$port" -x "${opts[*]}" true ;;
        ansible)
            cp=$work/acp-kex
            mapfile -t env < <(ansible_env "$cp")
            env "${env[@]}" "$ansible_bin" "$name" -m raw -a true
            close_masters "$cp"
            ;;
        pyinfra) "$pyinfra_bin" -y --limit "$name" "$work/pyinfra_inventory.py" exec -- true ;;
        ssh) ssh "${opts[@]}" -p "$port" "$FLEET_USER@$addr" true ;;
        esac >"$work/kex-run.log" 2>&1 || note "kex probe: $t failed: $(tail -n 1 "$work/kex-run.log")"
        sleep 0.2
        kex=$(tail -n +"$((before + 1))" "$log" | sed -n 's/.*kex: algorithm: \([^ ]*\).*/\1/p' | head -n 1)
        cipher=$(tail -n +"$((before + 1))" "$log" | sed -n 's/.*kex: client->server cipher: \([^ ]*\).*/\1/p' | head -n 1)
        printf '%s\t%s\t%s\n' "$t" "${kex:-?}" "${cipher:-?}" >>"$work/kex.tsv"
    done
}
