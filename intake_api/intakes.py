"""What happens to a first contact: it is sealed, routed, and read back with its receipt code."""

import datetime as dt

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from intake_api import crypto, directory, limits, notify
from intake_api.clock import hour_of, utcnow
from intake_api.config import Settings
from intake_api.errors import ApiError
from intake_api.i18n import t
from intake_api.models import (
    Author,
    ContactMethod,
    FollowupThread,
    Intake,
    IntakeCreate,
    IntakeKey,
    IntakePublic,
    Message,
    Status,
    ThreadMessage,
    new_id,
)
from intake_api.text import clean_message


def create_intake(
    session: Session, settings: Settings, data: IntakeCreate, path: limits.Path
) -> IntakePublic:
    """Stored and acknowledged whatever else is arriving: a burst is marked, never refused
    (only the storage ceiling refuses; see limits)."""
    if directory.find(data.municipality_code) is None:
        raise ApiError(422, "unknown_municipality")
    limits.reserve_intake(session, settings, path)
    burst = limits.in_burst(session, settings, data.municipality_code, path)
    # Release the database (keeping a spent challenge spent) while argon2 runs: the slow part
    # never holds a connection or a lock.
    session.commit()
    receipt_code = crypto.new_receipt_code()
    receipt = crypto.receipt_keys(receipt_code, settings)
    data_key = crypto.new_data_key()
    recipients = notify.coordinators_for(session, data.municipality_code)
    if not recipients:
        # Nobody could ever read it: say so now rather than pretend it was delivered.
        raise ApiError(503, "no_coordinator")
    # The municipality's own coordinators, or the national fallback: the receipt says which.
    local = any(
        assignment.municipality_code == data.municipality_code
        for coordinator in recipients
        for assignment in coordinator.municipalities
    )
    now = hour_of(utcnow())
    intake = Intake(
        id=new_id(),  # now, not at flush: the outbox row below refers to it
        reference=crypto.new_reference(),
        municipality_code=data.municipality_code,
        role=data.role,
        concern=data.concern,
        age_group=data.age_group,
        language=str(data.language),
        contact_method=data.contact_method,
        status=Status.new,
        receipt_lookup=receipt.lookup,
        receipt_wrapped_key=crypto.wrap(receipt.wrapping_key, data_key),
        sealed_phone=crypto.encrypt(data_key, data.phone) if data.phone else None,
        created_hour=now,
        expires_hour=now + dt.timedelta(days=settings.retention_days),
        burst=burst,
    )
    intake.keys = [
        IntakeKey(coordinator_id=c.id, sealed_key=crypto.seal_to(c.public_key, data_key))
        for c in recipients
    ]
    if data.message and clean_message(data.message):
        intake.messages = [_message(data_key, 0, Author.person, clean_message(data.message), now)]
    session.add(intake)
    notify.queue_mail(session, settings, intake, "new_intake", recipients)
    try:
        session.commit()
    except IntegrityError:  # a reference or lookup collision: astronomically rare, retry once
        session.rollback()
        return create_intake(session, settings, data, path)
    return IntakePublic(
        reference=intake.reference,
        receipt_code=receipt_code,
        next_steps=next_steps(data, local),
        municipality=directory.public(data.municipality_code),
        contacts=directory.contacts(data.municipality_code),
    )


def next_steps(data: IntakeCreate, local: bool) -> str:
    """What happens now, in the person's language. `local`: the municipality's own coordinators
    read it; otherwise the fallback coordinator does, and passes it on."""
    lang = str(data.language)
    municipality = directory.public(data.municipality_code).name
    received = "next_steps.received_local" if local else "next_steps.received_fallback"
    parts = [t(received, lang, municipality=municipality)]
    if data.contact_method == ContactMethod.phone:
        parts.append(t("next_steps.phone", lang))
    else:
        parts.append(t("next_steps.receipt_code", lang))
    if any(contact.phone for contact in directory.contacts(data.municipality_code)):
        parts.append(t("next_steps.call_directly", lang))
    parts.append(t("next_steps.danger", lang))
    return " ".join(parts)


def _message(
    data_key: bytes, position: int, author: Author, text: str, hour: dt.datetime
) -> Message:
    return Message(
        position=position,
        author=author,
        sealed_body=crypto.encrypt(data_key, text),
        created_hour=hour,
    )


def thread(intake: Intake, data_key: bytes) -> list[ThreadMessage]:
    return [
        ThreadMessage(
            author=Author(m.author),
            message=crypto.decrypt(data_key, m.sealed_body),
            hour=m.created_hour.replace(tzinfo=dt.UTC),
        )
        for m in intake.messages
    ]


def add_message(intake: Intake, data_key: bytes, author: Author, text: str) -> None:
    text = clean_message(text)
    if not text:
        raise ApiError(422, "invalid_input")
    position = max((m.position for m in intake.messages), default=-1) + 1
    intake.messages.append(_message(data_key, position, author, text, hour_of(utcnow())))


# ---------------------------------------------------------------- the person, by receipt code


def open_with_receipt(
    session: Session, settings: Settings, receipt_code: str, path: limits.Path
) -> tuple[Intake, bytes]:
    """The intake and its data key. A wrong code is counted on its way in (it prices that
    way's next check-backs), never held against the next person. One that is not 16 digits
    costs the server nothing, so it is refused without being counted."""
    session.commit()  # keep a spent proof spent, and release the database while argon2 runs
    code = crypto.normalise_receipt_code(receipt_code)
    if code is None:
        raise ApiError(403, "wrong_receipt_code")
    receipt = crypto.receipt_keys(code, settings)
    intake = session.scalar(select(Intake).where(Intake.receipt_lookup == receipt.lookup))
    if intake is None:
        limits.count_wrong_code(session, path)
        raise ApiError(403, "wrong_receipt_code")
    return intake, crypto.unwrap(receipt.wrapping_key, intake.receipt_wrapped_key)


def read_followups(
    session: Session, settings: Settings, receipt_code: str, path: limits.Path
) -> FollowupThread:
    intake, data_key = open_with_receipt(session, settings, receipt_code, path)
    return read_followups_of(intake, data_key)


def add_followup(
    session: Session, settings: Settings, receipt_code: str, text: str, path: limits.Path
) -> FollowupThread:
    intake, data_key = open_with_receipt(session, settings, receipt_code, path)
    add_message(intake, data_key, Author.person, text)
    intake.status = Status.new  # a closed intake opens again: the person wrote
    intake.outcome = None
    notify.queue_mail(session, settings, intake, "followup", notify.readers(session, intake))
    session.commit()
    return read_followups_of(intake, data_key)


def read_followups_of(intake: Intake, data_key: bytes) -> FollowupThread:
    return FollowupThread(
        reference=intake.reference,
        status=Status(intake.status),
        status_text=t(f"status.{intake.status}", intake.language),
        municipality=directory.public(intake.municipality_code),
        messages=thread(intake, data_key),
    )
