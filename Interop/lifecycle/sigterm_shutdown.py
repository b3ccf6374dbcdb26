#!/usr/bin/env python3
"""SIGTERM ends `needletail serve` gracefully (RFC 6120 §4.9.3.20, DESIGN.md
shutdown): every stream, bound or still negotiating, gets
`<stream:error><system-shutdown/></stream:error>` then `</stream:stream>`; a
message the server took just before the signal is not lost (it arrives before
the error or waits in offline storage for the next start), nor is any delivered
twice; what reached a stream with XEP-0198 on but was not acked is in offline
storage at the next start; the process exits with status 0 within a few
seconds, even with a client that never answers the closing tag.

Usage: sigterm_shutdown.py NEEDLETAIL CONFIG PORT DOMAIN PASSWORD WORKDIR
(accounts alice, bob, carol, dora and erin must exist). Exit status 0 when every check passes.
"""
import os
import re
import signal
import socket
import sys
import time
import xml.etree.ElementTree as ET
from xml.sax.saxutils import unescape

from raw_client import CLIENT, SM, STREAMS, RawClient, StreamClosed, body_of, escape, is_system_shutdown
import checks
from checks import check
from server_process import ServerProcess

# Messages each way just before the signal: enough that some are still being
# routed when it lands.
BURST = 25
# RFC 6120 §4.4 lets the server wait for the peer's closing tag; the server gives
# up after 2 s and shutdown waits 5 s for connections, so this is generous.
EXIT_WITHIN_SECONDS = 10.0
# Messages to an offline account written 50 ms before the signal.
OFFLINE_BURST = 40
# Messages to the client with stream management, confirmed before the signal.
SM_BURST = 20


def read_to_close(client, timeout):
    """Every event up to the closing tag (or the connection's end)."""
    events = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            event = client.next_event(deadline - time.monotonic())
        except (StreamClosed, TimeoutError):
            break
        events.append(event)
        if event[0] == "closed":
            break
    return events


def read_to_end(client, timeout):
    """Every event after the closing tag until the server ends the connection:
    there should be none."""
    events = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            events.append(client.next_event(deadline - time.monotonic()))
        except (StreamClosed, TimeoutError):
            break
    return events


def bodies_in(raw):
    """The bodies of messages in bytes no parser took (written after the closing tag)."""
    return [unescape(b.decode(errors="replace"), {"&apos;": "'", "&quot;": '"'})
            for b in re.findall(rb"<body>(.*?)</body>", raw, re.S)]


def check_shutdown_ending(name, events):
    """The stream's last two things are a system-shutdown error and the closing
    tag, and nothing is written after them."""
    errors = [i for i, (kind, element) in enumerate(events) if kind == "element" and element.tag == f"{{{STREAMS}}}error"]
    if not check(len(errors) == 1, f"{name}: exactly one <stream:error> (got {len(errors)})"):
        return
    index = errors[0]
    error = events[index][1]
    check(is_system_shutdown(error), f"{name}: the stream error is system-shutdown ({ET.tostring(error).decode()[:160]})")
    after = [kind for kind, _ in events[index + 1:]]
    check(after[:1] == ["closed"], f"{name}: </stream:stream> follows the error (after it: {after})")
    trailing = b"".join(raw for kind, raw in events if kind == "after-close")
    check(not trailing, f"{name}: nothing written after </stream:stream> (RFC 6120 §4.4)" + (
        f"; got {len(trailing)} bytes, {len(bodies_in(trailing))} messages, which no client can read: "
        f"{trailing[:160]!r}" if trailing else ""))


def bodies_from(events, sender):
    return [body_of(element) for kind, element in events
            if kind == "element" and element.tag == f"{{{CLIENT}}}message"
            and (element.get("from") or "").split("/")[0] == sender]


def message(to, ident, body):
    return f"<message to='{to}' type='chat' id='{ident}'><body>{escape(body)}</body></message>"


def collect_offline(client, sender, expected, timeout=10.0, quiet=3.0):
    """Messages from `sender` arriving after login: until all `expected` came
    (then a second longer, to see duplicates), nothing came for `quiet`
    seconds, or `timeout` passed."""
    got = []
    deadline = time.monotonic() + timeout
    last = time.monotonic()
    complete_at = None
    while time.monotonic() < deadline:
        now = time.monotonic()
        if (complete_at and now > complete_at + 1.0) or now - last > quiet:
            break
        try:
            event = client.next_event(0.2)
        except TimeoutError:
            continue
        except StreamClosed:
            break
        arrived = bodies_from([event], sender)
        if arrived:
            got.extend(arrived)
            last = time.monotonic()
        if complete_at is None and set(expected) <= set(got):
            complete_at = time.monotonic()
    return got


