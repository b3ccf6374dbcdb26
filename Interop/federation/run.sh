#!/usr/bin/env bash
# Federation interop: Needletail, Prosody and ejabberd (the last two from Debian's
# packages) each serve their own domain on their own loopback address, and slixmpp
# clients (federation_check.py) check every pair across a server-to-server link.
# Two variants, each a full setup and teardown:
#   dialback  every server has a self-signed certificate, nobody trusts anybody, so
#             peers are authenticated by Server Dialback (XEP-0220) over STARTTLS;
#   ca        a test CA issues every certificate and every server requires valid
#             ones, so peers are authenticated by SASL EXTERNAL.
# prosody<->ejabberd is the control that proves the harness; the pairs with
# Needletail are the point. Installs what it needs and runs its own server
# instances (own configs, data, pid files, Erlang node) from a temp dir.
# Usage: Interop/federation/run.sh [--peers-only] [path/to/needletail]
#   --peers-only (or FEDERATION_PEERS_ONLY=1) checks prosody<->ejabberd only.
#   FEDERATION_VARIANTS="ca" runs only the named variants; FEDERATION_KEEP=1 keeps
#   the temp dir (configs, logs) for a look afterwards.
set -euo pipefail

peers_only=${FEDERATION_PEERS_ONLY:-0}
if [ "${1:-}" = "--peers-only" ]; then peers_only=1; shift; fi
needletail=${1:+$(realpath -m "$1")}
cd "$(dirname "$0")/../.."
here=Interop/federation
needletail=${needletail:-$PWD/.build/debug/needletail}

declare -A address=([needletail]=127.0.0.2 [prosody]=127.0.0.3 [ejabberd]=127.0.0.4)
status=0
started=()   # process groups of the servers of the variant running now
work=""

say() { echo "$1" "${@:2}"; }
fail() { say FAILED "$@"; status=1; }

cleanup() {
    stop_servers
    if [ -n "$work" ] && [ "${FEDERATION_KEEP:-0}" = 1 ]; then
        echo "kept $work"
    elif [ -n "$work" ]; then
        rm -rf "$work"
    fi
    return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM   # so that the EXIT trap runs on ^C too

# --- the machine --------------------------------------------------------------

apt_install() {
    local log
    log=$(mktemp)
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; } > "$log" 2>&1 \
        || { cat "$log"; rm -f "$log"; return 1; }
    rm -f "$log"
}

