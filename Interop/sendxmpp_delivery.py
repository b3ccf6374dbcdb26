#!/usr/bin/env python3
"""Interop: a message sent with Debian's go-sendxmpp (a client nobody here wrote,
speaking STARTTLS and SCRAM) through a running Needletail arrives at a slixmpp
client logged in as the recipient.

Usage: sendxmpp_delivery.py HOST PORT SENDER RECIPIENT PASSWORD
"""
import asyncio
import logging
import ssl
import subprocess
import sys

import slixmpp


class Receiver(slixmpp.ClientXMPP):
    def __init__(self, jid, password):
        super().__init__(jid, password)
        self.received = []
        self.ready = asyncio.Event()
        self.ssl_context = ssl.create_default_context()
        self.ssl_context.check_hostname = False
        self.ssl_context.verify_mode = ssl.CERT_NONE
        self.enable_direct_tls = False
        self.add_event_handler("session_start", self.on_start)
        self.add_event_handler("message", lambda message: self.received.append(message))

    async def on_start(self, _event):
        # Priority 1, so messages to the bare JID come here (RFC 6121 §8.5.2.1.1).
        self.send_presence(ppriority=1)
        self.ready.set()


async def main(host, port, sender, recipient, password):
    receiver = Receiver(recipient, password)
    receiver.connect(host=host, port=port)
    await asyncio.wait_for(receiver.ready.wait(), 15)
    await asyncio.sleep(0.3)
    text = "sent with go-sendxmpp ✓"
    process = await asyncio.create_subprocess_exec(
        "go-sendxmpp", "-u", sender, "-p", password, "-j", f"{host}:{port}", "-n", recipient,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output, _ = await asyncio.wait_for(process.communicate(text.encode()), 30)
    if process.returncode != 0:
        print(f"FAIL go-sendxmpp exited with {process.returncode}: {output.decode(errors='replace')}")
        return 1
    print("ok   go-sendxmpp logged in and sent")
    for _ in range(200):
        if receiver.received:
            break
        await asyncio.sleep(0.05)
    receiver.disconnect()
    bodies = [message["body"] for message in receiver.received]
    if bodies == [text] and str(receiver.received[0]["from"]).startswith(sender + "/"):
        print("ok   the message arrived intact, from the sender's full JID")
        return 0
    print(f"FAIL received {bodies!r}")
    return 1


if __name__ == "__main__":
    logging.basicConfig(level=logging.ERROR)
    host, port, sender, recipient, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
    sys.exit(asyncio.run(main(host, port, sender, recipient, password)))
