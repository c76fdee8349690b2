#!/usr/bin/env bash
# Start a one-node Slurm cluster on this Debian machine (as root, no systemd needed).
#
# Idempotent: installs the Debian packages only when missing, writes
# /etc/slurm/slurm.conf only when it is ours (or missing), starts munged,
# slurmctld and slurmd only when they are not already running, and waits
# (bounded) until `sinfo` shows the node up. Safe to rerun at any time.
#
# Environment knobs:
#   SLURM_START_TIMEOUT   seconds to wait for the node to become idle (default 120)
#   SLURM_PARTITION       name of the single partition (default: debug)
#   SLURM_FORCE_CONF=1    overwrite an existing slurm.conf that this script did not write
#
# Exit codes: 0 node up; 1 any failure (message on stderr says what and where to look).
set -euo pipefail

TIMEOUT="${SLURM_START_TIMEOUT:-120}"
PARTITION="${SLURM_PARTITION:-debug}"
CONF_DIR=/etc/slurm
CONF="$CONF_DIR/slurm.conf"
MARKER="# written by ipage .ci/start_slurm.sh"
LOG_DIR=/var/log/slurm
START=$(date +%s)

say() { echo "[start_slurm] $*" >&2; }
die() { echo "[start_slurm] ERROR: $*" >&2; exit 1; }
elapsed() { echo $(( $(date +%s) - START )); }

# ---------------------------------------------------------------- preconditions
[ "$(id -u)" -eq 0 ] || die "must run as root (it installs packages and starts daemons)"
command -v apt-get >/dev/null || die "this script targets Debian/Ubuntu (apt-get not found)"

# slurmd 22.05 refuses to start without a mounted cgroup filesystem, even with
# proctrack/linuxproc and task/none. Detect it here instead of failing obscurely later.
if ! { [ -d /sys/fs/cgroup ] && [ -n "$(ls -A /sys/fs/cgroup 2>/dev/null)" ]; }; then
    die "/sys/fs/cgroup is not mounted (or empty); slurmd 22.05 will not start without it.
  Run it on a host or in a container that has the cgroup filesystem mounted,
  or mount one first:  mount -t cgroup2 none /sys/fs/cgroup"
fi

# ---------------------------------------------------------------- install
need=()
command -v munged     >/dev/null || need+=(munge)
command -v slurmctld  >/dev/null || need+=(slurmctld)
command -v slurmd     >/dev/null || need+=(slurmd)
command -v sinfo      >/dev/null || need+=(slurm-client)
if [ "${#need[@]}" -gt 0 ]; then
    say "installing ${need[*]} (apt)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || die "apt-get update failed"
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/tmp/start_slurm_apt.log 2>&1 \
        || { tail -n 30 /tmp/start_slurm_apt.log >&2; die "apt-get install ${need[*]} failed (log: /tmp/start_slurm_apt.log)"; }
    say "installed in $(elapsed) s"
fi
for b in munged munge unmunge mungekey slurmctld slurmd sinfo scontrol; do
    command -v "$b" >/dev/null || die "$b still missing after install"
done

# ---------------------------------------------------------------- munge
# Runs as the munge user; the key is created once if the package did not make one.
install -d -o munge -g munge -m 0700 /etc/munge /var/lib/munge /var/log/munge
install -d -o munge -g munge -m 0755 /run/munge
if [ ! -s /etc/munge/munge.key ]; then
    say "creating munge key"
    mungekey -c -k /etc/munge/munge.key
fi
chown munge:munge /etc/munge/munge.key
chmod 0400 /etc/munge/munge.key

munge_ok() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }
if ! munge_ok; then
    # a killed munged leaves its socket/pid behind; munged refuses to start on a live
    # socket only, so a stale one is removed by --force.
    say "starting munged"
    runuser -u munge -- munged --force \
        || die "munged failed to start (log: /var/log/munge/munged.log)"
    for _ in $(seq 1 20); do munge_ok && break; sleep 0.25; done
    munge_ok || die "munged started but munge -n | unmunge fails (log: /var/log/munge/munged.log)"
fi

# ---------------------------------------------------------------- slurm.conf
NODE=$(hostname -s)
CPUS=$(nproc)
MEM_MB=$(awk '/^MemTotal:/ {printf "%d", $2 / 1024 * 0.9}' /proc/meminfo)
if id slurm >/dev/null 2>&1; then SLURM_USER=slurm; else SLURM_USER=root; fi

install -d -m 0755 "$CONF_DIR" "$LOG_DIR" /run/slurm /var/spool/slurmd
install -d -o "$SLURM_USER" -m 0755 /var/spool/slurmctld
chown "$SLURM_USER" "$LOG_DIR"