def check_no_loss(name, sent, before, after, strict, after_close):
    """Each sent body arrived at most once, before the stream error or after the
    restart; with `strict`, each arrived. A loss among messages sent without
    confirmation is reported, not failed: without XEP-0198 no client can tell
    what the server took, and a server may stop handling a stream's input once
    it has closed the stream."""
    sent_set = set(sent)
    seen = [b for b in before + after if b in sent_set]
    missing = [b for b in sent if b not in seen]
    duplicated = sorted({b for b in seen if seen.count(b) > 1})
    got_before = len([b for b in before if b in sent_set])
    got_after = len([b for b in after if b in sent_set])
    summary = (f"{name}: {len(sent) - len(missing)} of {len(sent)} delivered "
               f"({got_before} before the stream error, {got_after} from offline storage after the restart)")
    if strict or not missing:
        check(not missing, summary + (f"; missing {missing[:3]}" if missing else ""))
    else:
        late = [b for b in missing if b in after_close]
        print(f"NOTE {summary}; {len(missing)} not delivered: {len(late)} written after the closing tag, "
              f"{len(missing) - len(late)} neither delivered nor stored")
    check(not duplicated, f"{name}: no message delivered twice" + (f"; duplicated {duplicated[:3]}" if duplicated else ""))


def main(binary, config, port, domain, password, workdir):
    server = ServerProcess(binary, config, port, os.path.join(workdir, "sigterm-server.log"),
                           os.path.join(workdir, "sigterm-server.pid"))
    try:
        return run(server, port, domain, password)
    finally:
        server.kill()
        if checks.failures:
            print("server log:")
            print(server.log_text())


