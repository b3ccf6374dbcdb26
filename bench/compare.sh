#!/usr/bin/env bash
# Needletail, Prosody and ejabberd side by side under the same load: the load tool
# (needletail-bench) drives each server in turn with the same scenarios, the
# server pinned to CPU 1 and the tool to CPU 0, and the figures go to
# bench/results.md (printed too).
#
# Each server serves bench.localhost on its own loopback address, with accounts
# bench1..benchN (one password), made by the server's own bulk path; configs are
# the templates in bench/peers/. Prosody 0.12 and ejabberd 23.01 come from
# Debian's packages (installed when missing); their system services are stopped.
# Two variants; in each, login, chat and saturate run on a freshly started server,
# and idle on another fresh start:
#   plaintext  PLAIN without TLS (Needletail: a trusted-plaintext listener);
#   tls        STARTTLS, SCRAM-SHA-1 for the login scenario, PLAIN inside TLS for the rest.
#
# Usage: bench/compare.sh [--quick]
#   --quick  a small run (200 users, 1000 idle sessions, 500 msgs/s for 3 s).
# Environment:
#   NEEDLETAIL, NEEDLETAIL_BENCH    the binaries (default .build/release/..., else .build/debug/...)
#   BENCH_USERS (1000)              sessions for login, chat and saturate
#   BENCH_IDLE_SESSIONS (10000)     sessions held by the idle scenario
#   BENCH_CHAT_RATE (2000)          msgs/s of the chat scenario
#   BENCH_DURATION (10)             seconds of the chat scenario
#   BENCH_IDLE_HOLD (5)             seconds the idle sessions are held
#   BENCH_SATURATE_START (the chat rate), BENCH_SATURATE_FACTOR (1.25),
#   BENCH_SATURATE_STEP (5 s), BENCH_SATURATE_STEPS (16), BENCH_P99_BOUND (200 ms)
#   BENCH_SERVERS ("needletail prosody ejabberd"), BENCH_VARIANTS ("plaintext tls")
#   BENCH_RESULTS (bench/results.md), BENCH_KEEP=1 keeps the temp dir (configs, logs, raw output)
set -uo pipefail

command_line="bench/compare.sh${*:+ $*}"
quick=0
for arg in "$@"; do
    case $arg in
        --quick) quick=1 ;;
        -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $arg (see --help)" >&2; exit 2 ;;
    esac
done
invoked_from=$PWD
cd "$(dirname "$0")/.."
repo=$PWD
# A path given in the environment, as seen from where the script was started.
from_caller() { (cd "$invoked_from" && realpath -ms "$1"); }
peers=$repo/bench/peers

if [ "$quick" = 1 ]; then
    : "${BENCH_USERS:=200}" "${BENCH_IDLE_SESSIONS:=1000}" "${BENCH_CHAT_RATE:=500}" "${BENCH_DURATION:=3}"
    : "${BENCH_IDLE_HOLD:=2}" "${BENCH_SATURATE_FACTOR:=2}" "${BENCH_SATURATE_STEP:=2}" "${BENCH_SATURATE_STEPS:=8}"
fi
users=${BENCH_USERS:-1000}
idle_sessions=${BENCH_IDLE_SESSIONS:-10000}
chat_rate=${BENCH_CHAT_RATE:-2000}
duration=${BENCH_DURATION:-10}
idle_hold=${BENCH_IDLE_HOLD:-5}
sat_start=${BENCH_SATURATE_START:-${chat_rate%.*}}
sat_factor=${BENCH_SATURATE_FACTOR:-1.25}
sat_step=${BENCH_SATURATE_STEP:-5}
sat_steps=${BENCH_SATURATE_STEPS:-16}
p99_bound=${BENCH_P99_BOUND:-200}
accounts=$(( users > idle_sessions ? users : idle_sessions ))
servers=(${BENCH_SERVERS:-needletail prosody ejabberd})
variants=(${BENCH_VARIANTS:-plaintext tls})
results=$(from_caller "${BENCH_RESULTS:-$repo/bench/results.md}")
domain=bench.localhost
password=bench-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')
server_cpu=1
tool_cpu=0

