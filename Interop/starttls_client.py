"""What every slixmpp client of the interop checks sets up: STARTTLS only,
without certificate verification (the servers under test use self-signed or
test-CA certificates; these checks are about XMPP, not PKIX)."""
import ssl


def use_starttls_without_verification(client):
    client.ssl_context = ssl.create_default_context()
    client.ssl_context.check_hostname = False
    client.ssl_context.verify_mode = ssl.CERT_NONE
    client.enable_direct_tls = False
    client.enable_starttls = True
    client.enable_plaintext = False
