#!/usr/bin/env bash
# Process-level tests of a real `needletail serve`: SIGTERM ends every stream
# with system-shutdown and exits 0 without losing what the server took, and what
# it acknowledged with XEP-0198 survives SIGKILL. Each script starts, signals and
# restarts the server itself (it needs the exit status); this sets up the data
# directory, free ports and accounts. Usage: Interop/lifecycle/run.sh [path/to/needletail]
# LIFECYCLE_LOG_LEVEL sets the server's log level (info); LIFECYCLE_KEEP=1 keeps the
# directory with the server logs; LIFECYCLE_SEED replays the SIGKILL points.
set -euo pipefail
# The helpers are imported from this folder; keep their bytecode out of the tree.
export PYTHONDONTWRITEBYTECODE=1
cd "$(dirname "$0")/../.."
needletail=$(realpath "${1:-.build/debug/needletail}")

work=$(mktemp -d)
cleanup() {
    # A script that failed half way may leave its server running. The pid is
    # killed only while it is still our server (its command line names our
    # config), not a process that got the number after ours exited.
    for pid_file in "$work"/*.pid; do
        [ -f "$pid_file" ] || continue
        pid=$(cat "$pid_file")
        if tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline" | grep -qF -- "$work/needletail.toml"; then
            kill -KILL "$pid" 2>/dev/null || true
        fi
    done
    if [ -n "${LIFECYCLE_KEEP:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
plain_port=$(port)
# trusted-plaintext: the raw-socket clients use SASL PLAIN with no TLS, on loopback only.
cat > "$work/needletail.toml" <<TOML
domains = ["localhost"]
log_level = "${LIFECYCLE_LOG_LEVEL:-info}"
[storage]
data_directory = "$work/data"
[[listeners]]
host = "127.0.0.1"
port = $plain_port
tls = "trusted-plaintext"
[federation]
enabled = false
[authentication]
iterations = 4096
[modules]
# The durability rounds store up to 3000 messages for one offline account (default limit 1000).
max_offline_messages = 100000
TOML

password="lifecycle-$(port)"
for user in alice bob carol dora erin sender receiver; do
    "$needletail" user add "$user@localhost" --password "$password" --config "$work/needletail.toml" >/dev/null
done

status=0
args=("$needletail" "$work/needletail.toml" "$plain_port" localhost "$password" "$work")
echo "-- SIGTERM: system-shutdown on every stream, nothing taken is lost, exit status 0"
python3 Interop/lifecycle/sigterm_shutdown.py "${args[@]}" || status=1
echo "-- SIGKILL: every message acked with XEP-0198 is delivered exactly once after restarts"
set +e
python3 Interop/lifecycle/kill_durability.py "${args[@]}"
durability=$?
set -e
if [ $durability -eq 77 ]; then
    echo "SKIPPED: the durability rounds need XEP-0198 (<enable xmlns='urn:xmpp:sm:3'/>), which this server refuses"
elif [ $durability -ne 0 ]; then
    status=1
fi
exit $status
