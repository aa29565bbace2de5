# shellcheck shell=bash
# scripts/lib/bench-peers.sh: finding (and with --install-peers installing) the tools that
# scripts/bench compares Warden with, and configuring them for one fleet (sourced by it).
#
#   find_peers            sets pssh_bin, ansible_bin, ansible_playbook_bin, pyinfra_bin (empty
#                         when missing, with a note), installing first with --install-peers:
#                         Debian's pssh (apt, through scripts/lib/deps.sh) and ansible-core and
#                         pyinfra from PyPI into the virtual environment $venv (default
#                         .bench-venv/, gitignored; `python3 -m venv`, then pip install).
#                         The virtual environment is searched before PATH.
#   peer_versions         one line per tool found: its version (for the notes and the JSON).
#   write_peer_configs    for the current fleet (FLEET_* variables): the ansible inventory and
#                         ansible.cfg, and the pyinfra inventory, in $work.
#   close_masters DIR     asks every ControlMaster whose socket is in DIR to exit
#                         (`ssh -O exit`), waits for them, and removes DIR.
#
# Every ssh client runs with the fleet's client key only, strict host key checking against the
# fleet's known_hosts, no ssh_config (-F /dev/null where the tool allows it) and, with
# --ssh-kex, the same KexAlgorithms. Uses the caller's globals: root, work, install_peers, venv,
# ssh_kex, note, skip_note, and the tool list (has_tool).

PEER_PYPI_PACKAGES=(ansible-core pyinfra)

# peer_bin NAME: NAME from the virtual environment, else from PATH, else nothing.
peer_bin() {
    if [[ -x $venv/bin/$1 ]]; then
        printf '%s' "$venv/bin/$1"
    else
        command -v "$1" 2>/dev/null || true
    fi
}

install_pypi_peers() {
    note "installing ${PEER_PYPI_PACKAGES[*]} into $venv (--install-peers)"
    if [[ ! -x $venv/bin/pip ]]; then
        python3 -m venv "$venv" || {
            skip_note "could not create the virtual environment $venv (python3 -m venv; on Debian: apt-get install python3-venv)"
            return 1
        }
    fi
    "$venv/bin/pip" install -q --disable-pip-version-check "${PEER_PYPI_PACKAGES[@]}" >&2 || {
        skip_note "pip install ${PEER_PYPI_PACKAGES[*]} into $venv failed"
        return 1
    }
}

find_peers() {
    pssh_bin='' ansible_bin='' ansible_playbook_bin='' pyinfra_bin=''
    if has_tool pssh; then
        pssh_bin=$(command -v parallel-ssh || command -v pssh || true)
        if [[ -z $pssh_bin ]] && ((install_peers)); then
            note "installing pssh (--install-peers)"
            _WARDEN_APT_UPDATED=0
            WARDEN_DEBIAN_PACKAGES=(pssh)
            warden_ensure_deps || true
            pssh_bin=$(command -v parallel-ssh || command -v pssh || true)
        fi
        [[ -n $pssh_bin ]] || skip_note "pssh: skipped, not installed (apt-get install pssh, or rerun with --install-peers)"
    fi
    if { has_tool ansible || has_tool pyinfra; } && ((install_peers)); then
        install_pypi_peers || true
    fi
    if has_tool ansible; then
        ansible_bin=$(peer_bin ansible)
        ansible_playbook_bin=$(peer_bin ansible-playbook)
        if [[ -z $ansible_bin || -z $ansible_playbook_bin ]]; then
            ansible_bin='' ansible_playbook_bin=''
            skip_note "ansible: skipped, not installed (rerun with --install-peers: pip install ansible-core into $venv)"
        fi
    fi
    if has_tool pyinfra; then
        pyinfra_bin=$(peer_bin pyinfra)
        [[ -n $pyinfra_bin ]] || skip_note "pyinfra: skipped, not installed (rerun with --install-peers: pip install pyinfra into $venv)"
    fi
    return 0
}