# The binaries: release builds when there are, debug builds otherwise.
pick() {
    local given=$1 name=$2
    if [ -n "$given" ]; then from_caller "$given"
    elif [ -x "$repo/.build/release/$name" ]; then echo "$repo/.build/release/$name"
    else echo "$repo/.build/debug/$name"; fi
}
build_of() {
    case $(realpath -ms "$1") in
        */release/*) echo release ;;
        */debug/*) echo debug ;;
        *) echo "unknown (not under .build/release or .build/debug)" ;;
    esac
}
needletail=$(pick "${NEEDLETAIL:-}" needletail)
bench=$(pick "${NEEDLETAIL_BENCH:-}" needletail-bench)

declare -A address=([needletail]=127.0.0.2 [prosody]=127.0.0.3 [ejabberd]=127.0.0.4)
# Prosody has one c2s port: STARTTLS offered there, not required.
declare -A plain_port=([needletail]=5222 [prosody]=5222 [ejabberd]=5222)
declare -A tls_port=([needletail]=5223 [prosody]=5222 [ejabberd]=5223)
declare -A fig=()        # SERVER/VARIANT/FIGURE -> value
declare -A creation=()   # SERVER -> how the accounts were made, and how long it took
declare -A version=()
failures=()              # lines for results.md
work=""
server_pgid=""           # the process group of the server running now
server_pid=""            # the process whose memory is measured
current=""               # the server running now

say() { echo "[$(date +%H:%M:%S)] $*"; }

cleanup() {
    stop_server
    if [ -n "$work" ] && [ "${BENCH_KEEP:-0}" = 1 ]; then
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
    say "installing $* from Debian's packages"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; } > "$log" 2>&1 \
        || { cat "$log"; rm -f "$log"; return 1; }
    rm -f "$log"
}

install_packages() {
    local missing=()
    command -v prosody >/dev/null || missing+=(prosody)
    # Prosody's own resolver is not used (no s2s), but with lua-unbound it is aimed nowhere.
    dpkg -s lua-unbound >/dev/null 2>&1 || missing+=(lua-unbound)
    [ -x /usr/sbin/ejabberdctl ] || missing+=(ejabberd)
    command -v openssl >/dev/null || missing+=(openssl)
    command -v ss >/dev/null || missing+=(iproute2)
    [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}" || exit 1
    stop_system_services
}

# The packages start their system services on install where policy-rc.d allows it.
stop_system_services() {
    local name pidfile
    for name in prosody ejabberd; do
        pidfile=/run/$name/$name.pid
        alive "$pidfile" || continue
        say "stopping the system's $name service"
        service "$name" stop >/dev/null 2>&1 || true
        # Debian 12's init script stops prosody by the process name lua5.2 and reports
        # success, but prosody runs on lua5.4 and goes on running.
        if alive "$pidfile"; then kill "$(cat "$pidfile")" 2>/dev/null || true; fi
        update-rc.d "$name" disable >/dev/null 2>&1 || true
    done
}
alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
listening() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# Wait until ADDRESS:PORT accepts connections, giving up early if PID died.
wait_port() {
    local ip=$1 port=$2 pid=$3
    for _ in $(seq 1 600); do
        listening "$ip" "$port" && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# Replace every @KEY@ in template FILE by the value given as KEY=VALUE.
render() {
    local text pair
    text=$(cat "$1"); shift
    for pair in "$@"; do text=${text//@${pair%%=*}@/${pair#*=}}; done
    printf '%s\n' "$text"
}

# One self-signed certificate (ECDSA P-256, like Needletail's own) that every server uses.
make_certificate() {
    cat > "$work/cert.cnf" <<CNF
[req]
distinguished_name = dn
prompt = no
x509_extensions = leaf
[dn]
CN = $domain
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:$domain
CNF
    openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
        -config "$work/cert.cnf" -keyout "$work/$domain.key" -out "$work/$domain.crt" 2>/dev/null
}

# Pass, or record why not: the server's figures are then "failed".
record_failure() {
    local where=$1; shift
    failures+=("$where: $*")
    echo "FAILED $where: $*"
}

# --- Needletail ---------------------------------------------------------------

setup_needletail() {
    local d=$work/needletail
    mkdir -p "$d"
    cp "$work/$domain.crt" "$work/$domain.key" "$d/"
    render "$peers/needletail.toml" DIR="$d" ADDRESS="${address[needletail]}" \
        PLAIN_PORT="${plain_port[needletail]}" TLS_PORT="${tls_port[needletail]}" > "$d/needletail.toml"
    "$needletail" check --config "$d/needletail.toml" > "$d/check.log" 2>&1 \
        || { cat "$d/check.log"; return 1; }
}

create_needletail_users() {
    local d=$work/needletail i
    if "$needletail" user add --help 2>&1 | grep -q -- '--count'; then
        creation[needletail]="\`needletail user add 'bench%d@$domain' --count $accounts\` (one process, keys derived in parallel)"
        "$needletail" user add "bench%d@$domain" --count "$accounts" --password "$password" \
            --config "$d/needletail.toml" > "$d/users.log" 2>&1 || { tail -5 "$d/users.log"; return 1; }
    else
        # Until `user add --count` is in the binary: one process per account.
        creation[needletail]="\`needletail user add benchI@$domain\`, one process per account (this binary has no --count)"
        for i in $(seq 1 "$accounts"); do
            "$needletail" user add "bench$i@$domain" --password "$password" --config "$d/needletail.toml" \
                >> "$d/users.log" 2>&1 || { tail -5 "$d/users.log"; return 1; }
        done
    fi
}

start_needletail() {
    local d=$work/needletail
    setsid taskset -c "$server_cpu" "$needletail" serve --config "$d/needletail.toml" >> "$d/server.log" 2>&1 &
    server_pgid=$!
    server_pid=$!
    wait_port "${address[needletail]}" "${plain_port[needletail]}" "$server_pid" \
        && wait_port "${address[needletail]}" "${tls_port[needletail]}" "$server_pid"
}

needletail_logs() { echo "$work/needletail/"{check,users,server}.log; }

# --- Prosody ------------------------------------------------------------------

setup_prosody() {
    local d=$work/prosody
    mkdir -p "$d/data"
    cp "$work/$domain.crt" "$work/$domain.key" "$d/"
    render "$peers/prosody.cfg.lua" DIR="$d" WORK="$work" ADDRESS="${address[prosody]}" \
        PLAIN_PORT="${plain_port[prosody]}" > "$d/prosody.cfg.lua"
    chown -R prosody:prosody "$d"
}

prosody_as_user() {
    setpriv --reuid=prosody --regid=prosody --init-groups "$@"
}

start_prosody() {
    local d=$work/prosody
    # prosody refuses to run as root; setpriv execs it as its own user, so $! is its pid.
    setsid taskset -c "$server_cpu" setpriv --reuid=prosody --regid=prosody --init-groups \
        prosody --config "$d/prosody.cfg.lua" -F >> "$d/console.log" 2>&1 &
    server_pgid=$!
    server_pid=$!
    wait_port "${address[prosody]}" "${plain_port[prosody]}" "$server_pid" || return 1
    for _ in $(seq 1 100); do [ -S "$d/data/prosody.sock" ] && return 0; sleep 0.1; done
    echo "no admin socket at $d/data/prosody.sock"
    return 1
}

# In the running server, through its admin shell: one Lua loop of usermanager.create_user
# (what `prosodyctl register` and the shell's user:create call), so each account is
# stored by Prosody itself, hashed (internal_hashed: salt, iteration count, stored and
# server keys in data/<host>/accounts/<user>.dat).
create_prosody_users() {
    local d=$work/prosody out
    creation[prosody]="one \`prosodyctl shell\` call running a Lua loop of \`usermanager.create_user\` in the server"
    out=$(prosody_as_user prosodyctl --config "$d/prosody.cfg.lua" shell \
        "> local um = require 'core.usermanager'; local made = 0; for i = 1, $accounts do if um.create_user('bench' .. i, '$password', '$domain') then made = made + 1 end end; return made" 2>&1)
    echo "$out" > "$d/users.log"
    if ! grep -q "Result: $accounts\$" <<< "$out"; then
        echo "prosodyctl shell said: $out"
        return 1
    fi
}

prosody_logs() { echo "$work/prosody/"{users,console,prosody}.log; }

# --- ejabberd -----------------------------------------------------------------

# As the ejabberd user already, so ejabberdctl runs the node itself instead of
# through su (whose session would leave the node out of our process group).
ejabberd_ctl() {
    setpriv --reuid=ejabberd --regid=ejabberd --init-groups \
        env HOME="$work/ejabberd" ejabberdctl "${ejabberd_args[@]}" "$@"
}

setup_ejabberd() {
    local d=$work/ejabberd
    ejabberd_args=(--config-dir "$d" --config "$d/ejabberd.yml" --ctl-config "$d/ejabberdctl.cfg"
                   --logs "$d/logs" --spool "$d/spool")
    mkdir -p "$d/logs" "$d/spool"
    cp "$work/$domain.crt" "$work/$domain.key" "$d/"
    render "$peers/ejabberdctl.cfg" DIR="$d" NODE="bench$$@localhost" DIST_PORT="$(free_port)" \
        COOKIE="$(openssl rand -hex 16)" > "$d/ejabberdctl.cfg"
    render "$peers/ejabberd.yml" DIR="$d" ADDRESS="${address[ejabberd]}" \
        PLAIN_PORT="${plain_port[ejabberd]}" TLS_PORT="${tls_port[ejabberd]}" > "$d/ejabberd.yml"
    # ejabberdctl points ERL_INETRC at the config dir: Erlang's resolver aimed nowhere.
    echo "{resolv_conf, \"$work/resolv.conf\"}." > "$d/inetrc"
    chown -R ejabberd:ejabberd "$d"
}

start_ejabberd() {
    local d=$work/ejabberd
    rm -f "$d/ejabberd.pid"
    # The whole VM on the server's CPU, and (ejabberdctl.cfg) one scheduler.
    setsid taskset -c "$server_cpu" setpriv --reuid=ejabberd --regid=ejabberd --init-groups \
        env HOME="$d" ejabberdctl "${ejabberd_args[@]}" foreground >> "$d/console.log" 2>&1 &
    server_pgid=$!
    wait_port "${address[ejabberd]}" "${plain_port[ejabberd]}" "$server_pgid" \
        && wait_port "${address[ejabberd]}" "${tls_port[ejabberd]}" "$server_pgid" || return 1
    # The memory measured is the Erlang VM's (beam.smp, and its helper processes),
    # not the ejabberdctl shell's that started it.
    for _ in $(seq 1 100); do alive "$d/ejabberd.pid" && break; sleep 0.1; done
    if alive "$d/ejabberd.pid"; then
        server_pid=$(cat "$d/ejabberd.pid")
    else
        server_pid=$(pgrep -P "$server_pgid" -x beam.smp | head -1)
    fi
    [ -n "$server_pid" ] || { echo "no beam.smp under $server_pgid"; return 1; }
    # The ctl node reaches it over Erlang distribution once it is up.
    for _ in $(seq 1 50); do ejabberd_ctl status >/dev/null 2>&1 && return 0; sleep 0.2; done
    echo "ejabberdctl status never answered"
    return 1
}

# One ejabberdctl call: a XEP-0227 (PIEFXIS) file with every account, imported by
# the running server (ejabberd_piefxis, which registers each through ejabberd_auth).
create_ejabberd_users() {
    local d=$work/ejabberd file=$work/ejabberd/accounts.xml out
    creation[ejabberd]="one \`ejabberdctl import_piefxis\` call (a XEP-0227 file of every account)"
    {
        echo "<?xml version='1.0' encoding='UTF-8'?>"
        echo "<server-data xmlns='urn:xmpp:pie:0'>"
        echo "  <host jid='$domain'>"
        awk -v n="$accounts" -v p="$password" 'BEGIN { for (i = 1; i <= n; i++) printf "    <user name=\"bench%d\" password=\"%s\"/>\n", i, p }'
        echo "  </host>"
        echo "</server-data>"
    } > "$file"
    chown ejabberd:ejabberd "$file"
    out=$(ejabberd_ctl --no-timeout import_piefxis "$file" 2>&1)
    local rc=$?
    echo "$out" > "$d/users.log"
    [ $rc -eq 0 ] || { echo "ejabberdctl import_piefxis: exit $rc: $out"; return 1; }
    # It reports success even for a file it skips: count what it made.
    local count
    count=$(ejabberd_ctl registered_users "$domain" 2>&1 | grep -c '^bench[0-9]*$')
    [ "$count" = "$accounts" ] || { echo "ejabberd has $count accounts after the import, not $accounts: $out"; return 1; }
}

ejabberd_logs() { echo "$work/ejabberd/"{users,console}.log "$work/ejabberd/logs/"{ejabberd,error}.log; }

# --- running servers ----------------------------------------------------------

start_server() {
    current=$1
    if listening "${address[$1]}" "${plain_port[$1]}" || listening "${address[$1]}" "${tls_port[$1]}"; then
        echo "something already listens on ${address[$1]}:${plain_port[$1]} or :${tls_port[$1]}"
        return 1
    fi
    "start_$1"
}

stop_server() {
    [ -n "$server_pgid" ] || return 0
    kill -TERM -- "-$server_pgid" 2>/dev/null || true
    for _ in $(seq 1 150); do
        kill -0 -- "-$server_pgid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL -- "-$server_pgid" 2>/dev/null || true
    server_pgid=""
    server_pid=""
}

server_alive() { [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; }

dump_logs() {
    local file
    for file in $("${1}_logs"); do
        [ -s "$file" ] || continue
        echo "----- $file (last 40 lines)"
        tail -n 40 "$file"
    done
}

# Until the sessions of the last scenario are gone from the server (at most 20 s).
settle() {
    local ip=${address[$current]} n
    for _ in $(seq 1 100); do
        n=$(ss -Htn state established "( sport = :${plain_port[$current]} or sport = :${tls_port[$current]} )" \
            2>/dev/null | awk -v ip="$ip" 'index($3, ip ":") == 1' | wc -l)
        [ "$n" -eq 0 ] && break
        sleep 0.2
    done
    sleep 1
}

# --- scenarios ----------------------------------------------------------------

# The value of "KEY: value" in FILE.
field() { awk -v key="$2: " 'index($0, key) == 1 { print substr($0, length(key) + 1); exit }' "$1"; }
# "p50 1.00 ms, p90 ..., p99 3.00 ms, max ..." -> the number after WHICH.
percentile() { sed -n "s/.*\\b$2 \\([0-9.]*\\) ms.*/\\1/p" <<< "$1"; }
# The first number in a value.
number() { grep -oE '^-?[0-9]+(\.[0-9]+)?' <<< "$1" | head -1; }
# "0.37 s over 2.00 s (18% of one core)" or "load tool CPU 18%" -> 18
tool_percent() { grep -oE '([0-9]+)% of one core|load tool CPU [0-9]+%' <<< "$1" | grep -oE '[0-9]+' | tail -1; }
# Marks FIGURE with † when the load tool used at least 90% of its core for it: then
# the figure may be the tool's limit rather than the server's.
tool_bound_mark() { [ -n "$1" ] && [ "$1" -ge 90 ] && echo " †"; }

# Run one scenario: needletail-bench SCENARIO ARGS..., output in $out/SERVER-VARIANT-SCENARIO.txt.
# Returns non-zero (after recording why) when it failed.
scenario() {
    local name=$1 limit=$2; shift 2
    local file=$out/$current-$variant-$name.txt rc
    local cmd=("$bench" "$name" --host "${address[$current]}" --domain "$domain" --password "$password"
               --cpu "$tool_cpu" --server-pid "$server_pid" "$@")
    if ! server_alive; then
        record_failure "$current $variant $name" "the server is not running"
        return 1
    fi
    say "$current $variant: $name $*"
    echo "${cmd[*]//$password/PASSWORD}" > "$file.cmd"
    timeout -k 10 "$limit" "${cmd[@]}" > "$file" 2>&1
    rc=$?
    sed 's/^/    /' "$file"
    if [ $rc -ne 0 ]; then
        local why
        why=$(grep -vE '^[a-z0-9 ]+: ' "$file" | grep -v '^$' | tail -2 | tr '\n' ' ')
        local errors
        errors=$(field "$file" errors)
        [ $rc -eq 124 ] && why="timed out after $limit s; $why"
        server_alive || why="the server died; $why"
        [ -n "$errors" ] && [ "$errors" != none ] && why="$why errors: $errors"
        record_failure "$current $variant $name" "exit $rc: ${why:-no output}"
        return 1
    fi
    return 0
}

# The scenarios of one variant: PART "load" (login, chat, saturate) or "idle".
run_variant() {
    local part=$1 s=$current v=$variant tls mech_login port
    if [ "$v" = plaintext ]; then
        tls=none; mech_login=PLAIN; port=${plain_port[$s]}
    else
        tls=starttls; mech_login=SCRAM-SHA-1; port=${tls_port[$s]}
    fi
    local common=(--port "$port" --tls "$tls")
    local file

    if [ "$part" = idle ]; then
        if scenario idle $(( 300 + idle_sessions / 20 )) "${common[@]}" --mechanism PLAIN \
            --sessions "$idle_sessions" --hold "$idle_hold"; then
            file=$out/$s-$v-idle.txt
            fig[$s/$v/memory]=$(number "$(field "$file" "memory per session")")
        fi
        return
    fi

    if scenario login $(( 300 + users / 10 )) "${common[@]}" --mechanism "$mech_login" --sessions "$users"; then
        file=$out/$s-$v-login.txt
        fig[$s/$v/login_rate]=$(number "$(field "$file" "sessions per second")")$(tool_bound_mark "$(tool_percent "$(field "$file" "load tool CPU")")")
        fig[$s/$v/login_p99]=$(percentile "$(field "$file" "connect to bound")" p99)
    fi
    settle

    if scenario chat $(( 300 + ${duration%.*} * 2 )) "${common[@]}" --mechanism PLAIN \
        --sessions "$users" --rate "$chat_rate" --duration "$duration"; then
        file=$out/$s-$v-chat.txt
        local latency
        latency=$(field "$file" latency)
        fig[$s/$v/delivered]=$(number "$(field "$file" "delivered per second")")
        fig[$s/$v/loss]=$(field "$file" loss)
        fig[$s/$v/chat_p50]=$(percentile "$latency" p50)
        fig[$s/$v/chat_p99]=$(percentile "$latency" p99)
        fig[$s/$v/tool_cpu]=$(field "$file" "load tool CPU")
        fig[$s/$v/delivered]+=$(tool_bound_mark "$(tool_percent "${fig[$s/$v/tool_cpu]}")")
        [ -n "${fig[$s/$v/chat_p99]}" ] || fig[$s/$v/chat_p99]="none delivered"
    fi
    settle

    if scenario saturate $(( 300 + sat_steps * (${sat_step%.*} + 4) )) "${common[@]}" --mechanism PLAIN \
        --sessions "$users" --start "$sat_start" --factor "$sat_factor" --step "$sat_step" \
        --p99-bound "$p99_bound" --max-steps "$sat_steps"; then
        file=$out/$s-$v-saturate.txt
        local best
        best=$(field "$file" "highest sustained rate")
        case $best in
            none*) fig[$s/$v/saturate]="< $sat_start" ;;
            *) fig[$s/$v/saturate]=$(number "$best") ;;
        esac
        # Every step held up to the last: the server's limit is higher still.
        if ! grep -q 'not held' "$file"; then
            fig[$s/$v/saturate]="≥ ${fig[$s/$v/saturate]}"
        else
            # The step that did not hold: was it the tool that ran out of CPU? Or did it fall
            # short of the rate with neither loss nor latency over the bounds: then what
            # failed was sending at that rate (the tool's sending, or the server not reading).
            local last mark
            last=$(grep 'not held' "$file" | head -1)
            mark=$(tool_bound_mark "$(tool_percent "$last")")
            if [ -z "$mark" ] && awk -v bound="$p99_bound" '{
                    for (i = 1; i <= NF; i++) { if ($i == "loss") loss = $(i + 1) + 0; if ($i == "p99") p99 = $(i + 1) + 0 }
                } END { exit !(loss <= 0.1 && p99 <= bound) }' <<< "$last"; then
                mark=" ‡"
            fi
            fig[$s/$v/saturate]+=$mark
        fi
    fi
    settle
}

