"""Notifications through a real SMTP server (aiosmtpd on localhost): they arrive, once, and say
nothing but the municipality and the reference."""

import asyncio
import datetime as dt
import re
import threading
import time
import uuid
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import text

from intake_api import mailcatcher, worker
from intake_api.models import OutboxMail
from tests.intake_api.helpers import intake_body, mail_text, make_settings, service_headers


def create(client, **changes):
    answer = client.post("/api/v1/intakes", json=intake_body(**changes), headers=service_headers())
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_the_coordinator_mail_names_municipality_and_reference_only(
    client, staff, session, settings, smtp
):
    secret = "Han heter Kalle och bor på Storgatan 5"
    intake = create(client, message=secret, contact_method="phone", phone="070-987 65 43")
    assert worker.send_due_mail(session, settings) == 1
    assert smtp.wait_for(1, timeout=5)
    [mail] = smtp.messages
    assert mail["To"] == "haninge@example.org"
    assert intake["reference"] in mail["Subject"] and "Haninge" in mail["Subject"]
    content = mail_text(mail)
    assert f"Referens: {intake['reference']}" in content  # the text is read decoded
    for leak in (secret, "Kalle", "070", "987 65 43", "worried_about_child", "under_18"):
        assert leak not in content
    assert worker.send_due_mail(session, settings) == 0  # sent once


def test_a_municipality_nobody_serves_notifies_the_fallback(client, staff, session, settings, smtp):
    create(client, municipality_code="1880")  # Örebro: no coordinator linked
    worker.send_due_mail(session, settings)
    assert smtp.wait_for(1, timeout=5)
    assert [m["To"] for m in smtp.messages] == ["fallback@example.org"]


def test_an_smtp_outage_delays_mail_and_never_loses_or_repeats_it(client, staff, session, settings):
    settings.notifications_per_hour = 100
    references = {create(client)["reference"] for _ in range(20)}
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    # The SMTP server is down: nothing is sent, everything stays queued with a later attempt.
    assert worker.send_due_mail(session, settings, now) == 0
    attempts = session.execute(text("SELECT attempts FROM outbox")).scalars().all()
    assert attempts == [1] * 20
    assert worker.send_due_mail(session, settings, now) == 0  # backing off: not due yet

    controller, catcher = mailcatcher.start(settings.smtp_port)
    try:
        later = now + dt.timedelta(minutes=5)
        assert worker.send_due_mail(session, settings, later) == 20
        assert worker.send_due_mail(session, settings, later + dt.timedelta(hours=1)) == 0
        assert catcher.wait_for(20, timeout=10)
        received = [m["Subject"].rsplit("(", 1)[1].rstrip(")") for m in catcher.messages]
        assert sorted(received) == sorted(references)  # every one, each once
        assert len({m["Message-ID"] for m in catcher.messages}) == 20
    finally:
        controller.stop()


def test_two_workers_never_send_the_same_mail(client, staff, session, settings, smtp):
    settings.notifications_per_hour = 100
    for _ in range(5):
        create(client)
    from intake_api.db import get_sessionmaker

    with get_sessionmaker(settings.database_url)() as other:
        first = worker.send_due_mail(session, settings)
        second = worker.send_due_mail(other, settings)
    assert first + second == 5
    assert smtp.wait_for(5, timeout=5)
    assert len(smtp.messages) == 5


def test_unread_at_the_next_working_day_reminds_readers_and_the_fallback(
    client, staff, session, settings, smtp
):
    create(client)
    created = session.execute(text("SELECT created_hour FROM intakes")).scalar_one()
    created = created if isinstance(created, dt.datetime) else dt.datetime.fromisoformat(created)
    start = worker.next_working_day_start(created, settings)
    assert start.weekday() < 5 and start > created
    worker.send_due_mail(session, settings)  # the first notification
    assert worker.queue_reminders(session, settings, start - dt.timedelta(minutes=1)) == 0
    assert worker.queue_reminders(session, settings, start + dt.timedelta(minutes=1)) == 1
    assert worker.queue_reminders(session, settings, start + dt.timedelta(days=1)) == 0  # once
    worker.send_due_mail(session, settings, start + dt.timedelta(minutes=2))
    assert smtp.wait_for(3, timeout=5)
    reminders = [m for m in smtp.messages if m["Subject"].startswith("Oläst")]
    assert sorted(m["To"] for m in reminders) == ["fallback@example.org", "haninge@example.org"]


