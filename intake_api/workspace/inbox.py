"""What the workspace shows: the inbox (unread first, age since arrival, the next-working-day
goal), safe display of what a person wrote, and the audit trail (who did what, to the hour)."""

import datetime as dt
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intake_api import directory
from intake_api.clock import hour_of, local_to_utc, next_working_day, utcnow
from intake_api.coordinators import LoggedIn
from intake_api.models import AuditEvent, Intake, IntakeDetail, IntakeKey, Status

VIEWS = {
    "open": (Status.new, Status.read),
    "answered": (Status.answered,),
    "closed": (Status.closed,),
}


@dataclass(frozen=True)
class Row:
    reference: str
    municipality: str
    status: str
    role: str
    concern: str
    age_group: str
    language: str
    contact_method: str
    hours_old: int
    overdue: bool
    burst: bool  # came in a burst: maybe automated


def answer_due(created: dt.datetime, timezone: str) -> dt.datetime:
    """The goal: an answer by the end of the next working day (Monday to Friday) after the
    intake arrived, in local time; as naive UTC."""
    day = next_working_day(created, timezone)
    return local_to_utc(day + dt.timedelta(days=1), dt.time(), timezone)


def overdue(status: str, created: dt.datetime, now: dt.datetime, timezone: str) -> bool:
    """Not yet answered, and past the goal."""
    return status in (Status.new, Status.read) and now >= answer_due(created, timezone)


def _mine(me: LoggedIn):
    return select(Intake).join(IntakeKey).where(IntakeKey.coordinator_id == me.coordinator.id)


PAGE_SIZE = 100


def rows(
    session: Session,
    me: LoggedIn,
    view: str,
    now: dt.datetime,
    timezone: str,
    page: int | None = 1,
) -> list[Row]:
    """The intakes of the view, unread first, then the oldest first (they wait longest);
    PAGE_SIZE at a time (page None: all of them)."""
    unread_first = (Intake.status != Status.new).asc()
    query = (
        _mine(me)
        .where(Intake.status.in_([s.value for s in VIEWS[view]]))
        .order_by(unread_first, Intake.created_hour.asc(), Intake.reference)
    )
    if page is not None:
        query = query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    return [
        Row(
            reference=intake.reference,
            municipality=directory.public(intake.municipality_code).name,
            status=intake.status,
            role=intake.role,
            concern=intake.concern,
            age_group=intake.age_group,
            language=intake.language,
            contact_method=intake.contact_method,
            hours_old=int((now - intake.created_hour).total_seconds() // 3600),
            overdue=overdue(intake.status, intake.created_hour, now, timezone),
            burst=intake.burst,
        )
        for intake in session.scalars(query)
    ]


def counts(session: Session, me: LoggedIn) -> dict[str, int]:
    # A Result has .keys(), so dict(result) would take it for a mapping: build it from rows.
    by_status = {
        status: n
        for status, n in session.execute(
            select(Intake.status, func.count())
            .join(IntakeKey)
            .where(IntakeKey.coordinator_id == me.coordinator.id)
            .group_by(Intake.status)
        ).all()
    }
    return {view: sum(by_status.get(s.value, 0) for s in statuses)
            for view, statuses in VIEWS.items()}  # fmt: skip


@dataclass(frozen=True)
class Bursts:
    count: int
    latest_hour: dt.datetime | None


def _unread_in_bursts(me: LoggedIn):
    """My unread intakes that came in a burst (see limits.in_burst)."""
    return _mine(me).where(Intake.status == Status.new, Intake.burst.is_(True))


def unread_in_bursts(session: Session, me: LoggedIn, up_to: dt.datetime) -> list[str]:
    """Their references, up to the hour `up_to`."""
    query = _unread_in_bursts(me).where(Intake.created_hour <= up_to)
    return list(session.scalars(query.with_only_columns(Intake.reference)))


def bursts(session: Session, me: LoggedIn) -> Bursts:
    count, latest = session.execute(
        _unread_in_bursts(me).with_only_columns(func.count(), func.max(Intake.created_hour))
    ).one()
    return Bursts(count, latest)


def view_of(detail: IntakeDetail) -> str:
    return next(view for view, statuses in VIEWS.items() if detail.status in statuses)


def dialable(phone: str | None) -> str | None:
    """A phone number for a tel: link, without the invisible characters (bidi marks, zero-width
    spaces) that a pasted number can carry and that break dialling."""
    if not phone:
        return None
    return "".join(ch for ch in phone if unicodedata.category(ch) not in ("Cf", "Cc", "Zs"))


def record(session: Session, username: str, action: str, reference: str | None = None,
           detail: str | None = None) -> None:  # fmt: skip
    """One line of the audit trail: who, what, which reference, to the hour. Never content."""
    session.add(AuditEvent(username=username, action=action, reference=reference, detail=detail,
                           hour=hour_of(utcnow())))  # fmt: skip
    session.commit()


def audit(session: Session, me: LoggedIn, action: str, reference: str | None,
          detail: str | None = None) -> None:  # fmt: skip
    record(session, me.coordinator.username, action, reference, detail)
