"""A local mail catcher (aiosmtpd) for development and tests: it prints each mail and keeps it."""

import email
import email.policy
import logging
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope


@dataclass
class MailCatcher:
    """Every mail received, in order; optionally printed and saved as .eml files."""

    save_dir: Path | None = None
    echo: bool = False
    messages: list[EmailMessage] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _arrived: threading.Condition = field(init=False)

    def __post_init__(self) -> None:
        self._arrived = threading.Condition(self._lock)

    async def handle_DATA(self, _server: object, _session: object, envelope: Envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._arrived:
            self.messages.append(message)
            number = len(self.messages)
            self._arrived.notify_all()
        if self.save_dir is not None:
            self.save_dir.mkdir(parents=True, exist_ok=True)
            (self.save_dir / f"{number:05d}.eml").write_bytes(envelope.content)
        if self.echo:
            print(f"\n--- mail {number} to {message['To']}: {message['Subject']}")
            print(message.get_content().strip())
            print("---", flush=True)
        return "250 OK"

    def wait_for(self, count: int, timeout: float) -> bool:
        with self._arrived:
            return self._arrived.wait_for(lambda: len(self.messages) >= count, timeout)


def start(port: int, host: str = "127.0.0.1", **options: object) -> tuple[Controller, MailCatcher]:
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # it logs every SMTP line
    catcher = MailCatcher(**options)
    controller = Controller(catcher, hostname=host, port=port)
    controller.start()
    return controller, catcher
