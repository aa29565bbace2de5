# shellcheck shell=bash
# scripts/lib/deps.sh: what Warden needs on the machine, and installing what is missing.
#
# Source it (it sets no shell options):   . scripts/lib/deps.sh && warden_ensure_deps
#
#   warden_ensure_deps   puts swift on PATH (adds /opt/swift/usr/bin if swift is not found and
#                        that folder has it), then installs the missing Debian packages among
#                        WARDEN_DEBIAN_PACKAGES: `apt-get update -qq` once, then
#                        `apt-get install -y -qq` (DEBIAN_FRONTEND=noninteractive), through sudo
#                        when not root. Nothing is run when everything is there.
#                        Returns non-zero, with a message saying what to install, if it cannot.
#   warden_ensure_venv DIR PACKAGE...
#                        a Python virtual environment at DIR holding PACKAGEs from PyPI (made
#                        once, reused while it has them); scripts/browser-test's selenium.
#
# Packages: libssh-dev (the CLibSSH system library), pkg-config (SwiftPM finds libssh with it),
# openssh-server (sshd for the loopback test fleet, Tests/Fleet/fleet), openssh-client
# (ssh-keygen, ssh), supervisor (the real supervisord the pause/resume-supervisor runbook tests
# start on their own, in a fleet's folder), gdb (the backtraces of collect-coredumps), curl (the
# demo's and the tests' HTTPS client of `warden serve`), openssl (the tests' self-signed
# certificate for it) and prometheus-alertmanager (the real Alertmanager 0.25 the alert tests
# start on their own, on a loopback port with a temporary storage folder: its webhook deliveries
# to `warden serve` and its silences API; it also brings amtool, which checks
# deploy/alertmanager's config), chromium and chromium-driver (the headless browser and its
# WebDriver, /usr/bin/chromedriver, that scripts/browser-test drives through the web UI of a live
# `warden serve`: Debian's pair always matches, unlike a driver fetched for another build) and
# python3-venv (the virtual environment holding selenium for it, on a Debian python3), and
# postgresql-15 (the real PostgreSQL server the shared-journal tests start on their own:
# initdb into a temporary folder as Debian's unprivileged `postgres` user, pg_ctl on a free
# loopback port; it also brings psql), sudo (the `become` tests: test accounts with a sudoers drop-in)
# and iproute2 (`ip netns`: the jump tests put hosts only a bastion can reach in a network namespace).
#
# Installing supervisor, prometheus-alertmanager or postgresql-15 must not start Debian's system-wide
# supervisord, alertmanager or PostgreSQL cluster (the tests never use them, one on :9093 would take a port and
# receive nothing meant for it, and in a container without an init their start fails): when no
# /usr/sbin/policy-rc.d exists, one that denies every service start (exit 101) is put in place
# for the install and removed after it. A system alertmanager that runs all the same after the
# install (a policy-rc.d that allowed it) is stopped and disabled, with a note; so is a system
# PostgreSQL.

WARDEN_DEBIAN_PACKAGES=(libssh-dev pkg-config openssh-server openssh-client supervisor gdb curl openssl prometheus-alertmanager
    chromium chromium-driver python3-venv postgresql-15 sudo iproute2 binutils groff-base man-db xz-utils)
WARDEN_SWIFT_FALLBACK_DIR=${WARDEN_SWIFT_FALLBACK_DIR:-/opt/swift/usr/bin}
_WARDEN_APT_UPDATED=${_WARDEN_APT_UPDATED:-0}

_warden_note() {
    printf 'deps: %s\n' "$*" >&2
}

# warden_missing_packages PKG...: prints the packages that dpkg does not have installed.
warden_missing_packages() {
    local pkg status
    for pkg in "$@"; do
        status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
        [[ $status == "install ok installed" ]] || printf '%s\n' "$pkg"
    done
}

# warden_ensure_swift: swift on PATH, or a message and status 1.
warden_ensure_swift() {
    if command -v swift >/dev/null 2>&1; then
        return 0
    fi
    if [[ -x $WARDEN_SWIFT_FALLBACK_DIR/swift ]]; then
        PATH=$WARDEN_SWIFT_FALLBACK_DIR:$PATH
        export PATH
        _warden_note "added $WARDEN_SWIFT_FALLBACK_DIR to PATH"
        return 0
    fi
    _warden_note "swift is not on PATH (and not in $WARDEN_SWIFT_FALLBACK_DIR): install a Swift 6 toolchain from swift.org"
    return 1
}

