#!/usr/bin/env python3
"""What the server acknowledged survives SIGKILL.

A sender with stream management (XEP-0198) on streams chat messages to an
account that is offline, so each goes to offline storage, and asks for acks
(`<r/>`) as it goes. The server answers `<a h='N'/>` only once the storage work
of the first N stanzas is committed, so each acked message must be on disk. The
server is killed with SIGKILL at a different point each round (right after an
ack, half way through writing a stanza, between an `<r/>` and its answer, after
a random delay, after the round's last ack), then started again. At the end the
receiver logs in, and every acked message must arrive exactly once with its
exact body; unacked ones may or may not arrive, but never twice, and only as a
prefix of what was sent (the server stores a stream's stanzas in order).

Usage: kill_durability.py NEEDLETAIL CONFIG PORT DOMAIN PASSWORD WORKDIR [--acks-by-ping]
(accounts sender and receiver must exist, the data directory must be
WORKDIR/data; see `Sender` for --acks-by-ping). Exit status 0 when every check
passes, 77 when the server refuses `<enable/>` (no XEP-0198 yet), 1 otherwise.
LIFECYCLE_SEED=n replays a run's kill points.
"""
import os
import random
import signal
import sys
import time
import xml.etree.ElementTree as ET

from raw_client import CLIENT, SM, STREAMS, RawClient, StreamClosed, body_of, escape
import checks
from checks import check
from server_process import ServerProcess

MESSAGES_PER_ROUND = 500
# Unacked messages in flight at most; the sender waits for an ack past it.
WINDOW = 120
SKIPPED = 77
STANZAS = {f"{{{CLIENT}}}message", f"{{{CLIENT}}}presence", f"{{{CLIENT}}}iq"}


class SMRefused(Exception):
    pass


class Round:
    """One server lifetime: the messages sent, the highest h acked, and how the
    server was killed."""

    def __init__(self, number, plan, nonce):
        self.number = number
        self.plan = plan  # (name, kill point)
        self.bodies = [f"round {number} message {i} {nonce} <&>'\" é 🎉" for i in range(MESSAGES_PER_ROUND)]
        self.ids = [f"r{number}-{i}-{nonce}" for i in range(MESSAGES_PER_ROUND)]
        self.sent = 0  # complete stanzas written
        self.acked = 0
        self.ack_problems = []

    def stanza(self, index, to):
        return (f"<message to='{to}' type='chat' id='{self.ids[index]}'>"
                f"<body>{escape(self.bodies[index])}</body></message>")


class Sender:
    """The sender's stream: SM enabled, counting acks and answering the
    server's own `<r/>`.

    With `acks_by_ping`, an answered XEP-0199 ping stands in for `<a/>`: the
    server handles a stream's stanzas in order and holds the stream while a
    stanza's storage work runs, so the answer to a ping sent after N messages
    also means those N are committed. That runs the rounds on a server without
    XEP-0198 (`--acks-by-ping`), to try this script; CI uses real acks."""

    def __init__(self, client, current, acks_by_ping):
        self.client = client
        self.round = current
        self.acks_by_ping = acks_by_ping
        self.handled_from_server = 0

    def ack_request(self, sent):
        if self.acks_by_ping:
            return f"<iq type='get' id='ack-{sent}' to='{escape(self.client.domain)}'><ping xmlns='urn:xmpp:ping'/></iq>"
        return f"<r xmlns='{SM}'/>"

    def enable(self):
        if self.acks_by_ping:
            return
        self.client.send(f"<enable xmlns='{SM}'/>")
        while True:
            element = self.client.next_element()
            if element.tag == f"{{{SM}}}enabled":
                return
            if element.tag in (f"{{{SM}}}failed", f"{{{STREAMS}}}error"):
                raise SMRefused(ET.tostring(element).decode())

    def take(self, events):
        """Handles what was read: acks raise the round's count."""
        for kind, element in events:
            if kind != "element":
                continue
            if element.tag == f"{{{SM}}}a":
                h = int(element.get("h", "-1"))
                if h < self.round.acked or h > self.round.sent:
                    self.round.ack_problems.append(f"h={h} after h={self.round.acked} with {self.round.sent} sent")
                self.round.acked = max(self.round.acked, h)
            elif element.tag == f"{{{SM}}}r":
                self.client.send(f"<a xmlns='{SM}' h='{self.handled_from_server}'/>")
            elif element.tag in STANZAS:
                self.handled_from_server += 1
                ident = element.get("id") or ""
                if self.acks_by_ping and element.get("type") == "result" and ident.startswith("ack-"):
                    self.round.acked = max(self.round.acked, int(ident[4:]))
                if element.get("type") == "error":
                    self.round.ack_problems.append(f"error stanza {ET.tostring(element).decode()[:200]}")

    def poll(self):
        self.take(self.client.poll())

    def wait_for_ack(self, at_least, timeout=20.0):
        deadline = time.monotonic() + timeout
        while self.round.acked < at_least:
            self.take([self.client.next_event(max(0.0, deadline - time.monotonic()))])


