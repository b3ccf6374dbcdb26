-- Prosody for bench/compare.sh: @WORD@ placeholders are filled in by the script.
pidfile = "@DIR@/prosody.pid"
data_path = "@DIR@/data"
-- Warnings and worse only.
log = { warn = "@DIR@/prosody.log" }
network_backend = "epoll"
-- Needletail's listen backlog (1024), the same given to ejabberd; Prosody's own default
-- is 128, fewer than the 200 connects the load tool makes at once. Nagle stays as
-- Prosody 0.12's epoll backend has it by default (on: network_settings.nagle = true).
network_settings = { tcp_backlog = 1024 }
certificates = "@DIR@"
plugin_paths = {}
-- admin_shell: the accounts are made in bulk through `prosodyctl shell`.
-- No mod_limits: nothing throttles c2s reads (the limits below only count if it
-- is ever loaded). presence, message, iq, offline and c2s load by themselves.
modules_enabled = { "roster"; "saslauth"; "tls"; "disco"; "ping"; "posix"; "admin_shell" }
modules_disabled = { "s2s" }
limits = { c2s = { rate = "1000mb/s"; burst = "10s" } }
-- Hashed storage (SCRAM-SHA-1 keys) with Needletail's iteration count (Prosody's default is 10000).
authentication = "internal_hashed"
default_iteration_count = 4096
c2s_interfaces = { "@ADDRESS@" }
c2s_ports = { @PLAIN_PORT@ }
s2s_ports = { }
-- STARTTLS is offered, not required: the TLS variant takes it, the plaintext variant
-- uses PLAIN without it.
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
c2s_stanza_size_limit = 262144
-- No DNS is needed; lua-unbound is aimed at 127.0.0.1 (nothing listens) so nothing leaves the machine.
unbound = { hoststxt = "/etc/hosts"; resolvconf = "@WORK@/resolv.conf" }

VirtualHost "bench.localhost"
ssl = {
    certificate = "@DIR@/bench.localhost.crt";
    key = "@DIR@/bench.localhost.key";
}
