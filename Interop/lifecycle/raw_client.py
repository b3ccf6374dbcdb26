"""A minimal XMPP client over a plain socket, for the lifecycle tests: they
need to see every byte the server writes around a signal (the stream error, the
closing tag, what came before them), which a full client library hides.

Only what the tests use: SASL PLAIN on a `trusted-plaintext` listener (no TLS),
resource binding, sending raw stanzas, and reading top-level elements as
ElementTree elements with their namespaces expanded ("{ns}name").
"""
import base64
import select
import socket
import time
import xml.etree.ElementTree as ET

STREAMS = "http://etherx.jabber.org/streams"
STREAM_ERRORS = "urn:ietf:params:xml:ns:xmpp-streams"
SASL = "urn:ietf:params:xml:ns:xmpp-sasl"
BIND = "urn:ietf:params:xml:ns:xmpp-bind"
CLIENT = "jabber:client"
SM = "urn:xmpp:sm:3"


class StreamClosed(Exception):
    """The server sent `</stream:stream>` or the connection ended."""


def escape(text):
    """Character data and attribute values for the XML we write."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("'", "&apos;").replace('"', "&quot;"))


class StreamReader:
    """Turns the bytes of one stream (from its header on) into top-level elements.

    A stream restart (after SASL success) starts a new XML document, so each
    stream gets its own reader.
    """

    def __init__(self):
        self.parser = ET.XMLPullParser(events=("start", "end"))
        self.depth = 0
        self.root = None
        self.closed = False
        self.received = bytearray()

    def feed(self, data):
        """The elements and closing tag `data` completes: a list of
        ("element", Element), ("closed", None), and ("after-close", bytes) for
        anything the server wrote past its closing tag, which RFC 6120 §4.4
        forbids and a client's parser cannot take."""
        if self.closed:
            return [("after-close", bytes(data))]
        self.received += data
        self.parser.feed(data)
        out = []
        events = self.parser.read_events()
        while True:
            try:
                event, element = next(events)
            except StopIteration:
                return out
            except ET.ParseError as error:
                if self.closed:
                    end = self.received.find(b"</stream:stream>") + len(b"</stream:stream>")
                    out.append(("after-close", bytes(self.received[end:])))
                    return out
                # What the server wrote is the evidence; "not well-formed" alone says nothing.
                raise ET.ParseError(f"{error}; the stream's last bytes: {bytes(self.received)[-2000:]!r}") from None
            if event == "start":
                if self.depth == 0:
                    self.root = element
                self.depth += 1
            else:
                self.depth -= 1
                if self.depth == 1:
                    out.append(("element", element))
                    self.root.remove(element)  # the stream may be long; keep nothing read
                elif self.depth == 0:
                    self.closed = True
                    out.append(("closed", None))


class RawClient:
    """One client connection. Every element read is also kept in `log`, in order,
    with "closed" marking the server's closing tag, so a test can check what
    came before what."""

    def __init__(self, host, port, domain, name=""):
        self.host, self.port, self.domain = host, port, domain
        self.name = name
        self.sock = None
        self.reader = None
        self.pending = []  # read but not yet taken
        self.log = []  # everything read, as ("element", Element) / ("closed", None)
        self.jid = None
        self.eof = False

    # -- transport

    def connect(self):
        self.sock = socket.create_connection((self.host, self.port), timeout=10)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send(self, text):
        self.sock.sendall(text.encode("utf-8"))

    def _read_some(self, timeout):
        """Reads what arrives within `timeout` seconds (0: only what is there)."""
        if self.eof:
            return False
        ready, _, _ = select.select([self.sock], [], [], max(0.0, timeout))
        if not ready:
            return False
        try:
            data = self.sock.recv(65536)
        except (ConnectionResetError, OSError):
            data = b""
        if not data:
            self.eof = True
            return False
        events = self.reader.feed(data)
        self.pending.extend(events)
        self.log.extend(events)
        return True

    def poll(self):
        """Every element already received, without waiting."""
        while self._read_some(0):
            pass
        taken, self.pending = self.pending, []
        return taken

    def next_event(self, timeout=10.0):
        """The next event (see `StreamReader.feed`); raises StreamClosed
        when the connection ended without one, TimeoutError when nothing came."""
        deadline = time.monotonic() + timeout
        while not self.pending:
            if self.eof:
                raise StreamClosed(f"{self.name}: connection ended")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{self.name}: nothing from the server within {timeout} s")
            self._read_some(remaining)
        return self.pending.pop(0)

    def next_element(self, timeout=10.0):
        kind, element = self.next_event(timeout)
        if kind != "element":
            raise StreamClosed(f"{self.name}: the server closed the stream")
        return element

    def expect(self, tag, timeout=10.0):
        """Reads until an element named `tag` ("{ns}name"); others are skipped."""
        while True:
            element = self.next_element(timeout)
            if element.tag == tag:
                return element
            if element.tag == f"{{{STREAMS}}}error":
                raise StreamClosed(f"{self.name}: stream error {ET.tostring(element).decode()}")

    def close(self, send_closing_tag=True):
        if self.sock is None:
            return
        if send_closing_tag:
            try:
                self.send("</stream:stream>")
            except OSError:
                pass
        self.sock.close()
        self.sock = None

    # -- negotiation

    def open_stream(self):
        """Sends a stream header and waits for the features."""
        self.reader = StreamReader()
        self.send("<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                  f"xmlns:stream='{STREAMS}' to='{escape(self.domain)}' version='1.0'>")
        return self.expect(f"{{{STREAMS}}}features")

    def authenticate(self, localpart, password):
        token = base64.b64encode(f"\0{localpart}\0{password}".encode()).decode()
        self.send(f"<auth xmlns='{SASL}' mechanism='PLAIN'>{token}</auth>")
        element = self.next_element()
        if element.tag != f"{{{SASL}}}success":
            raise RuntimeError(f"{self.name}: SASL PLAIN refused: {ET.tostring(element).decode()}")

    def bind(self, resource):
        self.send(f"<iq type='set' id='bind'><bind xmlns='{BIND}'><resource>{escape(resource)}</resource></bind></iq>")
        iq = self.expect(f"{{{CLIENT}}}iq")
        jid = iq.find(f"{{{BIND}}}bind/{{{BIND}}}jid")
        if iq.get("type") != "result" or jid is None:
            raise RuntimeError(f"{self.name}: bind failed: {ET.tostring(iq).decode()}")
        self.jid = jid.text
        return self.jid

    def login(self, localpart, password, resource):
        """Connects, authenticates and binds; returns the full JID."""
        self.connect()
        self.open_stream()
        self.authenticate(localpart, password)
        self.open_stream()
        return self.bind(resource)

    def ping(self, ident):
        """An IQ round trip: everything the server did for earlier stanzas on this
        stream is done once its result arrives (the server handles a stream's
        stanzas in order)."""
        self.send(f"<iq type='get' id='{ident}' to='{escape(self.domain)}'><ping xmlns='urn:xmpp:ping'/></iq>")
        while True:
            element = self.expect(f"{{{CLIENT}}}iq")
            if element.get("id") == ident:
                return element


def body_of(message):
    body = message.find(f"{{{CLIENT}}}body")
    return None if body is None else (body.text or "")


def is_system_shutdown(element):
    return (element.tag == f"{{{STREAMS}}}error"
            and element.find(f"{{{STREAM_ERRORS}}}system-shutdown") is not None)
