"""A real SMTP server for tests (aiosmtpd), on a free port in 5400-5499; it keeps what it receives."""
import email
import email.policy
import socket
import threading

import pytest

PORTS = range(5400, 5500)


def free_port(ports=PORTS) -> int:
    for port in ports:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip("no free port in 5400-5499 for the test SMTP server")


class Inbox:
    """What the server received: one entry per message, with its envelope recipients."""

    def __init__(self):
        self.messages: list[dict] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "message": message,
                                  "subject": str(message["Subject"]), "body": message.get_content()})
        return "250 OK"

    def to(self, address: str) -> list[dict]:
        return [m for m in self.messages if address in m["to"]]


def start_smtp():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, inbox