install_packages() {
    local missing=()
    command -v prosody >/dev/null || missing+=(prosody)
    # Without lua-unbound Prosody falls back to its own resolver, which reads no /etc/hosts.
    dpkg -s lua-unbound >/dev/null 2>&1 || missing+=(lua-unbound)
    [ -x /usr/sbin/ejabberdctl ] || missing+=(ejabberd)
    command -v openssl >/dev/null || missing+=(openssl)
    [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
    stop_system_services
    if ! python3 -c "import slixmpp" 2>/dev/null; then
        python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
        # Debian's own python3 refuses pip installs (PEP 668) unless told otherwise.
        python3 -m pip install --quiet slixmpp 2>/dev/null \
            || python3 -m pip install --quiet --break-system-packages slixmpp
    fi
}

# The packages start their system services on install where policy-rc.d allows it;
# those listen on every address on 5222 and 5269, which would shadow ours.
stop_system_services() {
    local name pidfile
    for name in prosody ejabberd; do
        pidfile=/run/$name/$name.pid
        alive "$pidfile" || continue
        service "$name" stop >/dev/null 2>&1 || true
        # Debian 12's init script stops prosody by the process name lua5.2 and reports
        # success, but prosody runs on lua5.4 and goes on running.
        if alive "$pidfile"; then kill "$(cat "$pidfile")" 2>/dev/null || true; fi
        update-rc.d "$name" disable >/dev/null 2>&1 || true
    done
}
alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# No DNS server knows these domains: every server falls back from SRV to the
# domain's own address, which comes from /etc/hosts.
ensure_hosts() {
    local name
    for name in needletail prosody ejabberd; do
        awk -v ip="${address[$name]}" -v host="$name.test" \
            '$1 == ip { for (i = 2; i <= NF && $i !~ /^#/; i++) if ($i == host) found = 1 } END { exit !found }' /etc/hosts \
            || echo "${address[$name]} $name.test" >> /etc/hosts
        if [ "$(getent ahostsv4 "$name.test" | awk 'NR == 1 { print $1 }')" != "${address[$name]}" ]; then
            fail "/etc/hosts: $name.test does not resolve to ${address[$name]} first"
            exit 1
        fi
    done
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
listening() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# Wait until ADDRESS:PORT accepts connections, giving up early if process group PID died.
wait_port() {
    local ip=$1 port=$2 pid=$3
    for _ in $(seq 1 300); do
        listening "$ip" "$port" && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# --- certificates -------------------------------------------------------------

# An openssl config for DOMAIN: SAN dNSName only, usable as TLS server and client.
# No xmppAddr: ejabberd 23.01 (p1_xmpp 1.6.1) crashes the s2s stream while reading
# one in a peer's certificate during SASL EXTERNAL.
cert_config() {
    cat <<CNF
[req]
distinguished_name = dn
prompt = no
x509_extensions = leaf
[dn]
CN = $1
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:$1
subjectKeyIdentifier = hash
CNF
}

self_signed() {
    local dir=$1 domain=$2
    cert_config "$domain" > "$dir/$domain.cnf"
    openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
        -config "$dir/$domain.cnf" -keyout "$dir/$domain.key" -out "$dir/$domain.crt" 2>/dev/null
}

make_ca() {
    local dir=$1
    cat > "$dir/ca.cnf" <<CNF
[req]
distinguished_name = dn
prompt = no
x509_extensions = ca
[dn]
CN = Needletail federation test CA
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
CNF
    openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
        -config "$dir/ca.cnf" -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
}

ca_signed() {
    local dir=$1 domain=$2
    { cert_config "$domain"; echo "authorityKeyIdentifier = keyid"; } > "$dir/$domain.cnf"
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -config "$dir/$domain.cnf" -keyout "$dir/$domain.key" -out "$dir/$domain.csr" 2>/dev/null
    openssl x509 -req -in "$dir/$domain.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
        -set_serial "0x$(openssl rand -hex 8)" -days 30 -extfile "$dir/$domain.cnf" -extensions leaf \
        -out "$dir/$domain.crt" 2>/dev/null
}

# --- Prosody ------------------------------------------------------------------

setup_prosody() {
    local d=$vdir/prosody user
    mkdir -p "$d/data"
    cp "$certs/prosody.test.crt" "$certs/prosody.test.key" "$d/"
    [ "$variant" = ca ] && cp "$certs/ca.crt" "$d/"
    cat > "$d/prosody.cfg.lua" <<LUA
-- Written by $here/run.sh ($variant variant).
pidfile = "$d/prosody.pid"
data_path = "$d/data"
log = { debug = "$d/prosody.log" }
certificates = "$d"
plugin_paths = {}
modules_enabled = { "roster"; "saslauth"; "tls"; "dialback"; "disco"; "ping"; "posix"; "s2s_bidi" }
authentication = "internal_hashed"
c2s_interfaces = { "${address[prosody]}" }
c2s_ports = { 5222 }
s2s_interfaces = { "${address[prosody]}" }
s2s_ports = { 5269 }
c2s_require_encryption = true
s2s_require_encryption = true
s2s_secure_auth = $([ "$variant" = ca ] && echo true || echo false)
-- lua-unbound reads no /etc/hosts unless told; its resolv.conf names 127.0.0.1,
-- where no DNS server listens, so nothing leaves the machine and unknown names fail fast.
unbound = { hoststxt = "/etc/hosts"; resolvconf = "$work/resolv.conf" }
VirtualHost "prosody.test"
ssl = {
    certificate = "$d/prosody.test.crt";
    key = "$d/prosody.test.key";
$([ "$variant" = ca ] && echo "    cafile = \"$d/ca.crt\";")
}
LUA
    chown -R prosody:prosody "$d"
    for user in $(accounts prosody); do
        prosodyctl --config "$d/prosody.cfg.lua" register "$user" prosody.test "$password" >> "$d/setup.log" 2>&1 || return 1
    done
}

start_prosody() {
    local d=$vdir/prosody
    # prosody refuses to run as root; setpriv execs it as its own user, so $! is its pid.
    setsid setpriv --reuid=prosody --regid=prosody --init-groups \
        prosody --config "$d/prosody.cfg.lua" -F > "$d/console.log" 2>&1 &
    started+=($!)
    wait_port "${address[prosody]}" 5222 $! && wait_port "${address[prosody]}" 5269 $!
}

prosody_logs() { echo "$vdir/prosody/"{setup,console,prosody}.log; }

# --- ejabberd -----------------------------------------------------------------

# As the ejabberd user already, so ejabberdctl runs the node itself instead of
# through su (whose session would leave the node out of our process group).
ejabberd_ctl() {
    setpriv --reuid=ejabberd --regid=ejabberd --init-groups \
        env HOME="$vdir/ejabberd" ejabberdctl "${ejabberd_args[@]}" "$@"
}

setup_ejabberd() {
    local d=$vdir/ejabberd
    ejabberd_args=(--config-dir "$d" --config "$d/ejabberd.yml" --ctl-config "$d/ejabberdctl.cfg"
                   --logs "$d/logs" --spool "$d/spool")
    mkdir -p "$d/logs" "$d/spool"
    cp "$certs/ejabberd.test.crt" "$certs/ejabberd.test.key" "$d/"
    [ "$variant" = ca ] && cp "$certs/ca.crt" "$d/"
    # Its own node name, cookie and distribution port (no epmd), so it never meets
    # the package's ejabberd@localhost nor another run.
    cat > "$d/ejabberdctl.cfg" <<CFG
ERLANG_NODE=federation$$-$variant@localhost
ERL_DIST_PORT=$(free_port)
ERL_OPTIONS="-setcookie $(openssl rand -hex 16) -kernel inet_dist_use_interface {127,0,0,1}"
EJABBERD_PID_PATH=$d/ejabberd.pid
EJABBERD_BYPASS_WARNINGS=true
CFG
    # ejabberdctl points ERL_INETRC at the config dir. SRV lookups go through
    # Erlang's own resolver (inet_res, which reads no /etc/hosts); aim it at 127.0.0.1,
    # where no DNS server listens, so it fails at once. Address lookups then go through
    # getaddrinfo, which reads /etc/hosts.
    echo "{resolv_conf, \"$work/resolv.conf\"}." > "$d/inetrc"
    cat > "$d/ejabberd.yml" <<YAML
# Written by $here/run.sh ($variant variant).
hosts:
  - ejabberd.test
loglevel: info
certfiles:
  - "$d/ejabberd.test.crt"
  - "$d/ejabberd.test.key"
listen:
  - port: 5222
    ip: "${address[ejabberd]}"
    module: ejabberd_c2s
    starttls_required: true
  - port: 5269
    ip: "${address[ejabberd]}"
    module: ejabberd_s2s_in
s2s_use_starttls: required
s2s_dns_timeout: 3
s2s_dns_retries: 1
outgoing_s2s_families: [ipv4]
outgoing_s2s_ipv4_address: "${address[ejabberd]}"
auth_method: [internal]
auth_password_format: scram
acl:
  local:
    user_regexp: ""
access_rules:
  local:
    allow: local
  c2s:
    allow: all
modules:
  mod_disco: {}
  mod_ping: {}
  mod_roster: {}
YAML
    if [ "$variant" = ca ]; then
        # Without mod_s2s_dialback, ejabberd verifies the peer's certificate on outgoing
        # links and can authenticate incoming ones by SASL EXTERNAL only.
        # ca_file is what it checks its own certfiles against (a warning otherwise).
        printf 's2s_cafile: "%s"\nca_file: "%s"\n' "$d/ca.crt" "$d/ca.crt" >> "$d/ejabberd.yml"
    else
        # With it, outgoing certificates go unverified and dialback is offered and used.
        echo "  mod_s2s_dialback: {}" >> "$d/ejabberd.yml"
    fi
    chown -R ejabberd:ejabberd "$d"
}

start_ejabberd() {
    local user ok
    setsid setpriv --reuid=ejabberd --regid=ejabberd --init-groups \
        env HOME="$vdir/ejabberd" ejabberdctl "${ejabberd_args[@]}" foreground > "$vdir/ejabberd/console.log" 2>&1 &
    started+=($!)
    wait_port "${address[ejabberd]}" 5222 $! && wait_port "${address[ejabberd]}" 5269 $! || return 1
    # Accounts need the running node: ejabberdctl talks to it over Erlang distribution.
    for user in $(accounts ejabberd); do
        ok=0
        for _ in 1 2 3 4 5; do
            ejabberd_ctl register "$user" ejabberd.test "$password" >> "$vdir/ejabberd/setup.log" 2>&1 && { ok=1; break; }
            sleep 0.5
        done
        [ "$ok" = 1 ] || return 1
    done
}

ejabberd_logs() { echo "$vdir/ejabberd/"{setup,console}.log "$vdir/ejabberd/logs/"{ejabberd,error}.log; }

# --- Needletail ---------------------------------------------------------------

setup_needletail() {
    local d=$vdir/needletail user
    mkdir -p "$d"
    cat > "$d/needletail.toml" <<TOML
domains = ["needletail.test"]
log_level = "info"
[storage]
data_directory = "$d/needletail-data"
[[listeners]]
kind = "c2s"
host = "${address[needletail]}"
port = 5222
tls = "starttls"
[[listeners]]
kind = "s2s"
host = "${address[needletail]}"
port = 5269
tls = "starttls"
TOML
    if [ "$variant" = ca ]; then
        cat >> "$d/needletail.toml" <<TOML
[tls.certificates."needletail.test"]
certificate = "$certs/needletail.test.crt"
key = "$certs/needletail.test.key"
[federation]
require_valid_certificates = true
trusted_ca_file = "$certs/ca.crt"
TOML
    else
        # No certificate configured: Needletail makes itself a self-signed one.
        printf '[federation]\nrequire_valid_certificates = false\n' >> "$d/needletail.toml"
    fi
    for user in $(accounts needletail); do
        "$needletail" user add "$user@needletail.test" --password "$password" --config "$d/needletail.toml" \
            >> "$d/setup.log" 2>&1 || return 1
    done
}

start_needletail() {
    local d=$vdir/needletail
    setsid "$needletail" serve --config "$d/needletail.toml" > "$d/needletail.log" 2>&1 &
    started+=($!)
    wait_port "${address[needletail]}" 5222 $! && wait_port "${address[needletail]}" 5269 $!
}

needletail_logs() { echo "$vdir/needletail/"{setup,needletail}.log; }

# --- checks -------------------------------------------------------------------

# The accounts on SERVER: one per peer, named after it (prosody@ejabberd.test talks to prosody).
accounts() {
    local peer
    for peer in "${servers[@]}"; do [ "$peer" != "$1" ] && echo "$peer"; done
    return 0
}

dump_logs() {
    local server file
    for server in "$@"; do
        for file in $("${server}_logs"); do
            [ -s "$file" ] || continue
            echo "----- $variant: $file (last 150 lines)"
            tail -n 150 "$file"
        done
    done
}

check_pair() {
    local a=$1 b=$2
    python3 "$here/federation_check.py" "${address[$a]}" "$b@$a.test" "${address[$b]}" "$a@$b.test" \
        "$password" --tag "$variant $a<->$b" && return 0
    status=1
    dump_logs "$a" "$b"
    return 1
}

# Whether SERVER's log shows PEER authenticated by METHOD ("EXTERNAL" or "dialback").
# Prosody runs with mod_s2s_bidi, so XEP-0288 is exercised where both sides offer it.
# Each server words it its own way; Needletail logs `s2s authenticated ... method=...`.
authenticated() {
    local server=$1 peer=$2.test method=$3
    case $server in
        prosody)
            local log=$vdir/prosody/prosody.log
            if [ "$method" = EXTERNAL ]; then
                # Its own outbound link to the peer is gone when the peer's stream was made
                # bidirectional (XEP-0288): then the inbound acceptance is all there is.
                grep -qF "Accepting SASL EXTERNAL identity from $peer" "$log" \
                    && { grep -qF "SASL EXTERNAL with $peer succeeded" "$log" \
                         || grep -qF "Requested bidirectional stream" "$log"; }
            else
                # Inbound it asks the peer to vouch for the key; outbound, the session that
                # sent a dialback key is the one that became authenticated for the peer.
                grep -qF "asking $peer if key" "$log" && awk -v done="connection prosody.test->$peer is now authenticated" '
                    /sent dialback key on outgoing s2s stream/ { sent[$4] = 1 }
                    index($0, done) && sent[$4] { found = 1 } END { exit !found }' "$log"
            fi ;;
        ejabberd)
            grep -qF "Accepted inbound s2s $method authentication $peer -> ejabberd.test" "$vdir/ejabberd/logs/ejabberd.log" \
                && grep -qF "Accepted outbound s2s $method authentication ejabberd.test -> $peer" "$vdir/ejabberd/logs/ejabberd.log" ;;
        needletail)
            # On a stream the peer made bidirectional (XEP-0288, Prosody's mod_s2s_bidi) the peer
            # never authenticates inbound; what vouches for it is our outbound connection: its
            # certificate, valid for its domain (only those pass TLS in the ca variant), or its address.
            local also=certificate
            [ "$method" = EXTERNAL ] || also=address
            grep -F "s2s authenticated" "$vdir/needletail/needletail.log" | grep -F "$peer" \
                | grep -qE "method=($method|$also)" ;;
    esac
}

