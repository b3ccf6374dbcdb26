/// The keys of every table of the configuration file: what the decoder reads
/// and what "unknown key" problems compare against. The example file
/// (`needletail.example.toml`) documents each of them.
enum ConfigKeys {
    static let topLevel = ["domains", "log_level", "listeners", "tls", "storage", "limits", "authentication", "modules", "federation", "audit"]
    static let audit = ["enabled"]
    static let federation = [
        "enabled", "require_valid_certificates", "trusted_ca_file", "allowed_domains", "denied_domains", "routes",
        "idle_timeout_seconds", "connect_timeout_seconds", "dialback_secret", "max_stanza_bytes",
    ]
    static let listener = ["kind", "host", "port", "tls"]
    static let tls = ["certificates"]
    static let certificate = ["certificate", "key"]
    static let storage = ["data_directory"]
    static let limits = ["max_stanza_bytes", "negotiation_timeout_seconds", "max_resources_per_account", "ping_interval_seconds", "ping_timeout_seconds", "max_connections_per_ip", "max_outgoing_buffer_bytes", "max_bytes_per_second"]
    static let authentication = ["mechanisms", "iterations", "max_retries", "failure_delay_ms", "max_failure_delay_ms"]
    static let modules = [
        "disabled", "max_roster_items", "max_offline_messages", "hide_version", "contact_addresses", "allow_registration",
        "registration_interval_seconds", "resume_timeout_seconds", "max_unacked_stanzas",
    ]
}
