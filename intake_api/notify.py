"""Who reads an intake, and the notifications they get (queued in the outbox, sent by the worker).

A notification names the municipality and the reference; never content, never contact details.
"""

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake_api import directory
from intake_api.clock import utcnow
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
    """One mail per recipient (nobody sees who else was told), in the caller's transaction."""
    municipality = directory.public(intake.municipality_code).name
    seen: set[str] = set()
    for coordinator in recipients:
        if coordinator.email in seen:
            continue
        seen.add(coordinator.email)
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
            )
        )


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
