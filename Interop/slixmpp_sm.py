#!/usr/bin/env python3
"""Interop: XEP-0198 stream management with slixmpp's own implementation.

A slixmpp client enables resumable stream management; another sends it a
burst of messages; a third of the way through, the receiver's TCP connection
is dropped (no </stream:stream>). The receiver reconnects and resumes the
session (slixmpp sends <resume/> with its count), and every message must
arrive exactly once, in order.

Usage: slixmpp_sm.py HOST PORT RECEIVER_JID SENDER_JID PASSWORD
Exit status 0 on success; a line per check is printed either way.
"""
import asyncio
import logging
import sys

import slixmpp

from starttls_client import use_starttls_without_verification

MESSAGES = 300


class Client(slixmpp.ClientXMPP):
    def __init__(self, jid, password, stream_management):
        super().__init__(jid, password, sasl_mech="SCRAM-SHA-1")
        use_starttls_without_verification(self)
        self.bodies = []
        self.ready = asyncio.Event()
        self.resumed = asyncio.Event()
        self.gone = asyncio.Event()
        self.enabled = None
        if stream_management:
            self.register_plugin("xep_0198")
            self.add_event_handler("sm_enabled", self.on_enabled)
            self.add_event_handler("session_resumed", lambda _e: self.resumed.set())
        self.add_event_handler("session_start", self.on_start)
        self.add_event_handler("message", self.on_message)
        self.add_event_handler("disconnected", lambda _e: self.gone.set())

    def on_enabled(self, stanza):
        self.enabled = stanza

    async def on_start(self, _event):
        self.send_presence()
        self.ready.set()

    def on_message(self, message):
        if message["type"] == "chat" and message["body"].startswith("burst "):
            self.bodies.append(message["body"])


async def wait_for(predicate, seconds=20.0):
    for _ in range(int(seconds * 20)):
        if predicate():
            return True
        await asyncio.sleep(0.05)
    return predicate()


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    return ok


async def main(host, port, receiver_jid, sender_jid, password):
    receiver = Client(receiver_jid, password, stream_management=True)
    sender = Client(sender_jid, password, stream_management=False)
    for client in (receiver, sender):
        client.connect(host=host, port=port)
    await asyncio.wait_for(asyncio.gather(receiver.ready.wait(), sender.ready.wait()), 20)
    passed = check(await wait_for(lambda: receiver.enabled is not None), "the server enabled stream management")
    sm = receiver.plugin["xep_0198"]
    passed &= check(bool(sm.sm_id) and receiver.enabled["resume"], "with resumption and an SM-ID")

    full = receiver.boundjid.full
    for index in range(MESSAGES):
        sender.send_message(mto=full, mbody=f"burst {index}", mtype="chat")
        if index == MESSAGES // 3:
            # Dropped mid-burst: the transport closes, no closing stream tag.
            await wait_for(lambda: len(receiver.bodies) >= MESSAGES // 6, 10)
            receiver.gone.clear()
            receiver.abort()
            await asyncio.wait_for(receiver.gone.wait(), 10)
            receiver.connect(host=host, port=port)
    passed &= check(await wait_for(receiver.resumed.is_set), "the session was resumed (<resumed/>)")
    await wait_for(lambda: len(receiver.bodies) >= MESSAGES)
    await asyncio.sleep(0.5)
    expected = [f"burst {index}" for index in range(MESSAGES)]
    passed &= check(len(receiver.bodies) == MESSAGES,
                    f"{len(receiver.bodies)} of {MESSAGES} messages arrived (no loss, no duplicates)")
    passed &= check(receiver.bodies == expected, "in the order they were sent")
    passed &= check(receiver.boundjid.full == full, "under the same full JID")
    for client in (receiver, sender):
        client.disconnect()
    return passed


if __name__ == "__main__":
    logging.basicConfig(level=logging.ERROR)
    host, port, receiver_jid, sender_jid, password = sys.argv[1:6]
    ok = asyncio.run(main(host, int(port), receiver_jid, sender_jid, password))
    sys.exit(0 if ok else 1)
