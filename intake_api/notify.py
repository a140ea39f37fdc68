"""Who reads an intake, and the notifications they get (queued in the outbox, sent by the worker).

A notification names the municipality and the reference; never content, never contact details.
"""

import datetime as dt
import json
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from intake_api import directory
from intake_api.clock import hour_of, utcnow
from intake_api.config import Settings
from intake_api.i18n import t
from intake_api.models import Assignment, Coordinator, Intake, OutboxMail
from vagut.i18n import t as workspace_text


def coordinators_for(session: Session, municipality_code: str) -> list[Coordinator]:
    """The active coordinators serving the municipality; the fallback ones when there are none."""
    serving = session.scalars(
        select(Coordinator)
        .join(Assignment)
        .where(Assignment.municipality_code == municipality_code, _can_read())
    ).all()
    return list(serving) or fallback_coordinators(session)


def fallback_coordinators(session: Session) -> list[Coordinator]:
    return list(session.scalars(select(Coordinator).where(Coordinator.is_fallback, _can_read())))


def _can_read():
    """Active, and past the enrolment link: an invited account that has not set its password
    gets nothing sealed to it (it might never come), so the fallback has those meanwhile."""
    return Coordinator.is_active & Coordinator.enrolment_hash.is_(None)


def readers(session: Session, intake: Intake) -> list[Coordinator]:
    """The active coordinators holding a key to the intake (a departed one is told nothing)."""
    ids = [key.coordinator_id for key in intake.keys]
    return list(session.scalars(select(Coordinator).where(Coordinator.id.in_(ids), _can_read())))


def intake_link(settings: Settings, reference: str) -> str:
    return f"{settings.workspace_url.rstrip('/')}/workspace/intake/{reference}"


def queue_mail(
    session: Session,
    settings: Settings,
    intake: Intake,
    kind: str,
    recipients: Iterable[Coordinator],
) -> None:
    """One mail per recipient (nobody sees who else was told), in the caller's transaction.
    A new intake past the recipient's notifications_per_hour folds into the hour's digest."""
    municipality = directory.public(intake.municipality_code).name
    seen: set[str] = set()
    for coordinator in recipients:
        if coordinator.email in seen:
            continue
        seen.add(coordinator.email)
        if kind == "new_intake" and _mails_this_hour(session, coordinator.email) >= (
            settings.notifications_per_hour
        ):
            _fold_into_digest(session, settings, coordinator, intake)
            continue
        lang = coordinator.language
        params = {
            "municipality": municipality,
            "reference": intake.reference,
            "workspace": intake_link(settings, intake.reference),
            "date": intake.expires_hour.date().isoformat(),
        }
        session.add(
            OutboxMail(
                intake_id=intake.id,
                recipient=coordinator.email,
                subject=t(f"mail.{kind}.subject", lang, **params),
                body=t(f"mail.{kind}.body", lang, **params),
                next_attempt_at=utcnow(),
                kind=kind,
                hour=hour_of(utcnow()),
            )
        )


def _mails_this_hour(session: Session, email: str) -> int:
    return session.scalar(
        select(func.count())
        .select_from(OutboxMail)
        .where(
            OutboxMail.recipient == email,
            OutboxMail.kind == "new_intake",
            OutboxMail.hour == hour_of(utcnow()),
        )
    )


def _fold_into_digest(
    session: Session, settings: Settings, coordinator: Coordinator, intake: Intake
) -> None:
    """Count the intake in the recipient's digest for this hour, sent when the hour ends:
    a flood of 500 gives a coordinator a few mails, not 500."""
    hour = hour_of(utcnow())
    key = f"{coordinator.email}|{hour.isoformat()}"
    # Locked while counted, so that two intakes at once both count.
    mine = select(OutboxMail).where(OutboxMail.digest_key == key).with_for_update()
    digest = session.scalar(mine)
    if digest is None:
        digest = OutboxMail(
            recipient=coordinator.email,
            subject="",
            body="",
            next_attempt_at=hour + dt.timedelta(hours=1),
            kind="digest",
            hour=hour,
            digest_key=key,
            digest_counts="{}",
        )
        try:
            with session.begin_nested():
                session.add(digest)
        except IntegrityError:  # another request made it meanwhile
            digest = session.scalar(mine)
    counts = json.loads(digest.digest_counts or "{}")
    total, burst = counts.get(intake.municipality_code, (0, 0))
    counts[intake.municipality_code] = (total + 1, burst + int(intake.burst))
    digest.digest_counts = json.dumps(counts, sort_keys=True)
    digest.subject, digest.body = _digest_text(settings, coordinator.language, counts, hour)


def _digest_text(
    settings: Settings, lang: str, counts: dict[str, tuple[int, int]], hour: dt.datetime
) -> tuple[str, str]:
    total = sum(count for count, _burst in counts.values())
    burst = sum(burst for _count, burst in counts.values())
    lines = "\n".join(
        f"- {directory.public(code).name}: {count}"
        for code, (count, _burst) in sorted(counts.items(), key=lambda item: -item[1][0])
    )
    params = {"count": total, "burst": burst, "municipalities": lines,
              "workspace": f"{settings.workspace_url}workspace/"}  # fmt: skip
    return t("mail.digest.subject", lang, **params), t("mail.digest.body", lang, **params)


def queue_staff_mail(
    session: Session, coordinator: Coordinator, key: str, params: dict[str, object]
) -> None:
    """A mail about the coordinator's own account (invitation, lock, second factor reset), in
    the workspace's languages, in the caller's transaction."""
    lang = coordinator.language if coordinator.language in ("sv", "en") else "sv"
    session.add(
        OutboxMail(
            recipient=coordinator.email,
            subject=workspace_text(f"{key}.subject", lang, **params),
            body=workspace_text(f"{key}.body", lang, **params),
            next_attempt_at=utcnow(),
        )
    )
