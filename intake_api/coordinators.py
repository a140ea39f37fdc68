"""Coordinators: accounts (made by the admin tool), logins, and their work on intakes."""

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from intake_api import crypto, directory, notify, passwords
from intake_api.clock import utcnow
from intake_api.config import Settings
from intake_api.errors import ApiError
from intake_api.intakes import add_message, thread
from intake_api.models import (
    Assignment,
    Author,
    Coordinator,
    CoordinatorPublic,
    Intake,
    IntakeDetail,
    IntakeKey,
    IntakeSummary,
    Outcome,
    Status,
)
from intake_api.models import Session as LoginSession


@dataclass(frozen=True)
class LoggedIn:
    coordinator: Coordinator
    private_key: bytes


# ---------------------------------------------------------------- accounts (admin tool)


ENROLMENT_DAYS = 7


def create_coordinator(
    session: Session,
    settings: Settings,
    username: str,
    email: str,
    password: str,
    municipality_codes: list[str],
    is_fallback: bool = False,
    language: str = "sv",
) -> Coordinator:
    """An account with a password set by the admin (development and scripted set-ups); its
    owner enrols the second factor at the first login. Weak passwords are refused."""
    passwords.require_strong(password, username)
    return _new_account(session, settings, username, email, municipality_codes, is_fallback,
                        language, password=password)  # fmt: skip


def invite_coordinator(
    session: Session,
    settings: Settings,
    username: str,
    email: str,
    municipality_codes: list[str],
    is_fallback: bool = False,
    language: str = "sv",
) -> tuple[Coordinator, str]:
    """An account its owner completes from a one-time link (mailed to them): they set the
    password and enrol the second factor. Returns the account and the link."""
    token = secrets.token_urlsafe(32)
    coordinator = _new_account(session, settings, username, email, municipality_codes,
                               is_fallback, language, enrolment_token=token)  # fmt: skip
    link = f"{settings.workspace_url}workspace/welcome/{token}"
    params = {"link": link, "days": ENROLMENT_DAYS, "username": username}
    notify.queue_staff_mail(session, coordinator, "workspace.mail.invitation", params)
    session.commit()
    return coordinator, link


def _new_account(
    session: Session,
    settings: Settings,
    username: str,
    email: str,
    municipality_codes: list[str],
    is_fallback: bool,
    language: str,
    password: str | None = None,
    enrolment_token: str | None = None,
) -> Coordinator:
    unknown = [code for code in municipality_codes if directory.find(code) is None]
    if unknown:
        raise ValueError(f"unknown municipality codes: {', '.join(unknown)}")
    if session.scalar(select(Coordinator.id).where(Coordinator.username == username)):
        raise ValueError(f"there is already a coordinator named {username}")
    keys = crypto.new_coordinator_keys(password, settings, enrolment_token)
    coordinator = Coordinator(
        username=username,
        email=email,
        language=language,
        is_fallback=is_fallback,
        kdf_salt=keys.kdf_salt,
        kdf_time_cost=keys.kdf_time_cost,
        kdf_memory_kib=keys.kdf_memory_kib,
        password_verifier=keys.password_verifier,
        public_key=keys.public_key,
        wrapped_private_key=keys.wrapped_private_key,
        municipalities=[Assignment(municipality_code=code) for code in municipality_codes],
    )
    if enrolment_token:
        coordinator.enrolment_hash = crypto.sha256_hex(enrolment_token.encode())
        coordinator.enrolment_expires = utcnow() + dt.timedelta(days=ENROLMENT_DAYS)
    session.add(coordinator)
    session.commit()
    return coordinator


def link(session: Session, coordinator: Coordinator, municipality_code: str) -> None:
    """Serve one more municipality. Earlier intakes there stay sealed to their readers until one
    of them opens it (then it is shared; see share_with_colleagues)."""
    if directory.find(municipality_code) is None:
        raise ValueError(f"unknown municipality code: {municipality_code}")
    if session.get(Assignment, (coordinator.id, municipality_code)) is None:
        session.add(Assignment(coordinator_id=coordinator.id, municipality_code=municipality_code))
    session.commit()


