#!/usr/bin/env python3
"""Federation interop: one slixmpp client on each of two servers, talking across
the two domains, so every stanza between them crosses a server-to-server link:
the subscription dance, rosters, presence coming and going, chat both ways,
bounces for a missing remote user and a missing domain, and IQs to the remote
server and the remote account.

Usage: federation_check.py HOSTA JIDA HOSTB JIDB PASSWORD [--tag TEXT]
HOST is a server's c2s address, IP or IP:PORT (port 5222 by default); each
client connects there by address, so no DNS is needed on the client side.
Prints `ok <check>` or `FAILED <check>: reason` per check (TEXT, if given, goes
after ok/FAILED), exits 0 when every check passed. The whole run is bounded by
a deadline, so a server that never answers fails the run instead of hanging it.
"""
import argparse
import asyncio
import logging
import os
import sys
import uuid

import slixmpp

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from starttls_client import use_starttls_without_verification  # noqa: E402
from slixmpp.exceptions import IqError, IqTimeout

DEADLINE = 60.0   # seconds for the whole run
STEP = 15.0       # seconds for one step; the first s2s link (and dialback) is set up within one
BOUNCES = {"service-unavailable", "item-not-found"}


class Client(slixmpp.ClientXMPP):
    def __init__(self, jid, password, status):
        super().__init__(jid, password, sasl_mech="SCRAM-SHA-1")
        for plugin in ("xep_0030", "xep_0199"):
            self.register_plugin(plugin)
        # The subscription dance is done by hand below, not by slixmpp's automatic answers.
        self.auto_authorize = None
        self.auto_subscribe = False
        self.status = status
        self.presences = []           # (full JID, "available"/"unavailable", status text)
        self.messages = []            # (bare JID, body)
        self.errors = []              # (bare JID it came from, condition)
        self.subscribe_requests = []  # bare JIDs
        self.ready = asyncio.Event()
        self.auth_failed = False
        use_starttls_without_verification(self)
        self.add_event_handler("session_start", self.on_start)
        self.add_event_handler("failed_auth", self.on_failed_auth)
        self.add_event_handler("message", self.on_message)
        self.add_event_handler("message_error", lambda m: self.errors.append((m["from"].bare, m["error"]["condition"])))
        self.add_event_handler("presence_subscribe", lambda p: self.subscribe_requests.append(p["from"].bare))
        self.add_event_handler("presence_available", lambda p: self.presences.append((str(p["from"]), "available", p["status"])))
        self.add_event_handler("presence_unavailable", lambda p: self.presences.append((str(p["from"]), "unavailable", p["status"])))

    async def on_start(self, _event):
        await self.get_roster()
        self.send_presence(pstatus=self.status)
        self.ready.set()

    def on_failed_auth(self, _event):
        self.auth_failed = True
        self.ready.set()

    def on_message(self, message):
        if message["type"] in ("chat", "normal"):
            self.messages.append((message["from"].bare, message["body"]))

    def subscription(self, jid):
        return self.client_roster[jid]["subscription"] if jid in self.client_roster else "none"

    def saw(self, jid, kind, status=None):
        """Whether a presence of this kind came from a resource of `jid` (with this status, if given)."""
        return any(slixmpp.JID(full).bare == jid and seen_kind == kind and (status is None or seen_status == status)
                   for full, seen_kind, seen_status in self.presences)


async def wait_for(predicate, seconds=STEP):
    for _ in range(int(seconds * 20)):
        if predicate():
            return True
        await asyncio.sleep(0.05)
    return predicate()


class Checks:
    def __init__(self, tag):
        self.tag = f"{tag}: " if tag else ""
        self.failures = 0

    def check(self, ok, name, reason=""):
        if ok:
            print(f"ok {self.tag}{name}", flush=True)
        else:
            self.failures += 1
            print(f"FAILED {self.tag}{name}: {reason or 'timed out'}", flush=True)
        return ok


def address(text):
    host, _, port = text.partition(":")
    return host, int(port or 5222)


async def connect(jid, password, where, status):
    client = Client(jid, password, status)
    host, port = address(where)
    client.connect(host=host, port=port)
    try:
        await asyncio.wait_for(client.ready.wait(), STEP)
    except asyncio.TimeoutError:
        return None, f"no session with {host}:{port} within {STEP:.0f} s"
    if client.auth_failed:
        return None, "authentication failed"
    return client, ""


async def subscribe_both_ways(checks, a, b):
    """The RFC 6121 dance by hand: A asks, B approves and asks back, A approves."""
    ja, jb = a.boundjid.bare, b.boundjid.bare
    a.send_presence(pto=jb, ptype="subscribe")
    checks.check(await wait_for(lambda: ja in b.subscribe_requests), f"{jb} got the subscription request from {ja}")
    b.send_presence(pto=ja, ptype="subscribed")
    b.send_presence(pto=ja, ptype="subscribe")
    checks.check(await wait_for(lambda: jb in a.subscribe_requests), f"{ja} got the subscription request from {jb}")
    a.send_presence(pto=jb, ptype="subscribed")
    both = await wait_for(lambda: a.subscription(jb) == "both" and b.subscription(ja) == "both")
    checks.check(both, "both rosters show subscription 'both'",
                 f"{ja} has {a.subscription(jb)!r}, {jb} has {b.subscription(ja)!r}")