run_server() {
    local s=$1 started
    say "== $s"
    if ! "setup_$s"; then
        record_failure "$s" "could not be configured"; dump_logs "$s"; return
    fi
    if [ "$s" = needletail ]; then
        started=$(now)
        if ! create_needletail_users; then
            record_failure "$s" "could not create the accounts"; dump_logs "$s"; return
        fi
    else
        if ! start_server "$s"; then
            record_failure "$s" "did not start"; dump_logs "$s"; stop_server; return
        fi
        started=$(now)
        if ! "create_${s}_users"; then
            record_failure "$s" "could not create the accounts"; dump_logs "$s"; stop_server; return
        fi
    fi
    local took
    took=$(since "$started")
    creation[$s]="${creation[$s]}: $accounts accounts in $took s"
    say "$s: $accounts accounts in $took s"
    stop_server

    for variant in "${variants[@]}"; do
        say "-- $s, $variant"
        # Two fresh starts: one for login, chat and saturate, one for idle. Each figure then
        # comes from a server no other scenario has been through: the memory per session from
        # a clean baseline, and the rest not after the flood of idle sessions (right after
        # 10000 of them, Needletail's and Prosody's PLAIN logins were measured 30-55% slower).
        local part
        for part in load idle; do
            if ! start_server "$s"; then
                record_failure "$s $variant $part" "did not start"; dump_logs "$s"; stop_server; continue
            fi
            run_variant "$part"
            server_alive || { record_failure "$s $variant $part" "the server was gone at the end"; dump_logs "$s"; }
            stop_server
        done
    done
}