def run(server, port, domain, password):
    server.start()
    alice, bob = RawClient("127.0.0.1", port, domain, "alice"), RawClient("127.0.0.1", port, domain, "bob")
    # carol never answers the server's closing tag: shutdown must not wait on her for long.
    carol = RawClient("127.0.0.1", port, domain, "carol")
    for client, localpart in ((alice, "alice"), (bob, "bob"), (carol, "carol")):
        client.login(localpart, password, "lifecycle")
        client.send("<presence/>")
        client.ping(f"{localpart}-ready")
    print(f"ok   alice, bob and carol bound and available ({alice.jid}, {bob.jid}, {carol.jid})")
    # dave opened a stream and read the features, and stops there (not authenticated).
    dave = RawClient("127.0.0.1", port, domain, "dave (not authenticated)")
    dave.connect()
    dave.open_stream()
    print("ok   dave has a stream open in mid-negotiation")
    # erin has XEP-0198 on, resumable, and acks nothing: whatever reaches her stream
    # stays unacknowledged, and a session that ends puts those in offline storage.
    erin = RawClient("127.0.0.1", port, domain, "erin (XEP-0198, acks nothing)")
    erin.login("erin", password, "lifecycle")
    erin.send(f"<enable xmlns='{SM}' resume='true'/>")
    erin.expect(f"{{{SM}}}enabled")
    erin.send("<presence/>")
    erin.ping("erin-ready")
    print("ok   erin bound, available, with stream management enabled (resumable)")
    # A TCP connection that has sent nothing yet: what it gets is noted, not failed;
    # the checks are for streams that were opened.
    silent = socket.create_connection(("127.0.0.1", port), timeout=10)
    for client in (alice, bob, carol, dave, erin):
        client.poll()  # anything before the burst is not part of the check
    alice_jid, bob_jid = f"alice@{domain}", f"bob@{domain}"

    nonce = os.urandom(4).hex()
    # One message each way the server is known to have handled (the ping after it
    # was answered): these must not be lost.
    confirmed_to_bob = [f"alice to bob, confirmed {nonce}"]
    confirmed_to_alice = [f"bob to alice, confirmed {nonce}"]
    alice.send(message(bob_jid, "ab-confirmed", confirmed_to_bob[0]))
    bob.send(message(alice_jid, "ba-confirmed", confirmed_to_alice[0]))
    to_erin = [f"alice to erin #{i} {nonce}" for i in range(SM_BURST)]
    alice.send("".join(message(f"erin@{domain}", f"ae{i}", b) for i, b in enumerate(to_erin)))
    alice.ping("alice-sent")
    bob.ping("bob-sent")
    # carol writes a burst to dora, who is offline, so each message is a storage
    # write the stream waits for; 50 ms later the server has surely read the whole
    # burst (one 5 KB write on loopback), but not yet stored it all.
    to_dora = [f"carol to dora #{i} {nonce}" for i in range(OFFLINE_BURST)]
    carol.send("".join(message(f"dora@{domain}", f"cd{i}", b) for i, b in enumerate(to_dora)))
    time.sleep(0.05)
    # Then a burst each way written just before the signal, which the server may
    # not have read yet when it closes the streams.
    burst_to_bob = [f"alice to bob #{i} {nonce} <&> é" for i in range(BURST)]
    burst_to_alice = [f"bob to alice #{i} {nonce} ✓" for i in range(BURST)]
    alice.send("".join(message(bob_jid, f"ab{i}", b) for i, b in enumerate(burst_to_bob)))
    bob.send("".join(message(alice_jid, f"ba{i}", b) for i, b in enumerate(burst_to_alice)))
    signalled = time.monotonic()
    server.signal(signal.SIGTERM)
    print(f"--   one confirmed message and a burst of {BURST} each way, then SIGTERM at once (pid {server.pid})")

    endings = {}
    for client in (alice, bob, dave, erin, carol):
        endings[client.name] = read_to_close(client, EXIT_WITHIN_SECONDS)
        if client is not carol:
            client.send("</stream:stream>")  # answers the server's (RFC 6120 §4.4)
    for client in (alice, bob, dave, erin, carol):
        endings[client.name] += read_to_end(client, EXIT_WITHIN_SECONDS)
        client.close(send_closing_tag=False)
    for name, events in endings.items():
        check_shutdown_ending(name, events)
    silent.settimeout(5)
    try:
        raw = silent.recv(4096)
    except OSError as error:
        raw = f"({error})".encode()
    # RFC 6120 §4.9.1.2 has the server open its stream before an error when the
    # peer's header is not in yet; without that the error is not well-formed XML.
    opened = raw.startswith(b"<?xml") or raw.startswith(b"<stream:stream")
    print(f"{'--  ' if opened else 'NOTE'} a connection that had sent nothing got"
          f"{'' if opened else ' an error with no stream header'}: {raw[:300]!r}")
    silent.close()

    status = server.wait(EXIT_WITHIN_SECONDS)
    elapsed = time.monotonic() - signalled
    if not check(status is not None, f"the server exited within {EXIT_WITHIN_SECONDS:.0f} s of SIGTERM"):
        return 1
    check(status == 0, f"exit status 0 after SIGTERM (got {status}, {elapsed:.2f} s after the signal)")

    erin_before = list(erin.log)
    # Everything each read on the first server, pings' waits included.
    before = {"bob": bodies_from(bob.log, alice_jid), "alice": bodies_from(alice.log, bob_jid)}
    server.start()
    alice, bob = RawClient("127.0.0.1", port, domain, "alice"), RawClient("127.0.0.1", port, domain, "bob")
    plan = ((bob, "bob", alice_jid, confirmed_to_bob, burst_to_bob),
            (alice, "alice", bob_jid, confirmed_to_alice, burst_to_alice))
    for client, localpart, sender, confirmed, burst in plan:
        client.login(localpart, password, "after-restart")
        client.send("<presence/>")  # initial presence: offline messages follow (XEP-0160 §4)
        missing = [b for b in confirmed + burst if b not in before[localpart]]
        after = collect_offline(client, sender, missing)
        name = f"{sender.split('@')[0]} to {localpart}"
        after_close = bodies_in(b"".join(raw for kind, raw in endings[localpart] if kind == "after-close"))
        check_no_loss(f"{name}, confirmed", confirmed, before[localpart], after, True, after_close)
        check_no_loss(f"{name}, burst", burst, before[localpart], after, False, after_close)
    dora = RawClient("127.0.0.1", port, domain, "dora")
    dora.login("dora", password, "after-restart")
    dora.send("<presence/>")
    stored = collect_offline(dora, f"carol@{domain}", to_dora)
    check_no_loss("carol to dora (offline), read by the server 50 ms before the signal", to_dora, [], stored, False, [])
    erin = RawClient("127.0.0.1", port, domain, "erin")
    erin.login("erin", password, "after-restart")
    erin.send("<presence/>")
    stored = collect_offline(erin, f"alice@{domain}", to_erin)
    got_before = len(set(bodies_from(erin_before, f"alice@{domain}")) & set(to_erin))
    missing = [b for b in to_erin if b not in stored]
    check(not missing, f"alice to erin: all {SM_BURST} confirmed, never acked messages are in offline storage after "
          f"the restart (what a client did not ack counts as undelivered; {got_before} reached erin before the error, "
          f"{len(stored)} came back)" + (f"; missing {len(missing)}: {missing[:2]}" if missing else ""))
    check(len(stored) == len(set(stored)), "alice to erin: none stored twice")
    for client in (alice, bob, dora, erin):
        client.close()
    server.signal(signal.SIGTERM)
    status = server.wait(EXIT_WITHIN_SECONDS)
    check(status == 0, f"the restarted server also exits with status 0 on SIGTERM (got {status})")
    return checks.exit_status()


if __name__ == "__main__":
    binary, config, port, domain, password, workdir = sys.argv[1:7]
    sys.exit(main(binary, config, int(port), domain, password, workdir))
