#!/usr/bin/env bash
# scripts/lib/bench-reach.sh: reaching hosts through a bastion, and what `become` costs
# (scripts/bench --scenarios R, or alone).
#
#   scripts/lib/bench-reach.sh [--warden BINARY] [--bench-warm BINARY] [--no-build] [--scratch-path DIR]
#                              [--hosts 50] [--rounds 5] [--net 127.31.0] [--port 2722]
#
# Two loopback fleets of --hosts sshd servers each (Tests/Fleet/fleet): one reached directly, one
# in a network namespace of its own behind a bastion (--behind-bastion: h01 is the bastion, the
# only host reachable from here; needs root). It measures, --rounds times, interleaved:
#   warden direct      `warden exec --concurrency N fleet -- true` on the direct fleet
#   warden bastion     the same on the fleet behind the bastion (one bastion session carries all)
#   ssh -J             `xargs -P N ssh -J bastion TARGET true`: OpenSSH's ProxyJump, each target
#                      its own ssh and its own connection to the bastion
#   ssh -J master      the same through one ControlMaster connection to the bastion started
#                      beforehand (ProxyCommand `ssh -S CTL -W %h:%p`): the bastion's handshake
#                      is not paid per target; the master's own CPU is not counted
# and reports the median and min-max wall time and the median CPU (user+sys of the command and its
# descendants). Every run must exit 0. Then warden-bench-warm on the direct fleet's h01: one command
# on a warm session, plain and through `become` (sudo -n to nobody), median and p90.
# No timing assertions. Takes about a minute.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$root"
FLEET=$root/Tests/Fleet/fleet
warden= warm= build=1 scratch= hosts=50 rounds=5 net=127.31.0 port=2722

die() { printf 'bench-reach: %s\n' "$*" >&2; exit 1; }
while (($# > 0)); do
    case $1 in
    --warden) warden=$2; shift 2 ;;
    --bench-warm) warm=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --scratch-path) scratch=$2; shift 2 ;;
    --hosts) hosts=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --net) net=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    -h | --help) sed -n '2,24p' "$0"; exit 0 ;;
    *) die "unknown argument: $1" ;;
    esac
done
[[ $(id -u) == 0 ]] || die "the bastion fleet lives in a network namespace: run as root"
[[ $net =~ ^127\.([0-9]+)\.([0-9]+)$ ]] || die "--net must look like 127.A.B"
behind_net=127.${BASH_REMATCH[1]}.$((BASH_REMATCH[2] + 1))

if [[ -z $warden ]]; then
    bin=.build/release
    if ((build)); then
        swift build -c release ${scratch:+--scratch-path "$scratch"} --product warden >&2
        swift build -c release ${scratch:+--scratch-path "$scratch"} --product warden-bench-warm >&2
    fi
    [[ -n $scratch ]] && bin=$scratch/release
    warden=$bin/warden
    [[ -z $warm && -x $bin/warden-bench-warm ]] && warm=$bin/warden-bench-warm
fi
[[ -x $warden ]] || die "no warden binary at $warden"
[[ -z $warm && -x $(dirname "$warden")/warden-bench-warm ]] && warm=$(dirname "$warden")/warden-bench-warm

work=$(mktemp -d "${TMPDIR:-/tmp}/warden-bench-reach.XXXXXX")
direct=$work/direct behind=$work/behind
cleanup() {
    [[ -S $work/ctl ]] && ssh -S "$work/ctl" -O exit bastion >/dev/null 2>&1 || true
    "$FLEET" down --dir "$direct" >/dev/null 2>&1 || true
    "$FLEET" down --dir "$behind" >/dev/null 2>&1 || true
    if [[ -n ${BENCH_KEEP:-} ]]; then printf 'kept %s\n' "$work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

"$FLEET" up --hosts "$hosts" --dir "$direct" --net "$net" --port "$port" >/dev/null 2>&1 || die "the direct fleet did not start"
"$FLEET" up --hosts $((hosts + 1)) --dir "$behind" --net "$behind_net" --port "$port" --behind-bastion >/dev/null 2>&1 ||
    die "the fleet behind a bastion did not start"
. "$behind/fleet.env"
bastion_addr=$(sed -n 's/^\[\(10\.[0-9.]*\)\]:.*/\1/p' "$behind/known_hosts" | head -1)
[[ -n $bastion_addr ]] || die "no bastion address in $behind/known_hosts"

# One ssh config for both hops, as an operator would write it: the fleet's key and known_hosts, strict.
cat >"$work/ssh_config" <<EOF
Host bastion
    HostName $bastion_addr
Host *
    User $FLEET_USER
    Port $port
    IdentityFile $behind/client_key
    IdentitiesOnly yes
    UserKnownHostsFile $behind/known_hosts
    StrictHostKeyChecking yes
    BatchMode yes
    LogLevel ERROR
EOF
targets=$work/targets.txt
sed -n 's/^h[0-9]* \(127[0-9.]*\) .*/\1/p' "$behind/fleet.manifest" | tail -n +2 >"$targets"
ssh -F "$work/ssh_config" -M -N -f -S "$work/ctl" bastion || die "the ssh master to the bastion did not start"

declare -A cmds=(
    ["warden direct"]="$warden exec -i $direct/inventory.yaml --concurrency $hosts fleet -- true"
    ["warden bastion"]="$warden exec -i $behind/inventory.yaml --concurrency $hosts fleet -- true"
    ["ssh -J"]="xargs -P $hosts -I{} ssh -F $work/ssh_config -J bastion {} true < $targets"
    ["ssh -J master"]="xargs -P $hosts -I{} ssh -F $work/ssh_config -o 'ProxyCommand=ssh -S $work/ctl -W %h:%p bastion' {} true < $targets"
)
order=("warden direct" "warden bastion" "ssh -J" "ssh -J master")
declare -A walls=() cpus=()
measure() {
    /usr/bin/time -o "$work/time" -f '%e %U %S' bash -c "$1" >/dev/null 2>"$work/err" || {
        cat "$work/err" >&2; die "failed: $1"; }
    tail -1 "$work/time"
}
for tool in "${order[@]}"; do measure "${cmds[$tool]}" >/dev/null; done # warm-up
for ((round = 1; round <= rounds; round++)); do
    for tool in "${order[@]}"; do
        read -r wall user sys <<<"$(measure "${cmds[$tool]}")"
        walls[$tool]+="$wall "
        cpus[$tool]+="$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }') "
    done
done
median() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
range() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%s-%s", lo, hi }'; }
printf '\nfan-out of `true` to %d hosts, %d rounds (seconds)\n' "$hosts" "$rounds"
printf '%-16s %8s %12s %8s\n' tool median min-max cpu
for tool in "${order[@]}"; do
    printf '%-16s %8s %12s %8s\n' "$tool" "$(median <<<"${walls[$tool]}")" "$(range <<<"${walls[$tool]}")" "$(median <<<"${cpus[$tool]}")"
done
logins=$(grep -c 'Accepted publickey' "$behind/hosts/h01/sshd.log" || true)
printf 'bastion logins in all: %s (warden: one per run; ssh -J: one per target; the master: one)\n' "$logins"

if [[ -n $warm && -x $warm ]]; then
    printf '\none command on a warm session (%s):\n' "$(basename "$warm")"
    "$warm" "$direct/inventory.yaml" h01 200
else
    printf '\nwarden-bench-warm not found: the become latency is not measured\n'
fi