async def presence_round_trip(checks, a, b, jid_b, password, host_b):
    """Fresh statuses both ways, B leaves, A sees it, B returns and both see each other again."""
    ja, jb = a.boundjid.bare, b.boundjid.bare
    a.send_presence(pstatus=f"{ja} is here")
    b.send_presence(pstatus=f"{jb} is here")
    checks.check(await wait_for(lambda: a.saw(jb, "available", f"{jb} is here")), f"{ja} sees {jb} available with its status")
    checks.check(await wait_for(lambda: b.saw(ja, "available", f"{ja} is here")), f"{jb} sees {ja} available with its status")

    b.disconnect()
    checks.check(await wait_for(lambda: a.saw(jb, "unavailable")), f"{ja} sees {jb} go unavailable")

    a.presences.clear()
    b, reason = await connect(jid_b, password, host_b, f"{jb} is back")
    if not checks.check(b is not None, f"{jb} logs in again", reason):
        return None
    checks.check(await wait_for(lambda: a.saw(jb, "available", f"{jb} is back")), f"{ja} sees {jb} available again")
    # B's server probes A's on login: A's current presence must come back over s2s.
    checks.check(await wait_for(lambda: b.saw(ja, "available", f"{ja} is here")), f"{jb} gets {ja}'s presence after logging in (probe)")
    return b


async def chat_both_ways(checks, a, b):
    for sender, receiver in ((a, b), (b, a)):
        body = f"hello from {sender.boundjid.bare}, ünïcode ✓ {uuid.uuid4().hex[:8]}"
        sender.send_message(mto=receiver.boundjid.bare, mbody=body, mtype="chat")
        got = await wait_for(lambda: (sender.boundjid.bare, body) in receiver.messages)
        checks.check(got, f"chat {sender.boundjid.bare} -> {receiver.boundjid.bare} arrived with the same body",
                     f"received {receiver.messages[-3:]!r}")


async def bounces(checks, a, b):
    """Errors must come back to the sender instead of the message vanishing."""
    for sender, remote in ((a, b.boundjid.domain), (b, a.boundjid.domain)):
        nobody = f"nobody-{uuid.uuid4().hex[:6]}@{remote}"
        sender.send_message(mto=nobody, mbody="anyone there?", mtype="chat")
        got = await wait_for(lambda: any(who == nobody and cond in BOUNCES for who, cond in sender.errors))
        checks.check(got, f"message from {sender.boundjid.bare} to a missing user {nobody} bounced",
                     f"errors seen: {sender.errors!r}")
    for sender in (a, b):
        nowhere = f"someone@nowhere-{uuid.uuid4().hex[:6]}.invalid"
        sender.send_message(mto=nowhere, mbody="hello?", mtype="chat")
        got = await wait_for(lambda: (nowhere, "remote-server-not-found") in sender.errors)
        checks.check(got, f"message from {sender.boundjid.bare} to {nowhere} bounced with remote-server-not-found",
                     f"errors seen: {sender.errors!r}")


async def iqs(checks, a, b):
    """IQs answered across the link: ping the remote server and the remote account, disco the server."""
    for sender, receiver in ((a, b), (b, a)):
        for target in (receiver.boundjid.domain, receiver.boundjid.bare):
            try:
                await sender.plugin["xep_0199"].send_ping(target, timeout=STEP)
                checks.check(True, f"{sender.boundjid.bare} pinged {target}")
            except (IqError, IqTimeout) as error:
                checks.check(False, f"{sender.boundjid.bare} pinged {target}", describe(error))
        try:
            info = await sender.plugin["xep_0030"].get_info(jid=receiver.boundjid.domain, local=False, timeout=STEP)
            features = info["disco_info"]["features"]
            checks.check("urn:xmpp:ping" in features, f"{sender.boundjid.bare} read disco#info of {receiver.boundjid.domain}",
                         f"features {sorted(features)!r}")
        except (IqError, IqTimeout) as error:
            checks.check(False, f"{sender.boundjid.bare} read disco#info of {receiver.boundjid.domain}", describe(error))


def describe(error):
    if isinstance(error, IqTimeout):
        return "no answer"
    return f"error {error.iq['error']['condition']}"


async def run(checks, host_a, jid_a, host_b, jid_b, password):
    a, reason = await connect(jid_a, password, host_a, f"{jid_a} is up")
    if not checks.check(a is not None, f"{jid_a} logged in at {host_a}", reason):
        return []
    b, reason = await connect(jid_b, password, host_b, f"{jid_b} is up")
    if not checks.check(b is not None, f"{jid_b} logged in at {host_b}", reason):
        return [a]
    await subscribe_both_ways(checks, a, b)
    b = await presence_round_trip(checks, a, b, jid_b, password, host_b)
    if b is None:
        return [a]
    await chat_both_ways(checks, a, b)
    await bounces(checks, a, b)
    await iqs(checks, a, b)
    return [a, b]


async def main(args):
    checks = Checks(args.tag)
    clients = []
    task = asyncio.ensure_future(run(checks, args.host_a, args.jid_a, args.host_b, args.jid_b, args.password))
    try:
        clients = await asyncio.wait_for(asyncio.shield(task), DEADLINE)
    except asyncio.TimeoutError:
        checks.check(False, "deadline", f"the checks did not finish within {DEADLINE:.0f} s")
        task.cancel()
    for client in clients:
        client.disconnect()
    await asyncio.sleep(0.3)
    return 0 if checks.failures == 0 else 1


if __name__ == "__main__":
    logging.basicConfig(level=logging.CRITICAL)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("host_a", "jid_a", "host_b", "jid_b", "password"):
        parser.add_argument(name)
    parser.add_argument("--tag", default="", help="text printed after ok/FAILED on every line")
    sys.exit(asyncio.run(main(parser.parse_args())))