warden_ensure_deps() {
    warden_ensure_swift || return 1

    if ! command -v dpkg-query >/dev/null 2>&1; then
        _warden_note "not a Debian-like system: cannot check packages; make sure these (or their equivalents) are installed: ${WARDEN_DEBIAN_PACKAGES[*]}"
        return 0
    fi

    local -a missing=()
    mapfile -t missing < <(warden_missing_packages "${WARDEN_DEBIAN_PACKAGES[@]}")
    if ((${#missing[@]} == 0)); then
        return 0
    fi

    local -a sudo=()
    if ((EUID != 0)); then
        if command -v sudo >/dev/null 2>&1; then
            # No terminal (CI): fail instead of waiting for a password.
            if [[ -t 0 ]]; then sudo=(sudo); else sudo=(sudo -n); fi
        else
            _warden_note "missing packages: ${missing[*]}"
            _warden_note "not root and no sudo: as root, run: apt-get update && apt-get install -y ${missing[*]}"
            return 1
        fi
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        _warden_note "missing packages: ${missing[*]} (and no apt-get to install them)"
        return 1
    fi

    _warden_note "installing missing packages: ${missing[*]}"
    if ((!_WARDEN_APT_UPDATED)); then
        if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq; then
            _warden_note "apt-get update failed; install by hand: apt-get install -y ${missing[*]}"
            return 1
        fi
        _WARDEN_APT_UPDATED=1
    fi
    # No service starts from postinst scripts (supervisor's would start a system supervisord).
    local policy_added=0
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        if printf '#!/bin/sh\n# added by warden scripts/lib/deps.sh for one apt-get install\nexit 101\n' \
            | "${sudo[@]}" tee /usr/sbin/policy-rc.d >/dev/null && "${sudo[@]}" chmod 755 /usr/sbin/policy-rc.d; then
            policy_added=1
        fi
    fi
    local installed=0
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Use-Pty=0 "${missing[@]}" || installed=$?
    if ((policy_added)); then
        "${sudo[@]}" rm -f /usr/sbin/policy-rc.d
    fi
    if ((installed != 0)); then
        _warden_note "apt-get install failed; install by hand: apt-get install -y ${missing[*]}"
        return 1
    fi
    local -a still=()
    mapfile -t still < <(warden_missing_packages "${missing[@]}")
    if ((${#still[@]} > 0)); then
        _warden_note "still missing after apt-get install: ${still[*]}"
        return 1
    fi
    if [[ " ${missing[*]} " == *" prometheus-alertmanager "* ]]; then
        _warden_stop_system_service prometheus-alertmanager "${sudo[@]}"
    fi
    if [[ " ${missing[*]} " == *" postgresql-15 "* ]]; then
        _warden_stop_system_service postgresql "${sudo[@]}"
    fi
    return 0
}

# _warden_stop_system_service SERVICE [SUDO...]: stops and disables SERVICE if its install started
# it all the same (a policy-rc.d that allowed it, or one already there that did not deny it). Only
# the system service, through systemd or its init script: an alertmanager a test started from
# /usr/bin itself is not the service and is left alone.
_warden_stop_system_service() {
    local service=$1
    shift
    if [[ -d /run/systemd/system ]] && systemctl is-active --quiet "$service" 2>/dev/null; then
        "$@" systemctl disable --now "$service" >/dev/null 2>&1 &&
            _warden_note "stopped and disabled the system $service its install started (the tests start their own)"
    elif [[ -x /etc/init.d/$service ]] && "$@" /etc/init.d/"$service" status >/dev/null 2>&1; then
        "$@" /etc/init.d/"$service" stop >/dev/null 2>&1
        "$@" update-rc.d "$service" disable >/dev/null 2>&1
        _warden_note "stopped and disabled the system $service its install started (the tests start their own)"
    fi
    return 0
}

# warden_ensure_python_tool COMMAND PACKAGE: installs PACKAGE from PyPI (pip, for this user) when
# COMMAND is not on PATH; schemathesis (scripts/api-fuzz) comes this way. Returns non-zero, with a
# message, if it cannot.
warden_ensure_python_tool() {
    local command=$1 package=$2
    command -v "$command" >/dev/null 2>&1 && return 0
    if ! python3 -m pip --version >/dev/null 2>&1; then
        _warden_note "$command is missing and pip is not available: install $package from PyPI"
        return 1
    fi
    _warden_note "installing $package from PyPI"
    # Twice: a registry that hiccups once should not fail a whole test run.
    python3 -m pip install --quiet --disable-pip-version-check "$package" >&2 ||
        { sleep 5; python3 -m pip install --quiet --disable-pip-version-check "$package" >&2; } || {
        _warden_note "pip could not install $package"
        return 1
    }
    hash -r
    command -v "$command" >/dev/null 2>&1 || {
        _warden_note "$package installed, but $command is not on PATH (add pip's script folder, e.g. ~/.local/bin)"
        return 1
    }
}

# warden_ensure_venv DIR PACKAGE...: a virtual environment at DIR (made with python3 -m venv) with
# PACKAGEs installed from PyPI. Reused as it is when its python runs and DIR/.warden-packages names
# the same packages (written after the last install that succeeded), so a second run costs nothing
# and asks no registry. The install is tried twice, like warden_ensure_python_tool's. Returns
# non-zero, with a message, if it cannot.
warden_ensure_venv() {
    local dir=$1
    shift
    local wanted="$*"
    if [[ -x $dir/bin/python && -f $dir/.warden-packages ]] && [[ $(<"$dir/.warden-packages") == "$wanted" ]] &&
        "$dir/bin/python" -c '' 2>/dev/null; then
        return 0
    fi
    if [[ ! -x $dir/bin/python ]] || ! "$dir/bin/python" -c '' 2>/dev/null; then
        rm -rf "$dir"
        mkdir -p "$(dirname "$dir")"
        python3 -m venv "$dir" >&2 || {
            _warden_note "python3 -m venv $dir failed (on Debian's python3 it needs python3-venv)"
            rm -rf "$dir"
            return 1
        }
    fi
    _warden_note "installing $wanted from PyPI into $dir"
    local -a pip=("$dir/bin/python" -m pip install --quiet --disable-pip-version-check "$@")
    "${pip[@]}" >&2 || { sleep 5; "${pip[@]}" >&2; } || {
        _warden_note "pip could not install $wanted into $dir"
        return 1
    }
    printf '%s\n' "$wanted" >"$dir/.warden-packages"
}
