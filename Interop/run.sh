#!/usr/bin/env bash
# Interop with clients nobody here wrote: slixmpp (PyPI) and go-sendxmpp (Debian)
# against a real `needletail serve` on loopback, with its own data directory and
# free ports. Installs what it needs. Usage: Interop/run.sh [path/to/needletail]
set -euo pipefail
cd "$(dirname "$0")/.."
needletail=${1:-.build/debug/needletail}

python3 -c "import slixmpp" 2>/dev/null || pip install --quiet slixmpp
if ! command -v go-sendxmpp >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq go-sendxmpp >/dev/null
fi

work=$(mktemp -d)
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
starttls_port=$(port)
direct_port=$(port)
cat > "$work/needletail.toml" <<TOML
domains = ["localhost"]
log_level = "warning"
[storage]
data_directory = "$work/data"
[[listeners]]
host = "127.0.0.1"
port = $starttls_port
tls = "starttls"
[[listeners]]
host = "127.0.0.1"
port = $direct_port
tls = "direct"
TOML

password="interop-$(port)"
for user in juliet romeo nurse tybalt; do
    "$needletail" user add "$user@localhost" --password "$password" --config "$work/needletail.toml" >/dev/null
done
"$needletail" serve --config "$work/needletail.toml" > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
    (echo > "/dev/tcp/127.0.0.1/$starttls_port") 2>/dev/null && break
    sleep 0.1
done

status=0
echo "-- slixmpp: two accounts, SCRAM-SHA-1 over STARTTLS, messages both ways"
python3 Interop/slixmpp_chat.py 127.0.0.1 "$starttls_port" juliet@localhost romeo@localhost "$password" || status=1
echo "-- slixmpp: roster, subscriptions, presence, offline delivery, vCard, blocking, ping"
python3 Interop/slixmpp_im.py 127.0.0.1 "$starttls_port" localhost nurse@localhost tybalt@localhost "$password" || status=1
echo "-- slixmpp: stream management, a receiver dropped mid-burst resumes and misses nothing"
python3 Interop/slixmpp_sm.py 127.0.0.1 "$starttls_port" juliet@localhost romeo@localhost "$password" || status=1
echo "-- go-sendxmpp: a message from a Debian command-line client"
python3 Interop/sendxmpp_delivery.py 127.0.0.1 "$starttls_port" juliet@localhost romeo@localhost "$password" || status=1

kill -TERM "$server_pid"
wait "$server_pid" || true
server_pid=""
if [ $status -ne 0 ]; then
    echo "server log:"; cat "$work/server.log"
fi
exit $status
