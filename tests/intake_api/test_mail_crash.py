"""A worker killed between the SMTP server's acceptance of a mail and its own note that the mail
was sent: the next worker resends it, and the copy carries the same Message-ID. Real parts
only: the worker as its own process, an aiosmtpd server, a migrated SQLite file."""

import ast
import asyncio
import datetime as dt
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from intake_api import mailcatcher, worker
from intake_api.clock import utcnow
from intake_api.config import ROOT, Settings
from intake_api.models import OutboxMail
from tests.intake_api.helpers import intake_body, service_headers

DOMAIN = "vagut.example"


def create(client, **changes) -> None:
    answer = client.post("/api/v1/intakes", json=intake_body(**changes), headers=service_headers())
    assert answer.status_code == 201, answer.text


def worker_environment(settings: Settings) -> dict[str, str]:
    """The worker's configuration, as a deployment gives it: INTAKE_* variables only."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    return {
        **environment,
        "INTAKE_ENVIRONMENT": "development",
        "INTAKE_SECRET_KEY": secrets.token_hex(32),
        "INTAKE_SERVICE_TOKEN": secrets.token_hex(32),
        "INTAKE_DATABASE_URL": settings.database_url,
        "INTAKE_SMTP_HOST": "127.0.0.1",
        "INTAKE_SMTP_PORT": str(settings.smtp_port),
        "INTAKE_SMTP_TIMEOUT_SECONDS": "5",
        "INTAKE_MAIL_FROM": f"vag-ut <no-reply@{DOMAIN}>",
    }


def worker_round(environment: dict[str, str]) -> int:
    """`python -m intake_api.worker --once` in its own process: how many mails it sent."""
    done = subprocess.run(
        [sys.executable, "-m", "intake_api.worker", "--once"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return ast.literal_eval(done.stdout.strip().splitlines()[-1])["sent"]


@dataclass
class KillOnFirstMail:
    """An SMTP server that stores the first mail, then kills the worker sending it with SIGKILL
    before answering 250: the mail has arrived, the worker never learns that it has."""

    catcher: mailcatcher.MailCatcher = field(default_factory=mailcatcher.MailCatcher)
    victim: subprocess.Popen | None = None
    killed: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server, session, envelope) -> str:
        answer = await self.catcher.handle_DATA(server, session, envelope)  # stored
        if not self.killed.is_set():
            deadline = time.monotonic() + 10
            while self.victim is None and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            os.kill(self.victim.pid, signal.SIGKILL)
            self.victim.wait(timeout=10)  # dead before the answer below could reach it
            self.killed.set()
        return answer


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_a_worker_killed_after_the_smtp_server_took_a_mail_resends_it_with_the_same_message_id(
    client, staff, session, settings, tmp_path: Path
):
    for code in ("0136", "0117", "1880"):  # Haninge, Österåker, and one for the fallback
        create(client, municipality_code=code)
    recipients = dict(session.execute(select(OutboxMail.recipient, OutboxMail.id)).all())
    ids = set(recipients.values())
    unsent_leases = select(OutboxMail.id, OutboxMail.locked_until).where(OutboxMail.sent.is_(False))
    session.commit()
    assert len(ids) == 3
    environment = worker_environment(settings)
    server = KillOnFirstMail()
    controller = Controller(server, hostname="127.0.0.1", port=settings.smtp_port)
    controller.start()
    log_path = tmp_path / "worker.log"
    try:
        with log_path.open("wb") as log:
            first = subprocess.Popen(
                [sys.executable, "-m", "intake_api.worker"],
                cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        server.victim = first
        assert server.killed.wait(30), log_path.read_text()
        assert first.wait(timeout=10) == -signal.SIGKILL
        [taken] = server.catcher.messages
        taken_id = recipients[taken["To"]]  # one mail to each

        # The SMTP server has it; the outbox still has it as unsent, under the dead one's lease.
        unsent = dict(session.execute(unsent_leases).all())
        session.commit()
        assert set(unsent) == ids
        assert unsent[taken_id] > utcnow()

        # A worker started at once sends the others and keeps off the leased mail...
        assert worker_round(environment) == 2
        # ...until the lease has run out: the clock is moved on one lease, not waited for.
        leased = session.get(OutboxMail, taken_id, populate_existing=True)
        leased.locked_until -= worker.LEASE
        assert leased.locked_until <= utcnow() + dt.timedelta(seconds=1)
        session.commit()
        assert worker_round(environment) == 1
    finally:
        if first.poll() is None:
            first.kill()
            first.wait(10)
        controller.stop()

    assert not session.execute(unsent_leases).all()
    received = server.catcher.messages
    assert Counter(m["Message-ID"] for m in received) == {
        f"<{mail_id}@{DOMAIN}>": 2 if mail_id == taken_id else 1 for mail_id in ids
    }
    copies = [m for m in received if m["To"] == taken["To"]]
    assert copies[0].as_bytes() == copies[1].as_bytes()  # the resend is the same mail