def unlink(session: Session, coordinator: Coordinator, municipality_code: str) -> None:
    """Stop serving a municipality, and lose the keys to its intakes."""
    session.execute(
        delete(Assignment).where(
            Assignment.coordinator_id == coordinator.id,
            Assignment.municipality_code == municipality_code,
        )
    )
    intake_ids = select(Intake.id).where(Intake.municipality_code == municipality_code)
    session.execute(
        delete(IntakeKey).where(
            IntakeKey.coordinator_id == coordinator.id, IntakeKey.intake_id.in_(intake_ids)
        )
    )
    session.commit()


# ---------------------------------------------------------------- logins


def _token_hash(token: str) -> str:
    return crypto.sha256_hex(token.encode())


def logged_in(session: Session, token: str) -> LoggedIn:
    login_session = session.get(LoginSession, _token_hash(token))
    now = utcnow()
    # A session that has only begun enrolling its second factor reads nothing.
    if login_session is None or login_session.expires_at < now or login_session.enrolling:
        raise ApiError(401, "unauthorized", headers={"WWW-Authenticate": "Bearer"})
    coordinator = session.get(Coordinator, login_session.coordinator_id)
    if coordinator is None or not coordinator.is_active:
        raise ApiError(401, "unauthorized", headers={"WWW-Authenticate": "Bearer"})
    private_key = crypto.unwrap(crypto.session_key(token), login_session.wrapped_private_key)
    return LoggedIn(coordinator, private_key)


def logout(session: Session, token: str) -> None:
    session.execute(delete(LoginSession).where(LoginSession.token_hash == _token_hash(token)))
    session.commit()


def public(coordinator: Coordinator) -> CoordinatorPublic:
    return CoordinatorPublic(
        username=coordinator.username,
        is_fallback=coordinator.is_fallback,
        municipalities=[directory.public(a.municipality_code) for a in coordinator.municipalities],
    )


# ---------------------------------------------------------------- work on intakes


def _summary_fields(intake: Intake) -> dict:
    return {
        "reference": intake.reference,
        "municipality": directory.public(intake.municipality_code),
        "role": intake.role,
        "concern": intake.concern,
        "age_group": intake.age_group,
        "language": intake.language,
        "contact_method": intake.contact_method,
        "status": intake.status,
        "created_hour": intake.created_hour.replace(tzinfo=dt.UTC),
        "expires_hour": intake.expires_hour.replace(tzinfo=dt.UTC),
    }


def list_intakes(session: Session, me: LoggedIn) -> list[IntakeSummary]:
    """The intakes this coordinator holds a key to: those of the municipalities they serve (and,
    for a fallback coordinator, those of municipalities nobody serves)."""
    intakes = session.scalars(
        select(Intake)
        .join(IntakeKey)
        .where(IntakeKey.coordinator_id == me.coordinator.id)
        .order_by(Intake.created_hour.desc(), Intake.reference)
    )
    return [IntakeSummary(**_summary_fields(intake)) for intake in intakes]


def _open(session: Session, me: LoggedIn, reference: str) -> tuple[Intake, bytes]:
    """The intake and its data key, if this coordinator may read it; otherwise 404 (not 403:
    whether a reference exists elsewhere is not theirs to know)."""
    intake = session.scalar(select(Intake).where(Intake.reference == reference))
    key = session.get(IntakeKey, (intake.id, me.coordinator.id)) if intake else None
    if intake is None or key is None:
        raise ApiError(404, "intake_not_found")
    return intake, crypto.unseal(me.private_key, key.sealed_key)


def _detail(intake: Intake, data_key: bytes) -> IntakeDetail:
    phone = crypto.decrypt(data_key, intake.sealed_phone) if intake.sealed_phone else None
    return IntakeDetail(**_summary_fields(intake), phone=phone, messages=thread(intake, data_key))


def _share_with_colleagues(session: Session, intake: Intake, data_key: bytes) -> None:
    """Coordinators linked to the municipality after the intake arrived get a key too."""
    holders = {key.coordinator_id for key in intake.keys}
    for coordinator in notify.coordinators_for(session, intake.municipality_code):
        if coordinator.id not in holders:
            intake.keys.append(
                IntakeKey(
                    coordinator_id=coordinator.id,
                    sealed_key=crypto.seal_to(coordinator.public_key, data_key),
                )
            )