check_methods() {
    local a=$1 b=$2 method=$3
    for pair in "$a $b" "$b $a"; do
        set -- $pair
        if authenticated "$1" "$2" "$method"; then
            say ok "$variant $a<->$b: $1 authenticated $2.test by $method"
        else
            fail "$variant $a<->$b: $1 authenticated $2.test by $method: not in its log"
            dump_logs "$1"
        fi
    done
}

stop_servers() {
    local pgid
    for pgid in "${started[@]}"; do kill -TERM -- "-$pgid" 2>/dev/null || true; done
    for _ in $(seq 1 50); do
        local alive=0
        for pgid in "${started[@]}"; do kill -0 -- "-$pgid" 2>/dev/null && alive=1; done
        [ $alive = 0 ] && break
        sleep 0.1
    done
    for pgid in "${started[@]}"; do kill -KILL -- "-$pgid" 2>/dev/null || true; done
    started=()
}

run_variant() {
    variant=$1
    vdir=$work/$variant
    certs=$vdir/certs
    password="federation-$(openssl rand -hex 6)"
    mkdir -p "$certs"
    [ "$variant" = ca ] && make_ca "$certs"
    for server in "${servers[@]}"; do
        if [ "$variant" = ca ]; then ca_signed "$certs" "$server.test"; else self_signed "$certs" "$server.test"; fi
    done
    local server method
    method=$([ "$variant" = ca ] && echo EXTERNAL || echo dialback)
    for server in "${servers[@]}"; do
        if listening "${address[$server]}" 5222 || listening "${address[$server]}" 5269; then
            fail "$variant: something already listens on ${address[$server]}:5222 or :5269"; return
        fi
        if ! { "setup_$server" && "start_$server"; }; then
            fail "$variant: $server did not start"; dump_logs "$server"; stop_servers; return
        fi
    done
    say ok "$variant: ${servers[*]} up on their own addresses"
    for pair in "prosody ejabberd" "needletail prosody" "needletail ejabberd"; do
        set -- $pair
        [[ " ${servers[*]} " == *" $1 "* ]] || continue
        # How the link was authenticated only means something once it carried the checks.
        check_pair "$1" "$2" && check_methods "$1" "$2" "$method"
    done
    stop_servers
}

main() {
    install_packages
    ensure_hosts
    servers=(prosody ejabberd)
    if [ "$peers_only" != 1 ]; then
        if [ ! -x "$needletail" ]; then
            fail "needletail binary not found at $needletail (use --peers-only to check the peers alone)"
            exit 1
        fi
        servers+=(needletail)
    fi
    work=$(mktemp -d /tmp/federation.XXXXXX)
    chmod 755 "$work"   # the prosody and ejabberd users read their configs under it
    echo "nameserver 127.0.0.1" > "$work/resolv.conf"
    for variant in ${FEDERATION_VARIANTS:-dialback ca}; do
        case $variant in dialback|ca) ;; *) fail "unknown variant $variant"; continue ;; esac
        echo "-- $variant: ${servers[*]}"
        run_variant "$variant"
    done
    exit $status
}

main