def test_next_working_day_skips_the_weekend(settings):
    friday_evening = dt.datetime(2026, 11, 20, 18, 0)  # UTC; 19:00 in Stockholm
    monday_eight = dt.datetime(2026, 11, 23, 7, 0)  # 08:00 in Stockholm (CET)
    assert worker.next_working_day_start(friday_evening, settings) == monday_eight
    summer_tuesday = dt.datetime(2026, 6, 16, 9, 0)
    assert worker.next_working_day_start(summer_tuesday, settings) == dt.datetime(2026, 6, 17, 6)


# ---------------------------------------------------------------- Message-ID and lease

# RFC 5322: msg-id = "<" dot-atom-text "@" dot-atom-text ">" (the forms without obsolete syntax).
DOT_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
MSG_ID = re.compile(f"<{DOT_ATOM}@{DOT_ATOM}>")


@pytest.mark.parametrize(
    ("mail_from", "domain"),
    [
        ("vag-ut <no-reply@localhost>", "localhost"),
        ('"Väg ut" <No-Reply@VagUt.Example>', "vagut.example"),
        ("no-reply@vagut.example", "vagut.example"),
        ("no-reply@väg-ut.se", "xn--vg-ut-gra.se"),
        ("vag-ut", "localhost"),  # no domain to take: the fixed one
        ("no-reply@bad..domain", "localhost"),
    ],
)
def test_the_message_id_is_the_outbox_row_and_the_sender_domain_only(mail_from, domain):
    settings = make_settings("sqlite://", mail_from=mail_from)
    mail = OutboxMail(id=uuid.uuid4().hex, recipient="a@example.org", subject="s", body="b")
    first = worker._smtp_message(mail, settings)["Message-ID"]
    assert first == f"<{mail.id}@{domain}>"
    assert MSG_ID.fullmatch(first)
    # The same on every build of the mail, in any process, at any time: a resend is recognised.
    assert worker._smtp_message(mail, settings)["Message-ID"] == first


@dataclass
class SlowThenHeld:
    """A real SMTP server that takes `slow` seconds over the first mail and holds the second
    until released, so that a test can act while a worker is in the middle of sending it."""

    slow: float
    catcher: mailcatcher.MailCatcher = field(default_factory=mailcatcher.MailCatcher)
    second_arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server, session, envelope):
        answer = await self.catcher.handle_DATA(server, session, envelope)
        number = len(self.catcher.messages)
        if number == 1:
            await asyncio.sleep(self.slow)
        elif number == 2:
            self.second_arrived.set()
            deadline = time.monotonic() + 10
            while not self.release.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
        return answer


def test_a_slow_batch_leases_each_mail_from_its_own_claim(
    client, staff, session, settings, monkeypatch
):
    """Each lease runs from the moment its mail is claimed, not from the start of the batch:
    after a first mail that took longer than a whole lease, the second is still held when
    another worker looks, and that worker sends nothing."""
    monkeypatch.setattr(worker, "LEASE", dt.timedelta(seconds=2))
    settings.smtp_timeout_seconds = 15  # the held mail must not time out on the worker's side
    create(client)
    create(client)
    server = SlowThenHeld(slow=2.5)  # longer than a lease
    controller = Controller(server, hostname="127.0.0.1", port=settings.smtp_port)
    controller.start()
    from intake_api.db import get_sessionmaker

    results: dict[str, int] = {}

    def first_worker() -> None:
        with get_sessionmaker(settings.database_url)() as own:
            results["first"] = worker.send_due_mail(own, settings)

    thread = threading.Thread(target=first_worker)
    thread.start()
    try:
        # The first worker has claimed the second mail, more than a lease after its batch
        # began, and is sending it.
        assert server.second_arrived.wait(10)
        [second_id] = session.execute(text("SELECT id FROM outbox WHERE sent = false")).scalars()
        session.commit()
        results["second"] = worker.send_due_mail(session, settings)
    finally:
        server.release.set()
        thread.join(20)
        controller.stop()
    assert not thread.is_alive()
    assert results == {"first": 2, "second": 0}
    assert len(server.catcher.messages) == 2
    assert server.catcher.messages[1]["Message-ID"].startswith(f"<{second_id}@")
    assert len({m["Message-ID"] for m in server.catcher.messages}) == 2
