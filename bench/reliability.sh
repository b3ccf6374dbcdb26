#!/usr/bin/env bash
# Needletail under misbehaving and churning clients (issue 7), with the server's
# default limits: unlike bench/peers/needletail.toml (made for the peer
# comparison, where limits.max_bytes_per_second = 0), the config here has no
# [limits] table, so limits.max_bytes_per_second holds the flooder to its default
# 256 KiB/s and limits.max_connections_per_ip is 100.
#
# Each scenario runs on a freshly started server, pinned to CPU 1, with the load
# tool pinned to CPU 0 (and one event loop):
#   flood  a victim pair chats, alone and then beside a session flooding the server
#          (once per flood stanza size): the victim's p99 both ways and their ratio;
#   churn  sessions log in and close in batches for a while: the server's resident
#          memory before (after a warm-up batch) and after.
# Plaintext (a trusted-plaintext listener on 127.0.0.1) with PLAIN, as the other
# scenarios measure the server, not TLS.
#
# Usage: bench/reliability.sh
# Environment:
#   NEEDLETAIL, NEEDLETAIL_BENCH        the binaries (default .build/release/...)
#   FLOOD_RATE (200), FLOOD_DURATION (10), FLOOD_ROUNDS (3)   the victims' msgs/s, seconds a
#                                       phase, rounds of a quiet phase then a flooded one
#   FLOOD_STANZA_BYTES ("200 65536")    flood stanza sizes, one flood run each
#   CHURN_SESSIONS (10000), CHURN_BATCH (50), CHURN_DURATION (300), CHURN_SETTLE (5)
#   RELIABILITY_SCENARIOS ("flood churn"), BENCH_KEEP=1 keeps the temp dir (config, logs)
set -uo pipefail
cd "$(dirname "$0")/.."
needletail=${NEEDLETAIL:-.build/release/needletail}
bench=${NEEDLETAIL_BENCH:-.build/release/needletail-bench}
flood_rate=${FLOOD_RATE:-200}
flood_duration=${FLOOD_DURATION:-10}
flood_rounds=${FLOOD_ROUNDS:-3}
flood_sizes=(${FLOOD_STANZA_BYTES:-200 65536})
churn_sessions=${CHURN_SESSIONS:-10000}
churn_batch=${CHURN_BATCH:-50}
churn_duration=${CHURN_DURATION:-300}
churn_settle=${CHURN_SETTLE:-5}
scenarios=(${RELIABILITY_SCENARIOS:-flood churn})
server_cpu=1
tool_cpu=0
domain=bench.localhost
password=bench-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')

for binary in "$needletail" "$bench"; do
    [ -x "$binary" ] || { echo "not found: $binary (build it, or set NEEDLETAIL / NEEDLETAIL_BENCH)" >&2; exit 1; }
done

work=$(mktemp -d /tmp/bench-reliability.XXXXXX)
server_pid=""
stop_server() {
    [ -n "$server_pid" ] || return 0
    # setsid made the server its own process group: end that group, nothing else.
    kill -TERM -- "-$server_pid" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}
cleanup() {
    stop_server
    if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { echo "[$(date +%H:%M:%S)] $*"; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$work/needletail.toml" <<TOML
# No [limits] table: every limit at its default.
domains = ["$domain"]
log_level = "notice"
[storage]
data_directory = "$work/data"
[[listeners]]
host = "127.0.0.1"
port = $port
tls = "trusted-plaintext"
[federation]
enabled = false
[authentication]
iterations = 4096
[audit]
enabled = false
TOML
"$needletail" check --config "$work/needletail.toml" > "$work/check.log" 2>&1 || { cat "$work/check.log"; exit 1; }
accounts=$(( churn_batch > 3 ? churn_batch : 3 ))
"$needletail" user add "bench%d@$domain" --count "$accounts" --password "$password" \
    --config "$work/needletail.toml" > "$work/users.log" 2>&1 || { tail -5 "$work/users.log"; exit 1; }

start_server() {
    setsid taskset -c "$server_cpu" "$needletail" serve --config "$work/needletail.toml" >> "$work/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 300); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "the server did not start:"; tail -20 "$work/server.log"
    return 1
}

status=0
run() {
    local cmd=(taskset -c "$tool_cpu" "$bench" "$@" --host 127.0.0.1 --port "$port" --tls none --mechanism PLAIN
               --domain "$domain" --password "$password" --cpu "$tool_cpu" --server-pid "$server_pid")
    say "${cmd[*]//$password/PASSWORD}"
    "${cmd[@]}" || { echo "FAILED: needletail-bench $*"; status=1; }
}

say "needletail $(git rev-parse --short HEAD)$( [ -n "$(git status --porcelain -- Sources Package.swift)" ] && echo ' + uncommitted changes'); $(nproc) CPUs, $(uname -r)"
for scenario in "${scenarios[@]}"; do
    case $scenario in
        flood)
            for size in "${flood_sizes[@]}"; do
                start_server || exit 1
                run flood --rate "$flood_rate" --duration "$flood_duration" --rounds "$flood_rounds" --stanza-bytes "$size"
                stop_server
            done ;;
        churn)
            start_server || exit 1
            run churn --sessions "$churn_sessions" --batch "$churn_batch" --duration "$churn_duration" --settle "$churn_settle"
            stop_server ;;
        *) echo "unknown scenario: $scenario"; status=1 ;;
    esac
done
if [ $status -ne 0 ]; then echo "server log (last 40 lines):"; tail -40 "$work/server.log"; fi
exit $status