def read_intake(session: Session, me: LoggedIn, reference: str) -> IntakeDetail:
    intake, data_key = _open(session, me, reference)
    if intake.status == Status.new:
        intake.status = Status.read
    _share_with_colleagues(session, intake, data_key)
    session.commit()
    return _detail(intake, data_key)


def reply(session: Session, me: LoggedIn, reference: str, text: str) -> IntakeDetail:
    intake, data_key = _open(session, me, reference)
    if intake.status == Status.closed:
        raise ApiError(409, "intake_closed")
    add_message(intake, data_key, Author.coordinator, text)
    intake.status = Status.answered
    session.commit()
    return _detail(intake, data_key)


def close(
    session: Session, me: LoggedIn, reference: str, outcome: Outcome | None = None
) -> IntakeDetail:
    intake, data_key = _open(session, me, reference)
    intake.status = Status.closed
    intake.outcome = outcome.value if outcome else None
    session.commit()
    return _detail(intake, data_key)


def close_unread(session: Session, me: LoggedIn, references: list[str]) -> int:
    """Close a flood at once: my intakes among `references` that are still unread, as
    automated. Nothing is deleted, and a reply from a real person among them opens theirs
    again (see intakes.add_followup)."""
    intakes = session.scalars(
        select(Intake)
        .join(IntakeKey)
        .where(
            IntakeKey.coordinator_id == me.coordinator.id,
            Intake.reference.in_(references),
            Intake.status == Status.new,
        )
    ).all()
    for intake in intakes:
        intake.status = Status.closed
        intake.outcome = Outcome.automated.value
    session.commit()
    return len(intakes)


def hand_over(
    session: Session, settings: Settings, me: LoggedIn, reference: str, municipality_code: str
) -> IntakeSummary:
    """Move the intake to another municipality: its coordinators get the key, ours lose it."""
    if directory.find(municipality_code) is None:
        raise ApiError(422, "unknown_municipality")
    intake, data_key = _open(session, me, reference)
    recipients = notify.coordinators_for(session, municipality_code)
    if not recipients:
        raise ApiError(409, "no_coordinator")
    intake.municipality_code = municipality_code
    intake.status = Status.new
    intake.reminder_sent = False
    new_readers = {c.id for c in recipients}
    intake.keys = [key for key in intake.keys if key.coordinator_id in new_readers]
    holders = {key.coordinator_id for key in intake.keys}
    intake.keys += [
        IntakeKey(coordinator_id=c.id, sealed_key=crypto.seal_to(c.public_key, data_key))
        for c in recipients
        if c.id not in holders
    ]
    notify.queue_mail(session, settings, intake, "new_intake", recipients)
    session.commit()
    return IntakeSummary(**_summary_fields(intake))


# ---------------------------------------------------------------- leaving


def only_reader_of(session: Session, coordinator: Coordinator) -> list[str]:
    """The open intakes nobody else could read if this coordinator left: the references that
    must be handed over first (in the workspace, where the key is)."""
    others = (
        select(IntakeKey.intake_id)
        .join(Coordinator, Coordinator.id == IntakeKey.coordinator_id)
        .where(
            IntakeKey.coordinator_id != coordinator.id,
            Coordinator.is_active,
            Coordinator.enrolment_hash.is_(None),
        )
    )
    return list(
        session.scalars(
            select(Intake.reference)
            .join(IntakeKey)
            .where(
                IntakeKey.coordinator_id == coordinator.id,
                Intake.status != Status.closed,
                Intake.id.not_in(others),
            )
            .order_by(Intake.reference)
        )
    )


def deactivate(session: Session, coordinator: Coordinator) -> list[str]:
    """No more logins, sessions or notifications. Refused (returns the references) while they
    are the only one who can read an open intake."""
    stranded = only_reader_of(session, coordinator)
    if stranded:
        return stranded
    coordinator.is_active = False
    session.execute(delete(LoginSession).where(LoginSession.coordinator_id == coordinator.id))
    session.commit()
    return []