# --- the report ---------------------------------------------------------------

versions() {
    version[needletail]="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null)$( [ -n "$(git -C "$repo" status --porcelain -- Sources Package.swift 2>/dev/null)" ] && echo ' + uncommitted changes'), $(build_of "$needletail") build"
    # Not `prosody --version`: on this Debian it never returns.
    version[prosody]="$(cat /usr/lib/prosody/prosody.version 2>/dev/null) (Debian $(dpkg-query -W -f '${Version}' prosody 2>/dev/null)) on $(head -1 /usr/bin/prosody | awk '{ print $NF }' | sed 's|.*/||')"
    version[ejabberd]="$(dpkg-query -W -f '${Version}' ejabberd 2>/dev/null) (Debian), Erlang/OTP $(erl -noshell -eval 'io:format("~s", [erlang:system_info(otp_release)]), halt().' 2>/dev/null)"
}

# Needletail's figure over the peer's, when both are numbers (not bounds, not "failed");
# marked † when either was limited by the load tool.
ratio() {
    local a=${1% †} b=${2% †} mark=""
    a=${a% ‡}; b=${b% ‡}
    [[ "$1$2" == *†* ]] && mark=" †"
    [[ "$1$2" == *‡* ]] && mark+=" ‡"
    [[ $a =~ ^[0-9]+(\.[0-9]+)?$ && $b =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "—"; return; }
    awk -v a="$a" -v b="$b" -v m="$mark" 'BEGIN { if (b == 0) print "—"; else printf "%.2f×%s", a / b, m }'
}

cell() {
    local v=${fig[$1]:-}
    if [ -n "$v" ]; then echo "$v"; else echo "failed"; fi
}

write_results() {
    local v s peer
    local machine_cpu machine_mem
    machine_cpu=$(lscpu | grep 'Model name' | sed 's/.*: *//' | head -1)
    machine_mem=$(free -h | awk '/^Mem:/ { print $2 }')
    {
        echo "# Needletail, Prosody and ejabberd under needletail-bench"
        echo
        echo "- Command: \`$command_line\`"
        echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
        echo "- Machine: $(nproc) CPUs ($machine_cpu), $machine_mem memory, $(uname -sr), Debian $(cat /etc/debian_version 2>/dev/null)"
        echo "- Each server pinned to CPU $server_cpu (ejabberd: the whole Erlang VM, \`+S 1:1 +SDcpu 1:1\`), the load tool to CPU $tool_cpu; loopback only."
        echo "- Needletail: ${version[needletail]} (\`${needletail#$repo/}\`)"
        echo "- Load tool: $(build_of "$bench") build (\`${bench#$repo/}\`)"
        echo "- Prosody: ${version[prosody]}"
        echo "- ejabberd: ${version[ejabberd]}"
        echo "- Sizes: $users accounts log in, chat and saturate; $idle_sessions idle sessions held $idle_hold s; chat at $chat_rate msgs/s for $duration s; saturate from $sat_start msgs/s ×$sat_factor, $sat_step s steps, at most $sat_steps, p99 under $p99_bound ms and loss under 0.1%."
        echo
        echo "Password storage and login cost:"
        echo
        echo "| server | stored as | accounts made by |"
        echo "| --- | --- | --- |"
        echo "| Needletail | SCRAM-SHA-1/256/512 keys, 4096 PBKDF2 iterations (SQLite) | ${creation[needletail]:-failed} |"
        echo "| Prosody | internal_hashed: SCRAM-SHA-1 keys, 4096 iterations (files) | ${creation[prosody]:-failed} |"
        echo "| ejabberd | plain passwords in Mnesia (its default) | ${creation[ejabberd]:-failed} |"
        echo
        echo "What a login costs the server: with PLAIN, Needletail and Prosody derive the key from the"
        echo "password (PBKDF2, 4096 iterations) to check it, ejabberd compares the stored password. With"
        echo "SCRAM-SHA-1 it is the other way round: Needletail and Prosody have the keys stored and the"
        echo "client runs PBKDF2, while ejabberd derives a salted password from the plain one (4096"
        echo "iterations) for every login."
        for v in "${variants[@]}"; do
            echo
            if [ "$v" = plaintext ]; then
                echo "## Plaintext: no TLS, PLAIN"
            else
                echo "## TLS: STARTTLS (self-signed ECDSA P-256), SCRAM-SHA-1 for login, PLAIN inside TLS otherwise"
                local scenario_line
                scenario_line=$(cat "$out"/*-tls-login.txt 2>/dev/null | awk '/^scenario: / { print; exit }')
                if [[ $scenario_line == *"keys kept"* ]]; then
                    echo
                    echo "The login scenario logs every account in once, unmeasured, and keeps each account's SCRAM"
                    echo "keys as a returning client does (RFC 5802 §5.1), then measures a second login (\`${scenario_line#scenario: }\`)."
                    echo "Needletail and Prosody send the stored salt, so the client reuses its keys; ejabberd, with"
                    echo "plain passwords, sends a new salt at every login, so there client and server both run"
                    echo "PBKDF2 (4096 iterations) at every login."
                fi
            fi
            echo
            echo "| server | login sessions/s ↑ | login p99 connect→bound ms ↓ | idle KiB/session ↓ | chat delivered/s ↑ | chat loss | chat p50 ms ↓ | chat p99 ms ↓ | saturate msgs/s ↑ | load tool CPU in chat |"
            echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
            for s in "${servers[@]}"; do
                echo "| $s | $(cell $s/$v/login_rate) | $(cell $s/$v/login_p99) | $(cell $s/$v/memory) | $(cell $s/$v/delivered) | $(cell $s/$v/loss) | $(cell $s/$v/chat_p50) | $(cell $s/$v/chat_p99) | $(cell $s/$v/saturate) | $(cell $s/$v/tool_cpu) |"
            done
            if [[ " ${servers[*]} " == *" needletail "* ]] && [ ${#servers[@]} -gt 1 ]; then
                echo
                echo "Needletail's figure divided by the peer's. ↑ columns: higher is better, so above 1× favours Needletail."
                echo "↓ columns (memory, latency): lower is better, so below 1× favours Needletail."
                echo
                echo "| Needletail ÷ | login sessions/s ↑ | login p99 ↓ | idle KiB/session ↓ | chat delivered/s ↑ | chat p50 ↓ | chat p99 ↓ | saturate ↑ |"
                echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
                for peer in "${servers[@]}"; do
                    [ "$peer" = needletail ] && continue
                    printf '| %s |' "$peer"
                    for f in login_rate login_p99 memory delivered chat_p50 chat_p99 saturate; do
                        printf ' %s |' "$(ratio "${fig[needletail/$v/$f]:-}" "${fig[$peer/$v/$f]:-}")"
                    done
                    echo
                done
            fi
        done
        echo
        local first="" cmdfile
        for s in "${servers[@]}"; do
            compgen -G "$out/$s-*.cmd" >/dev/null && { first=$s; break; }
        done
        if [ -n "$first" ]; then
            echo "The load tool's commands for $first (the others differ in --host, --port and --server-pid):"
            echo
            echo '```'
            for v in "${variants[@]}"; do
                for cmdfile in "$out/$first-$v-"{idle,login,chat,saturate}.txt.cmd; do
                    [ -f "$cmdfile" ] && sed "s|$repo/||g" "$cmdfile"
                done
            done
            echo '```'
            echo
        fi
        echo "† The load tool used 90% or more of its core in that measurement (login: the whole run;"
        echo "chat: the run; saturate: the first step that did not hold), so the figure may be the"
        echo "tool's limit rather than the server's. ≥: every step held, the server's limit is higher."
        echo "‡ The saturate step that did not hold fell short of its rate (delivered under 90% of it)"
        echo "with loss and p99 within the bounds: what ran out was sending at that rate, by the tool"
        echo "(which sends each message after the last) or because the server stopped reading."
        echo "< N: the first step (N msgs/s) did not hold."
        echo
        if [ ${#failures[@]} -gt 0 ]; then
            echo "## Failures"
            echo
            local f
            for f in "${failures[@]}"; do echo "- $f"; done
        else
            echo "Every scenario completed on every server."
        fi
    } > "$results"
}

# --- main ---------------------------------------------------------------------

main() {
    local begun
    begun=$(now)
    if [ "$(id -u)" != 0 ]; then echo "run as root (servers run as their own users through setpriv)" >&2; exit 1; fi
    for binary in "$needletail" "$bench"; do
        [ -x "$binary" ] || { echo "not found: $binary (build it, or set NEEDLETAIL / NEEDLETAIL_BENCH)" >&2; exit 1; }
    done
    say "needletail: ${needletail#$repo/} ($(build_of "$needletail") build); load tool: ${bench#$repo/} ($(build_of "$bench") build)"
    ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
    say "open files limit: $(ulimit -n); $accounts accounts per server"
    install_packages
    versions
    work=$(mktemp -d /tmp/bench-compare.XXXXXX)
    chmod 755 "$work"   # the prosody and ejabberd users read their configs under it
    out=$work/output
    mkdir -p "$out"
    echo "nameserver 127.0.0.1" > "$work/resolv.conf"
    make_certificate
    for s in "${servers[@]}"; do
        case $s in needletail|prosody|ejabberd) run_server "$s" ;; *) record_failure "$s" "unknown server" ;; esac
    done
    write_results
    echo
    cat "$results"
    echo
    say "done in $(since "$begun") s; results in ${results#$repo/}"
    # Every failure is in the table and the list above; the exit status tells too.
    [ ${#failures[@]} -eq 0 ]
}

# On one line: bash reads a script as it goes, so an edit during a run cannot reach past it.
main; exit
