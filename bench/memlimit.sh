#!/usr/bin/env bash
# memlimit.sh runs a command under a memory limit (a cgroup that counts heap, stacks and the page cache the
# command touches, as a container does) and reports the cgroup's peak usage and whether the kernel had to kill.
#
#	bench/memlimit.sh 1G go run ./bench/cmd/scale -n 1000000 -index-only
#
# Badger maps its table and value-log files into memory, so without a limit the resident set of a long ingest
# grows by the size of the index files the process has touched: clean file pages the kernel reclaims when memory
# is short. Under a limit it does reclaim them, and the run shows what the process really needs.
#
# Needs root and a writable cgroup hierarchy (cgroup v2 with the memory controller, or cgroup v1's memory
# controller). Build the command first (go build) so that the compiler does not count against the limit.
set -euo pipefail

if [[ $# -lt 2 ]]; then
	echo "usage: $0 LIMIT COMMAND [ARG...]   (LIMIT in bytes, or with a K, M or G suffix)" >&2
	exit 2
fi
limit=$1
shift
case $limit in
*[kK]) bytes=$((${limit%?} << 10)) ;;
*[mM]) bytes=$((${limit%?} << 20)) ;;
*[gG]) bytes=$((${limit%?} << 30)) ;;
*) bytes=$limit ;;
esac

name="neardup-memlimit-$$"
if grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
	cg=/sys/fs/cgroup/$name
	mkdir "$cg"
	echo "$bytes" >"$cg/memory.max"
	echo 0 >"$cg/memory.swap.max" 2>/dev/null || true
	peak() { cat "$cg/memory.peak" 2>/dev/null || echo "?"; }
	kills() { awk '$1 == "oom_kill" { print $2 }' "$cg/memory.events"; }
elif [[ -d /sys/fs/cgroup/memory ]]; then
	cg=/sys/fs/cgroup/memory/$name
	mkdir "$cg"
	echo "$bytes" >"$cg/memory.limit_in_bytes"
	peak() { cat "$cg/memory.max_usage_in_bytes"; }
	kills() { awk '$1 == "oom_kill" { print $2 }' "$cg/memory.oom_control"; }
else
	echo "$0: no writable memory cgroup here" >&2
	exit 2
fi
trap 'rmdir "$cg" 2>/dev/null || true' EXIT

status=0
(
	echo "$BASHPID" >"$cg/cgroup.procs"
	exec "$@"
) || status=$?
echo "memlimit: limit $bytes bytes, peak $(peak) bytes, OOM kills $(kills), exit status $status" >&2
exit "$status"
