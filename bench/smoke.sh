#!/usr/bin/env bash
# The load tool's scenarios at small sizes against a real `needletail serve`:
# checks that each completes and prints its figures. No timing is judged here;
# figures vary by machine (the comparison with Prosody and ejabberd is the
# benchmark's, not CI's). Usage: bench/smoke.sh [path/to/needletail] [path/to/needletail-bench]
set -euo pipefail
cd "$(dirname "$0")/.."
needletail=${1:-.build/debug/needletail}
bench=${2:-.build/debug/needletail-bench}

work=$(mktemp -d)
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
plain_port=$(port)
tls_port=$(port)
cat > "$work/needletail.toml" <<TOML
domains = ["bench.localhost"]
log_level = "warning"
[storage]
data_directory = "$work/data"
[[listeners]]
host = "127.0.0.1"
port = $plain_port
tls = "trusted-plaintext"
[[listeners]]
host = "127.0.0.1"
port = $tls_port
tls = "starttls"
[federation]
enabled = false
[authentication]
iterations = 4096
[audit]
enabled = false
TOML

users=20
# The server's own fast path: every account's keys derived at once.
"$needletail" user add 'bench%d@bench.localhost' --count $users --password bench --config "$work/needletail.toml" >/dev/null
"$needletail" serve --config "$work/needletail.toml" > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
    (echo > "/dev/tcp/127.0.0.1/$plain_port") 2>/dev/null && break
    sleep 0.1
done

common=(--host 127.0.0.1 --domain bench.localhost --password bench --server-pid "$server_pid")
status=0
run() {
    echo "-- needletail-bench $*"
    "$bench" "$@" "${common[@]}" || { echo "FAILED: needletail-bench $*"; status=1; }
}
run login --port "$tls_port" --tls starttls --mechanism SCRAM-SHA-1 --sessions $users --rate 50
run login --port "$plain_port" --tls none --mechanism PLAIN --sessions $users
run idle --port "$plain_port" --tls none --mechanism PLAIN --sessions $users --hold 1
run chat --port "$plain_port" --tls none --mechanism PLAIN --sessions $users --rate 200 --duration 2
run saturate --port "$plain_port" --tls none --mechanism PLAIN --sessions $users --start 100 --factor 2 --step 1 --max-steps 3
# With the config's default limits (limits.max_bytes_per_second holds the flooder back).
run flood --port "$plain_port" --tls none --mechanism PLAIN --rate 100 --duration 1 --lead-in 0.5 --stanza-bytes 1000
run churn --port "$plain_port" --tls none --mechanism PLAIN --sessions 40 --batch 10 --duration 2 --settle 0.5

if [ $status -ne 0 ]; then
    echo "server log:"; cat "$work/server.log"
fi
exit $status
