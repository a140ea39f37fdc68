"""The outbox worker: sends queued mail, queues reminders and retention warnings, deletes what
has reached its retention date. `python -m intake_api.worker` (one or more, beside the API).

Each step is a function of `now`, so that tests can move time on without waiting for it.
"""

import argparse
import contextlib
import datetime as dt
import logging
import re
import smtplib
import threading
import time
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import parseaddr

from sqlalchemy import delete, or_, select, text, update
from sqlalchemy.orm import Session

from intake_api import limits, notify
from intake_api.clock import local_to_utc, next_working_day, utcnow
from intake_api.config import Settings, get_settings
from intake_api.db import get_sessionmaker
from intake_api.models import Intake, OutboxMail, Status

log = logging.getLogger("intake_api.worker")
# How long a claimed mail stays a worker's own, counted from the claim: far more than one send
# takes (connect, STARTTLS, login, the mail; each step waits INTAKE_SMTP_TIMEOUT_SECONDS at most).
LEASE = dt.timedelta(minutes=2)
BATCH = 50
MESSAGE_ID_DOMAIN = "localhost"  # when INTAKE_MAIL_FROM has no usable domain
_DOT_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")


# ---------------------------------------------------------------- sending


def _message_id_domain(settings: Settings) -> str:
    """The domain of INTAKE_MAIL_FROM (lower case, IDNA), or a fixed one: never a host name,
    so that every worker on every machine gives a mail the same Message-ID."""
    _local, at, domain = parseaddr(settings.mail_from)[1].rpartition("@")
    if not at:
        return MESSAGE_ID_DOMAIN
    try:
        domain = domain.lower().encode("idna").decode("ascii")
    except UnicodeError:
        return MESSAGE_ID_DOMAIN
    return domain if _DOT_ATOM.fullmatch(domain) else MESSAGE_ID_DOMAIN


def _smtp_message(mail: OutboxMail, settings: Settings) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    # A Message-ID fixed per outbox row, `<row id@domain>` (an RFC 5322 msg-id: the id is hex)
    # and nothing else: no time, process id or randomness, as make_msgid adds. Should a worker
    # die after the SMTP server took the mail and before it was marked sent, the resend carries
    # the same id, and mail systems that drop duplicates drop it.
    message["Message-ID"] = f"<{mail.id}@{_message_id_domain(settings)}>"
    message.set_content(mail.body)
    return message


def _claim(session: Session, mail_id: str, now: dt.datetime) -> bool:
    """Take a lease on one mail, so that two workers never send the same one. `now` is the
    time of this claim (not of the batch's start): the lease runs LEASE from it."""
    claimed = session.execute(
        update(OutboxMail)
        .where(
            OutboxMail.id == mail_id,
            OutboxMail.sent.is_(False),
            or_(OutboxMail.locked_until.is_(None), OutboxMail.locked_until < now),
        )
        .values(locked_until=now + LEASE)
    )
    session.commit()
    return claimed.rowcount == 1


def _clock(start: dt.datetime) -> Callable[[], dt.datetime]:
    """The time now, for a batch that began at `start`: `start` plus the time gone since, on
    the monotonic clock. A test's `start` may be hours away from the wall clock; it still
    moves on as the batch takes its time."""
    began = time.monotonic()
    return lambda: start + dt.timedelta(seconds=time.monotonic() - began)


def _backoff(settings: Settings, attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(2 ** min(attempts, 16), settings.outbox_max_backoff_seconds))


def send_due_mail(session: Session, settings: Settings, now: dt.datetime | None = None) -> int:
    """Send what is due; an SMTP failure leaves the mail queued for a later attempt."""
    now = now or utcnow()
    clock = _clock(now)
    due = session.scalars(
        select(OutboxMail.id)
        .where(OutboxMail.sent.is_(False), OutboxMail.next_attempt_at <= now)
        .order_by(OutboxMail.next_attempt_at)
        .limit(BATCH)
    ).all()
    sent = 0
    smtp: smtplib.SMTP | None = None
    try:
        for mail_id in due:
            # A slow batch (an SMTP timeout per mail) takes minutes: each lease from its claim.
            if not _claim(session, mail_id, clock()):
                continue
            mail = session.get(OutboxMail, mail_id)
            message = _smtp_message(mail, settings)
            session.commit()  # no connection held while talking to the SMTP server
            try:
                smtp = smtp or _connect(settings)
                smtp.send_message(message)
            except (OSError, smtplib.SMTPException) as error:
                mail.attempts += 1
                mail.next_attempt_at = clock() + _backoff(settings, mail.attempts)
                mail.locked_until = None
                session.commit()
                log.warning("mail not sent (%s), attempt %d", type(error).__name__, mail.attempts)
                smtp = None
                continue
            mail.sent = True
            mail.next_attempt_at = None  # the exact time is not kept once it is no longer needed
            mail.locked_until = None
            session.commit()
            sent += 1
    finally:
        if smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.quit()
    return sent