def plans(rng):
    """The kill point of each round: (what happens, after how many messages)."""
    # Past WINDOW messages the sender has waited for an ack, so each round below
    # has something acked to check, however slow the disk.
    acked_by_then = (WINDOW + 30, MESSAGES_PER_ROUND - 20)
    return [
        ("right after an ack arrives", rng.randint(40, 460)),
        ("half way through writing a stanza, in a burst", rng.randint(*acked_by_then)),
        ("after <r/>, before its answer", rng.randint(*acked_by_then)),
        ("after a random delay (ms)", rng.randint(20, 400)),
        ("right after the first ack", 1),
        ("right after the round's last ack", MESSAGES_PER_ROUND),
    ]


def stream_until_killed(server, sender, current, to, rng):
    """Writes the round's messages in bursts of random size, each followed by
    `<r/>`, and SIGKILLs the server at the round's kill point."""
    name, point = current.plan
    client = sender.client
    started = time.monotonic()
    while current.sent < MESSAGES_PER_ROUND:
        count = min(rng.randint(1, 25), MESSAGES_PER_ROUND - current.sent)
        first = current.sent
        if name.startswith("half way") and first < point <= first + count:
            stanzas = "".join(current.stanza(i, to) for i in range(first, point))
            partial = current.stanza(point, to) if point < MESSAGES_PER_ROUND else ""
            client.send(stanzas + partial[: len(partial) // 2])
            current.sent = point
            server.kill()
            return
        client.send("".join(current.stanza(i, to) for i in range(first, first + count)) + sender.ack_request(first + count))
        current.sent += count
        if name.startswith("after <r/>") and current.sent >= point:
            server.kill()
            return
        if name.startswith("after a random delay") and time.monotonic() - started >= point / 1000:
            server.kill()
            return
        sender.poll()
        if name.startswith("right after") and current.acked >= point:
            server.kill()
            return
        while current.sent - current.acked > WINDOW:
            sender.wait_for_ack(current.acked + 1)
            if name.startswith("right after") and current.acked >= point:
                server.kill()
                return
    # Everything is written: wait for the last ack (the "last ack" round's kill
    # point), or kill now for a round whose point was not reached.
    if name.startswith("right after"):
        sender.wait_for_ack(min(point, current.sent))
    server.kill()


def drain_after_kill(sender):
    """Acks the server wrote before it died still count: they were sent."""
    try:
        while True:
            sender.take([sender.client.next_event(2.0)])
    except (StreamClosed, TimeoutError):
        pass


def receive_all(client, quiet_seconds=3.0, limit_seconds=120.0):
    """Messages arriving after initial presence, until none came for a while."""
    got = []
    deadline = time.monotonic() + limit_seconds
    last = time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - last < quiet_seconds:
        try:
            kind, element = client.next_event(0.25)
        except TimeoutError:
            continue
        except StreamClosed:
            break
        if kind == "element" and element.tag == f"{{{CLIENT}}}message":
            got.append((element.get("id"), body_of(element)))
            last = time.monotonic()
    return got


def judge(rounds, delivered):
    """The per-round counts and the checks on them."""
    by_body = {}
    for round_ in rounds:
        for index, body in enumerate(round_.bodies):
            by_body[body] = (round_, index)
    unknown = [body for _, body in delivered if body not in by_body]
    check(not unknown, f"every delivered message is one that was sent ({len(unknown)} unknown: {unknown[:2]})")
    bodies = [body for _, body in delivered]
    duplicated = sorted({b for b in bodies if bodies.count(b) > 1})
    check(not duplicated, f"no message delivered twice ({len(duplicated)} were: {duplicated[:2]})")
    print(f"{'round':>5} {'kill point':<52} {'sent':>5} {'acked':>5} {'delivered':>9} {'acked ok':>8} {'unacked':>7}")
    for round_ in rounds:
        indices = [by_body[b][1] for b in bodies if b in by_body and by_body[b][0] is round_]
        ids = {by_body[b][1]: i for i, b in delivered if b in by_body and by_body[b][0] is round_}
        acked_delivered = sorted({i for i in indices if i < round_.acked})
        unacked = sorted({i for i in indices if i >= round_.acked})
        name, point = round_.plan
        print(f"{round_.number:>5} {f'{name} {point}':<52} {round_.sent:>5} {round_.acked:>5} "
              f"{len(indices):>9} {len(acked_delivered):>8} {len(unacked):>7}")
        missing = [i for i in range(round_.acked) if i not in set(acked_delivered)]
        check(not missing, f"round {round_.number}: all {round_.acked} acked messages delivered with their exact body"
              + (f"; missing {len(missing)}, first index {missing[0]}" if missing else ""))
        wrong_ids = [i for i, ident in ids.items() if ident != round_.ids[i]]
        check(not wrong_ids, f"round {round_.number}: each delivered message kept its id" +
              (f" ({len(wrong_ids)} did not)" if wrong_ids else ""))
        check(indices == sorted(indices), f"round {round_.number}: delivered in the order sent")
        distinct = sorted(set(indices))
        check(distinct == list(range(len(distinct))),
              f"round {round_.number}: what was stored is a prefix of what was sent (no hole)")
        check(not round_.ack_problems, f"round {round_.number}: acks grow and never pass what was sent, no error stanza"
              + (f" ({round_.ack_problems[:2]})" if round_.ack_problems else ""))
        if not name.startswith("after a random delay"):  # which may come before any ack
            check(round_.acked > 0, f"round {round_.number}: at least one ack before the kill")


def check_wal(database):
    """The file is in WAL mode: bytes 18 and 19 of the header (the write and read
    format versions) are 2 (https://sqlite.org/fileformat2.html#the_database_header).
    Read from the file, not through SQLite, so the check cannot checkpoint or
    recover anything. `synchronous = FULL` is per connection and cannot be seen
    from outside; NeedletailStorageTests reads it back from the writer."""
    with open(database, "rb") as file:
        header = file.read(20)
    check(header[18:20] == b"\x02\x02", f"the database file is in WAL mode (header bytes 18-19: {list(header[18:20])})")


def main(binary, config, port, domain, password, workdir, acks_by_ping):
    seed = int(os.environ.get("LIFECYCLE_SEED", random.SystemRandom().randint(0, 2**31)))
    print(f"--   seed {seed} (LIFECYCLE_SEED={seed} replays these kill points)")
    rng = random.Random(seed)
    server = ServerProcess(binary, config, port, os.path.join(workdir, "kill-server.log"),
                           os.path.join(workdir, "kill-server.pid"))
    try:
        status = run(server, port, domain, password, rng, acks_by_ping)
    finally:
        server.kill()
    if status == 1:
        print("server log (last 60 lines):")
        print("\n".join(server.log_text().splitlines()[-60:]))
    return status


def run(server, port, domain, password, rng, acks_by_ping):
    nonce = os.urandom(3).hex()
    receiver_jid = f"receiver@{domain}"
    rounds = []
    for number, plan in enumerate(plans(rng), start=1):
        current = Round(number, plan, nonce)
        rounds.append(current)
        server.start()
        client = RawClient("127.0.0.1", port, domain, f"sender (round {number})")
        client.login("sender", password, f"round{number}")
        sender = Sender(client, current, acks_by_ping)
        try:
            sender.enable()
        except SMRefused as refusal:
            print(f"SKIP the server refuses XEP-0198 <enable/>: {refusal}")
            return SKIPPED
        stream_until_killed(server, sender, current, receiver_jid, rng)
        drain_after_kill(sender)
        client.close(send_closing_tag=False)
        print(f"--   round {number}: SIGKILL {plan[0]} {plan[1]}: {current.sent} sent, h={current.acked} acked")

    server.start()
    receiver = RawClient("127.0.0.1", port, domain, "receiver")
    receiver.login("receiver", password, "final")
    receiver.send("<presence/>")  # initial presence: offline messages follow (XEP-0160 §4)
    delivered = receive_all(receiver)
    receiver.close()
    print(f"--   the receiver got {len(delivered)} messages after the last restart")
    judge(rounds, delivered)
    check_wal(os.path.join(workdir, "data", "needletail.sqlite"))
    server.signal(signal.SIGTERM)
    check(server.wait(10) == 0, "the server still exits with status 0 on SIGTERM after all that")
    return checks.exit_status()


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--acks-by-ping"]
    binary, config, port, domain, password, workdir = arguments[:6]
    sys.exit(main(binary, config, int(port), domain, password, workdir, "--acks-by-ping" in sys.argv))