new_conf=$(mktemp)
trap 'rm -f "$new_conf"' EXIT
cat >"$new_conf" <<EOF
$MARKER -- one-node test cluster; rerun the script to regenerate.
ClusterName=ipage
SlurmctldHost=${NODE}(127.0.0.1)
SlurmUser=${SLURM_USER}
AuthType=auth/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
ReturnToService=2
SlurmctldPidFile=/run/slurm/slurmctld.pid
SlurmdPidFile=/run/slurm/slurmd.pid
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=${LOG_DIR}/slurmctld.log
SlurmdLogFile=${LOG_DIR}/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=512
# no accounting daemon: snakemake's slurm plugin must use squeue for status
# (profile key slurm-status-command: squeue), sacct has nothing to report.
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
# keep finished jobs visible to squeue for 10 minutes (status checks need that)
MinJobAge=600
NodeName=${NODE} NodeAddr=127.0.0.1 CPUs=${CPUS} RealMemory=${MEM_MB} State=UNKNOWN
PartitionName=${PARTITION} Nodes=${NODE} Default=YES MaxTime=INFINITE State=UP
EOF

conf_changed=0
if [ -f "$CONF" ] && ! grep -qF "$MARKER" "$CONF" && [ "${SLURM_FORCE_CONF:-0}" != 1 ]; then
    say "keeping existing $CONF (not written by this script; SLURM_FORCE_CONF=1 replaces it)"
elif ! cmp -s <(grep -v "^$MARKER" "$new_conf") <(grep -v "^$MARKER" "$CONF" 2>/dev/null); then
    install -m 0644 "$new_conf" "$CONF"
    conf_changed=1
    say "wrote $CONF (node $NODE, $CPUS CPUs, ${MEM_MB} MB, partition $PARTITION)"
fi
# slurmd probes cgroup.conf on 22.05; an empty one keeps it from complaining.
[ -f "$CONF_DIR/cgroup.conf" ] || echo "CgroupAutomount=yes" >"$CONF_DIR/cgroup.conf"

# ---------------------------------------------------------------- daemons
# pid of a running daemon from its pid file, or nothing (stale files are ignored).
live_pid() {
    local f=$1 name=$2 pid
    [ -s "$f" ] || return 1
    pid=$(cat "$f")
    [ -d "/proc/$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ] && echo "$pid"
}

if [ "$conf_changed" = 1 ]; then
    # a running daemon with an outdated config is stopped (by its own pid) and restarted
    for d in slurmd slurmctld; do
        if pid=$(live_pid "/run/slurm/$d.pid" "$d"); then
            say "config changed: stopping $d (pid $pid)"
            kill "$pid"
            for _ in $(seq 1 40); do [ -d "/proc/$pid" ] || break; sleep 0.25; done
        fi
    done
fi

if ! live_pid /run/slurm/slurmctld.pid slurmctld >/dev/null; then
    # With slurmd down too, no job can still be running: start from a clean state (-c),
    # otherwise jobs of a killed earlier run are restored as RUNNING and hold the node.
    ctld_opts=()
    live_pid /run/slurm/slurmd.pid slurmd >/dev/null || ctld_opts=(-c)
    say "starting slurmctld ${ctld_opts[*]}"
    slurmctld "${ctld_opts[@]}" || { tail -n 20 "$LOG_DIR/slurmctld.log" >&2 || true; die "slurmctld failed to start (log: $LOG_DIR/slurmctld.log)"; }
fi
for _ in $(seq 1 40); do timeout 5 scontrol ping 2>/dev/null | grep -q UP && break; sleep 0.5; done
timeout 5 scontrol ping 2>/dev/null | grep -q UP \
    || { tail -n 20 "$LOG_DIR/slurmctld.log" >&2 || true; die "slurmctld does not answer scontrol ping (log: $LOG_DIR/slurmctld.log)"; }

if ! live_pid /run/slurm/slurmd.pid slurmd >/dev/null; then
    say "starting slurmd"
    slurmd -N "$NODE" || { tail -n 20 "$LOG_DIR/slurmd.log" >&2 || true; die "slurmd failed to start (log: $LOG_DIR/slurmd.log)"; }
fi

# ---------------------------------------------------------------- wait for the node
deadline=$(( START + TIMEOUT ))
resumed=0
state=""
while :; do
    state=$(timeout 10 sinfo -h -n "$NODE" -o %T 2>/dev/null | head -n 1 || true)
    case "$state" in
        idle|mixed|allocated|completing) break ;;
        down*|drain*|fail*)
            if [ "$resumed" = 0 ]; then
                say "node is $state ($(timeout 10 sinfo -h -R -n "$NODE" -o %E 2>/dev/null || true)); resuming it"
                timeout 10 scontrol update nodename="$NODE" state=resume || true
                resumed=1
            fi ;;
    esac
    if [ "$(date +%s)" -ge "$deadline" ]; then
        timeout 10 sinfo -R >&2 || true
        tail -n 15 "$LOG_DIR/slurmd.log" >&2 || true
        die "node $NODE not idle after ${TIMEOUT} s (state: '${state:-no answer}'; logs: $LOG_DIR/slurmctld.log, $LOG_DIR/slurmd.log)"
    fi
    sleep 1
done
say "node $NODE is $state (partition $PARTITION) after $(elapsed) s"
timeout 10 sinfo >&2 || true