def _connect(settings: Settings) -> smtplib.SMTP:
    smtp = smtplib.SMTP(
        settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds
    )
    if settings.smtp_starttls:
        smtp.starttls()
    if settings.smtp_user and settings.smtp_password:
        smtp.login(settings.smtp_user, settings.smtp_password)
    return smtp


# ---------------------------------------------------------------- reminders and retention


def next_working_day_start(moment: dt.datetime, settings: Settings) -> dt.datetime:
    """08:00 local time on the first weekday after `moment` (UTC, naive), as naive UTC."""
    day = next_working_day(moment, settings.timezone)
    return local_to_utc(day, dt.time(settings.working_day_starts_hour), settings.timezone)


def queue_reminders(session: Session, settings: Settings, now: dt.datetime | None = None) -> int:
    """Unread at the start of the next working day: remind its readers and the fallback."""
    now = now or utcnow()
    unread = session.scalars(
        select(Intake).where(Intake.status == Status.new, Intake.reminder_sent.is_(False))
    ).all()
    queued = 0
    for intake in unread:
        if now < next_working_day_start(intake.created_hour, settings):
            continue
        recipients = notify.readers(session, intake) + notify.fallback_coordinators(session)
        notify.queue_mail(session, settings, intake, "reminder", recipients)
        intake.reminder_sent = True
        queued += 1
    session.commit()
    return queued


def queue_retention_warnings(
    session: Session, settings: Settings, now: dt.datetime | None = None
) -> int:
    now = now or utcnow()
    soon = now + dt.timedelta(days=settings.retention_warning_days)
    expiring = session.scalars(
        select(Intake).where(Intake.expires_hour <= soon, Intake.retention_warning_sent.is_(False))
    ).all()
    for intake in expiring:
        notify.queue_mail(
            session, settings, intake, "retention_warning", notify.readers(session, intake)
        )
        intake.retention_warning_sent = True
    session.commit()
    return len(expiring)


def delete_expired(session: Session, now: dt.datetime | None = None) -> int:
    """Delete intakes past their retention date, with their thread, keys and mail (cascade)."""
    now = now or utcnow()
    expired = session.scalars(select(Intake.id).where(Intake.expires_hour <= now)).all()
    if expired:
        session.execute(delete(Intake).where(Intake.id.in_(expired)))
    limits.purge_spent_tokens(session)
    # Sent mail that belongs to no intake (digests, staff mails) is kept by nothing: an intake's
    # own mail goes with it; these would stay for ever, with a recipient and counts.
    session.execute(
        delete(OutboxMail).where(OutboxMail.sent.is_(True), OutboxMail.intake_id.is_(None))
    )
    session.commit()
    if expired and session.bind.dialect.name == "sqlite":
        # secure_delete zeroes the freed pages; the checkpoint clears the copies in the WAL too.
        session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    return len(expired)


def run_once(settings: Settings, now: dt.datetime | None = None) -> dict[str, int]:
    with get_sessionmaker(settings.database_url)() as session:
        return {
            "reminders": queue_reminders(session, settings, now),
            "warnings": queue_retention_warnings(session, settings, now),
            "deleted": delete_expired(session, now),
            "sent": send_due_mail(session, settings, now),
        }


def run_forever(settings: Settings, stop: threading.Event | None = None) -> None:
    stop = stop or threading.Event()
    while not stop.is_set():
        try:
            run_once(settings)
        except Exception as error:
            log.error("worker round failed: %s", type(error).__name__)
        stop.wait(settings.worker_interval_seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--once", action="store_true", help="one round, then exit")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = get_settings()
    if args.once:
        print(run_once(settings))
    else:
        run_forever(settings)


if __name__ == "__main__":
    main()
