#!/usr/bin/env python3
"""Interop: instant messaging and presence with slixmpp clients against a running
Needletail: roster, the subscription dance between two clients, presence on
login and logout, offline delivery with delay stamps, vCard, blocking and ping.

Usage: slixmpp_im.py HOST PORT DOMAIN JID1 JID2 PASSWORD
Exit status 0 on success; a line per check is printed either way.
"""
import asyncio
import logging
import sys

import slixmpp

from starttls_client import use_starttls_without_verification


class Client(slixmpp.ClientXMPP):
    def __init__(self, jid, password):
        super().__init__(jid, password, sasl_mech="SCRAM-SHA-1")
        for plugin in ("xep_0030", "xep_0054", "xep_0191", "xep_0199", "xep_0203"):
            self.register_plugin(plugin)
        # The dance is done by hand below, not by slixmpp's automatic answers.
        self.auto_authorize = None
        self.auto_subscribe = False
        self.messages = []
        self.errors = []
        self.subscribe_requests = []
        self.offline_seen = []
        self.ready = asyncio.Event()
        use_starttls_without_verification(self)
        self.add_event_handler("session_start", self.on_start)
        self.add_event_handler("message", self.on_message)
        self.add_event_handler("message_error", lambda m: self.errors.append(m["error"]["condition"]))
        self.add_event_handler("presence_subscribe", lambda p: self.subscribe_requests.append(p["from"].bare))
        self.add_event_handler("got_offline", lambda p: self.offline_seen.append(str(p["from"])))

    async def on_start(self, _event):
        await self.get_roster()
        self.send_presence()
        self.ready.set()

    def on_message(self, message):
        if message["type"] in ("chat", "normal"):
            stamp = message["delay"]["stamp"] if message.xml.find("{urn:xmpp:delay}delay") is not None else None
            self.messages.append((message["from"].bare, message["body"], stamp))


async def wait_for(predicate, seconds=10.0):
    for _ in range(int(seconds * 20)):
        if predicate():
            return True
        await asyncio.sleep(0.05)
    return predicate()


class Checks:
    def __init__(self):
        self.failures = 0

    def check(self, ok, text):
        print(("ok   " if ok else "FAIL ") + text)
        if not ok:
            self.failures += 1


async def connect(jid, password, host, port):
    client = Client(jid, password)
    client.connect(host=host, port=port)
    await asyncio.wait_for(client.ready.wait(), 15)
    return client


async def main(host, port, domain, jid1, jid2, password):
    checks = Checks()
    juliet = await connect(jid1, password, host, port)
    romeo = await connect(jid2, password, host, port)
    checks.check(True, "both clients logged in, fetched their rosters and sent presence")

    # Roster: an item with a name and a group, pushed and read back.
    await juliet.update_roster(jid2, name="Romeo", groups=["Montagues"])
    ok = await wait_for(lambda: jid2 in juliet.client_roster and juliet.client_roster[jid2]["name"] == "Romeo")
    checks.check(ok and juliet.client_roster[jid2]["groups"] == ["Montagues"], "roster set pushed with name and group")

    # The subscription dance, by hand on both sides.
    juliet.send_presence(pto=jid2, ptype="subscribe")
    checks.check(await wait_for(lambda: jid1 in romeo.subscribe_requests), "romeo received juliet's subscription request")
    romeo.send_presence(pto=jid1, ptype="subscribed")
    romeo.send_presence(pto=jid1, ptype="subscribe")
    checks.check(await wait_for(lambda: jid2 in juliet.subscribe_requests), "juliet received romeo's request")
    juliet.send_presence(pto=jid2, ptype="subscribed")
    both = await wait_for(lambda: juliet.client_roster[jid2]["subscription"] == "both"
                          and romeo.client_roster[jid1]["subscription"] == "both")
    checks.check(both, "both rosters reached subscription 'both'")
    seen = await wait_for(lambda: len(juliet.client_roster[jid2].resources) > 0 and len(romeo.client_roster[jid1].resources) > 0)
    checks.check(seen, "each sees the other's presence")

    # Presence going away: romeo's connection drops.
    romeo_full = str(romeo.boundjid)
    romeo.transport.abort()
    checks.check(await wait_for(lambda: romeo_full in juliet.offline_seen), "juliet saw romeo go unavailable after a TCP drop")

    # Offline delivery, in order, with delay stamps.
    for index in range(3):
        juliet.send_message(mto=jid2, mbody=f"while you were away #{index}", mtype="chat")
    await asyncio.sleep(0.5)
    romeo = await connect(jid2, password, host, port)
    ok = await wait_for(lambda: len(romeo.messages) >= 3)
    bodies = [body for _, body, _ in romeo.messages]
    checks.check(ok and bodies == [f"while you were away #{i}" for i in range(3)], f"offline messages delivered in order: {bodies!r}")
    checks.check(all(stamp is not None for _, _, stamp in romeo.messages[:3]), "each carries an XEP-0203 delay stamp")

    # vCard: set by juliet, read by romeo.
    vcard = juliet.plugin["xep_0054"].make_vcard()
    vcard["FN"] = "Juliet Capulet"
    await juliet.plugin["xep_0054"].publish_vcard(vcard)
    answer = await romeo.plugin["xep_0054"].get_vcard(jid1, cached=False, local=False)
    checks.check(answer["vcard_temp"]["FN"] == "Juliet Capulet", "romeo read juliet's vCard")

    # Blocking: romeo blocks juliet; her message is refused and never arrives.
    await romeo.plugin["xep_0191"].block([jid1])
    blocked = await romeo.plugin["xep_0191"].get_blocked()
    items = {item.xml.get("jid") if hasattr(item, "xml") else str(item) for item in blocked["blocklist"]["items"]}
    checks.check(jid1 in items, f"the blocklist holds juliet: {sorted(items)!r}")
    before = len(romeo.messages)
    juliet.send_message(mto=jid2, mbody="are you there?", mtype="chat")
    checks.check(await wait_for(lambda: "service-unavailable" in juliet.errors), "juliet's message to romeo bounced")
    await asyncio.sleep(0.3)
    checks.check(len(romeo.messages) == before, "romeo received nothing from juliet")
    await romeo.plugin["xep_0191"].unblock([jid1])
    juliet.send_message(mto=jid2, mbody="now?", mtype="chat")
    checks.check(await wait_for(lambda: any(body == "now?" for _, body, _ in romeo.messages)), "after unblocking her message arrives")

    # Ping the server (XEP-0199).
    rtt = await juliet.plugin["xep_0199"].ping(jid=domain, timeout=5)
    checks.check(rtt is not None, f"the server answered a ping in {rtt * 1000:.1f} ms")

    for client in (juliet, romeo):
        client.disconnect()
    await asyncio.sleep(0.5)
    return 0 if checks.failures == 0 else 1


if __name__ == "__main__":
    logging.basicConfig(level=logging.ERROR)
    host, port, domain, jid1, jid2, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
    sys.exit(asyncio.run(main(host, port, domain, jid1, jid2, password)))
