#!/usr/bin/env python3
"""Interop: two slixmpp clients log in to a running Needletail with SCRAM-SHA-1
over STARTTLS, exchange messages both ways, and check every one arrived intact.

Usage: slixmpp_chat.py HOST PORT JID1 JID2 PASSWORD
Exit status 0 on success; a line per check is printed either way.
"""
import asyncio
import logging
import sys

import slixmpp

from starttls_client import use_starttls_without_verification

MESSAGES = 5


class Client(slixmpp.ClientXMPP):
    def __init__(self, jid, password):
        super().__init__(jid, password, sasl_mech="SCRAM-SHA-1")
        self.received = []
        self.ready = asyncio.Event()
        self.failed = None
        use_starttls_without_verification(self)
        self.add_event_handler("session_start", self.on_start)
        self.add_event_handler("message", self.on_message)
        self.add_event_handler("failed_auth", self.on_failed)

    async def on_start(self, _event):
        self.send_presence()
        self.ready.set()

    def on_message(self, message):
        if message["type"] in ("chat", "normal"):
            self.received.append((str(message["from"]), message["body"]))

    def on_failed(self, _event):
        self.failed = "authentication failed"
        self.ready.set()


async def wait_for(predicate, seconds=10.0):
    for _ in range(int(seconds * 20)):
        if predicate():
            return True
        await asyncio.sleep(0.05)
    return predicate()


async def main(host, port, jid1, jid2, password):
    first, second = Client(jid1, password), Client(jid2, password)
    for client in (first, second):
        client.connect(host=host, port=port)
    for client in (first, second):
        await asyncio.wait_for(client.ready.wait(), 15)
        if client.failed:
            print(f"FAIL {client.boundjid}: {client.failed}")
            return 1
        print(f"ok   {client.boundjid} logged in with SCRAM-SHA-1 over STARTTLS")
    await asyncio.sleep(0.3)

    for index in range(MESSAGES):
        first.send_message(mto=jid2, mbody=f"from one #{index} <&> é", mtype="chat")
        second.send_message(mto=jid1, mbody=f"from two #{index} 🎉", mtype="chat")

    ok = await wait_for(lambda: len(first.received) >= MESSAGES and len(second.received) >= MESSAGES)
    expected_at_second = [f"from one #{i} <&> é" for i in range(MESSAGES)]
    expected_at_first = [f"from two #{i} 🎉" for i in range(MESSAGES)]
    bodies_at_second = [body for _, body in second.received]
    bodies_at_first = [body for _, body in first.received]
    failures = 0
    for name, got, want in (("second", bodies_at_second, expected_at_second), ("first", bodies_at_first, expected_at_first)):
        if got == want:
            print(f"ok   {name} client received {len(got)} messages in order, intact")
        else:
            print(f"FAIL {name} client received {got!r}, expected {want!r}")
            failures += 1
    senders = {sender.split("/")[0] for sender, _ in second.received}
    if senders == {jid1}:
        print("ok   'from' stamped with the sender's JID")
    else:
        print(f"FAIL unexpected senders {senders!r}")
        failures += 1
    for client in (first, second):
        client.disconnect()
    await asyncio.sleep(0.5)
    return 0 if ok and failures == 0 else 1


if __name__ == "__main__":
    logging.basicConfig(level=logging.ERROR)
    host, port, jid1, jid2, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
    sys.exit(asyncio.run(main(host, port, jid1, jid2, password)))