peer_versions() {
    local v
    printf 'ssh: %s\n' "$(ssh -V 2>&1)"
    if [[ -n $pssh_bin ]]; then
        v=$(dpkg-query -W -f='${Version}' pssh 2>/dev/null || "$pssh_bin" --version 2>&1 | head -n 1)
        printf 'pssh: %s %s\n' "${pssh_bin##*/}" "$v"
    fi
    if [[ -n $ansible_bin ]]; then
        printf 'ansible: %s\n' "$("$ansible_bin" --version 2>/dev/null | head -n 1)"
    fi
    if [[ -n $pyinfra_bin ]]; then
        v=$("$(dirname "$pyinfra_bin")/python" -c 'import importlib.metadata as m; print("pyinfra", m.version("pyinfra"), "paramiko", m.version("paramiko"))' 2>/dev/null ||
            "$pyinfra_bin" --version 2>&1 | head -n 1)
        printf 'pyinfra: %s\n' "$v"
    fi
}

# The ssh options every OpenSSH-based client gets (one per line).
ssh_opts() {
    printf '%s\n' -F /dev/null -i "$FLEET_KEY" -o IdentitiesOnly=yes -o UserKnownHostsFile="$FLEET_KNOWN_HOSTS" \
        -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=10
    [[ -z $ssh_kex ]] || printf '%s\n' -o "KexAlgorithms=$ssh_kex"
}

write_peer_configs() {
    local name addr port
    if [[ -n $ansible_bin ]]; then
        # Host names as Warden's inventory has them; raw needs no python on the hosts.
        {
            printf '[fleet]\n'
            while read -r name addr port; do
                printf '%s ansible_host=%s ansible_port=%s\n' "$name" "$addr" "$port"
            done <"$FLEET_DIR/fleet.manifest"
            printf '\n[fleet:vars]\nansible_user=%s\nansible_ssh_private_key_file=%s\n' "$FLEET_USER" "$FLEET_KEY"
        } >"$work/ansible-inventory.ini"
        # ControlPersist on (the control_path_dir is given per run, so every run starts cold),
        # pipelining on, no fact gathering; no -C (compression) unlike ansible's default ssh_args.
        cat >"$work/ansible.cfg" <<EOF
[defaults]
inventory = $work/ansible-inventory.ini
host_key_checking = True
gathering = explicit
retry_files_enabled = False
interpreter_python = auto_silent
nocolor = True

[ssh_connection]
pipelining = True
ssh_args = -F /dev/null -o IdentitiesOnly=yes -o UserKnownHostsFile=$FLEET_KNOWN_HOSTS -o StrictHostKeyChecking=yes -o ControlMaster=auto -o ControlPersist=60s${ssh_kex:+ -o KexAlgorithms=$ssh_kex}
control_path = %(directory)s/%%C
EOF
    fi
    if [[ -n $pyinfra_bin ]]; then
        # paramiko has no sntrup761; --ssh-kex is not passed on (it negotiates curve25519).
        {
            printf '# pyinfra inventory of the loopback fleet %s (written by scripts/bench)\n' "$FLEET_DIR"
            printf 'common = {"ssh_user": "%s", "ssh_key": "%s", "ssh_known_hosts_file": "%s",\n' \
                "$FLEET_USER" "$FLEET_KEY" "$FLEET_KNOWN_HOSTS"
            printf '          "ssh_strict_host_key_checking": "yes", "ssh_allow_agent": False,\n'
            printf '          "ssh_look_for_keys": False, "ssh_config_file": "/dev/null"}\n'
            printf 'fleet = [\n'
            while read -r name addr port; do
                printf '    ("%s", {"ssh_hostname": "%s", "ssh_port": %s, **common}),\n' "$name" "$addr" "$port"
            done <"$FLEET_DIR/fleet.manifest"
            printf ']\n'
        } >"$work/pyinfra_inventory.py"
    fi
}

# ansible_env RUN_DIR: the environment of one ansible run (its own ControlPath folder).
ansible_env() {
    printf '%s\n' "ANSIBLE_CONFIG=$work/ansible.cfg" "ANSIBLE_HOME=$work/ansible-home" \
        "ANSIBLE_SSH_CONTROL_PATH_DIR=$1" "ANSIBLE_LOCAL_TEMP=$work/ansible-home/tmp"
}

close_masters() {
    local dir=$1 sock
    [[ -d $dir ]] || return 0
    for sock in "$dir"/*; do
        [[ -S $sock ]] || continue
        ssh -n -F /dev/null -o ControlPath="$sock" -O exit master >/dev/null 2>&1 &
    done
    wait
    rm -rf "$dir"
}
