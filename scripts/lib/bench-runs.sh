# shellcheck shell=bash
# scripts/lib/bench-runs.sh: what scripts/bench runs, per scenario and tool (sourced by it).
#
#   write_step_files      the K-step workload once per bench: Warden's runbook, the ansible
#                         playbook, the pyinfra deploy (in $work)
#   write_fleet_files     per fleet: the xargs input of the ssh tools (fan-out and steps)
#   run_tool SCEN TOOL N ROUND
#                         one measured run (scripts/lib/bench-measure.sh) of TOOL in SCEN:
#                         A-fanout/C-fanout `true` on every host; B-steps/C-steps the K steps;
#                         C-validate `warden validate` of a shipped runbook (no fleet)
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
# Uses the caller's globals: root, work, steps, warden_bin, pssh_bin, ansible_bin,
# ansible_playbook_bin, pyinfra_bin, ssh_kex, FLEET_*, master_pids, validate_runbook.

step_command() { # K ADDR-EXPRESSION DIR: the shell command of step K
    local k=$1 a=$2 d=$3
    if ((k == 1)); then
        printf ': > %s/%s.1' "$d" "$a"
    else
        printf 'test -e %s/%s.%d && : > %s/%s.%d' "$d" "$a" $((k - 1)) "$d" "$a" "$k"
    fi
}

write_step_files() {
    local k d=$work/steps
    mkdir -p "$d"
    {
        printf '# %d dependent steps (scripts/bench scenarios B and C): step k needs step k-1'"'"'s file.\n' "$steps"
        printf 'name: bench-steps\nsummary: %d dependent steps, each on every host\n' "$steps"
        printf 'targets:\n  fleet: {hosts: fleet, at_least: 1}\nsteps:\n'
        for ((k = 1; k <= steps; k++)); do
            printf '  - id: s%02d\n    on: fleet\n    run: "%s"\n' "$k" "$(step_command "$k" '{{ host.address }}' "$d")"
        done
    } >"$work/steps.yaml"
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

write_fleet_files() {
    local h k addr port user d=$work/steps
    : >"$work/xargs.masters"
    : >"$work/xargs.runs"
    rm -rf "$work/ssh-steps"
    mkdir -p "$work/ssh-steps"
    while read -r h; do
        addr=${h%:*} port=${h##*:}
        printf -- '-p %s %s\n' "$port" "$addr" >>"$work/xargs.masters"
        printf -- '-p %s %s true\n' "$port" "$addr" >>"$work/xargs.runs"
        for ((k = 1; k <= steps; k++)); do
            printf -- '-p %s %s %s\n' "$port" "$addr" "$(step_command "$k" "${addr#*@}" "$d")" \
                >>"$work/ssh-steps/step-$(printf '%03d' "$k").txt"
        done
    done <"$FLEET_HOSTS_FILE"
}

# The steps' before and after hooks.
steps_reset() {
    rm -f "$work/steps/"*
}
steps_check() {
    local count
    count=$(find "$work/steps" -name "*.$steps" | wc -l)
    ((count == steps_hosts_now))
}

run_tool() {
    local scen=$1 tool=$2 n=$3 round=$4 cp
    local -a opts=() env
    [[ $tool == ssh-* ]] && mapfile -t opts < <(ssh_opts)
    if [[ $scen == *-steps ]]; then
        measure_before=steps_reset measure_after=steps_check
        steps_hosts_now=$n
    fi
    case $scen:$tool in
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
    A-fanout:ssh-warm)
        measure_masters=("${master_pids[@]}")
        measure "$scen" ssh-warm "$n" "$round" xargs -P "$n" -L 1 ssh "${opts[@]}" \
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
    *-steps:ssh-warm)
        measure_masters=("${master_pids[@]}")
        measure "$scen" ssh-warm "$n" "$round" bash "$work/ssh-steps.sh" "$n" "$work/ssh-steps" "${opts[@]}" \
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

# The tools of one scenario, in the order of the table.
scenario_tools() {
    case $1 in
    A-fanout) printf '%s\n' warden pssh ansible pyinfra ssh-cold ssh-warm ;;
    B-steps) printf '%s\n' warden ansible pyinfra ssh-cold ssh-warm ;;
    C-*) printf '%s\n' warden ;;
    esac
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
