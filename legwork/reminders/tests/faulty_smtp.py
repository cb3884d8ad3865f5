"""A real SMTP server for fault tests: slow, refusing and disconnecting on purpose.

Plain sockets and one thread per connection, so each fault is exactly what the
test asks for: `delay` seconds before every reply line (each within any read
timeout, the whole send far longer), a 550 for recipients whose address starts
with "refuse550" and a 451 for "refuse451", and a hang-up, without a reply, after
every `hang_up_every`-th message's data.
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from collections import Counter


class FaultySMTP:
    def __init__(self, *, delay: float = 0.0, hang_up_every: int = 0) -> None:
        self.delay = delay
        self.hang_up_every = hang_up_every
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port: int = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.accepted: Counter[str] = Counter()  # Message-ID → times answered 250 to its data
        self.received: Counter[str] = Counter()  # Message-ID → times its data arrived, answered or not
        self.data_count = 0
        self.open: set[socket.socket] = set()
        self.stopped = False

    def start(self) -> None:
        threading.Thread(target=self._accept, daemon=True).start()

    def stop(self) -> None:
        self.stopped = True
        self.listener.close()
        with self.lock:
            for conn in list(self.open):
                conn.close()

    def _accept(self) -> None:
        while not self.stopped:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                self.open.add(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _reply(self, conn: socket.socket, line: str) -> None:
        if self.delay:
            time.sleep(self.delay)  # the fault itself: a server slow to answer
        conn.sendall(line.encode() + b"\r\n")

    def _serve(self, conn: socket.socket) -> None:
        reader = conn.makefile("rb")
        try:
            self._reply(conn, "220 faulty.test ESMTP")
            recipients: list[str] = []
            while True:
                raw = reader.readline()
                if not raw:
                    return
                command = raw.decode(errors="replace").strip()
                verb = command[:4].upper()
                if verb in ("EHLO", "HELO"):
                    self._reply(conn, "250 faulty.test")
                elif verb == "MAIL":
                    recipients = []
                    self._reply(conn, "250 OK")
                elif verb == "RCPT":
                    address = command.partition(":")[2].strip().strip("<>").lower()
                    if address.startswith("refuse550"):
                        self._reply(conn, "550 5.1.1 No such user here")
                    elif address.startswith("refuse451"):
                        self._reply(conn, "451 4.3.0 Try again later")
                    else:
                        recipients.append(address)
                        self._reply(conn, "250 OK")
                elif verb == "DATA":
                    if not recipients:
                        self._reply(conn, "503 No valid recipients")
                        continue
                    self._reply(conn, "354 Go ahead")
                    lines = []
                    while (line := reader.readline()) not in (b".\r\n", b""):
                        lines.append(line)
                    message = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                    message_id = str(message["Message-ID"])
                    with self.lock:
                        self.received[message_id] += 1
                        self.data_count += 1
                        hang_up = bool(self.hang_up_every) and self.data_count % self.hang_up_every == 0
                    if hang_up:
                        return  # gone without a word: the client cannot know whether it was accepted
                    self._reply(conn, "250 Queued")
                    with self.lock:
                        self.accepted[message_id] += 1
                elif verb == "RSET" or verb == "NOOP":
                    recipients = []
                    self._reply(conn, "250 OK")
                elif verb == "QUIT":
                    self._reply(conn, "221 Bye")
                    return
                else:
                    self._reply(conn, "502 Not implemented")
        except OSError:
            return
        finally:
            with self.lock:
                self.open.discard(conn)
            conn.close()
