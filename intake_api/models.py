"""Tables (SQLAlchemy) and the API's shapes (pydantic), one family per thing.

Never return a table: the routes answer with the *Public shapes only. Content (messages, phone
numbers) exists in the tables only as ciphertext; see docs/API.md for what each column reveals.
"""

import datetime as dt
import uuid
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from intake_api.text import clean_phone
from vagut import phones
from vagut.languages import LANGUAGE_CODES


def new_id() -> str:
    return uuid.uuid4().hex


class Base(DeclarativeBase):
    pass


# ---------------------------------------------------------------- choices


class Role(StrEnum):
    self = "self"
    relative = "relative"
    professional = "professional"


class Concern(StrEnum):
    leaving_crime = "leaving_crime"
    worried_about_child = "worried_about_child"
    under_threat = "under_threat"
    other = "other"


class AgeGroup(StrEnum):
    under_18 = "under_18"
    adult = "adult"
    unknown = "unknown"


class ContactMethod(StrEnum):
    receipt_code = "receipt_code"
    phone = "phone"


class Status(StrEnum):
    new = "new"  # something the coordinators have not read yet
    read = "read"
    answered = "answered"
    closed = "closed"


class Outcome(StrEnum):
    contact_made = "contact_made"
    referred = "referred"
    no_answer = "no_answer"
    other = "other"
    automated = "automated"  # closed with a flood, unread; a reply from the person reopens it


class Author(StrEnum):
    person = "person"
    coordinator = "coordinator"


LanguageCode = StrEnum("LanguageCode", {code: code for code in LANGUAGE_CODES})

# ---------------------------------------------------------------- tables


class Coordinator(Base):
    __tablename__ = "coordinators"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))  # where notifications go (staff address)
    language: Mapped[str] = mapped_column(String(8), default="sv")
    is_fallback: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # argon2id(password) gives 64 bytes: a verifier (stored hashed) and a key that wraps the
    # private key. Parameters are stored so that raising them later keeps old logins working.
    kdf_salt: Mapped[bytes] = mapped_column(LargeBinary(16))
    kdf_time_cost: Mapped[int] = mapped_column(Integer)
    kdf_memory_kib: Mapped[int] = mapped_column(Integer)
    password_verifier: Mapped[str] = mapped_column(String(64))
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    wrapped_private_key: Mapped[bytes] = mapped_column(LargeBinary(128))
    # The second factor (workspace): the TOTP secret, encrypted with a key derived from the
    # private key, so that only a correct password can read it; the last time step used, so
    # that no code is accepted twice; failed logins, for the slow-down and the lock.
    totp_wrapped: Mapped[bytes | None] = mapped_column(LargeBinary(128), nullable=True)
    totp_last_step: Mapped[int] = mapped_column(Integer, default=0)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    next_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    # An invited account (admin tool): its private key is wrapped with a key derived from the
    # one-time enrolment link until its owner sets a password; the link is stored hashed.
    enrolment_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    enrolment_expires: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)

    municipalities: Mapped[list["Assignment"]] = relationship(
        back_populates="coordinator", cascade="all, delete-orphan"
    )


class Assignment(Base):
    """A coordinator serves a municipality."""

    __tablename__ = "assignments"

    coordinator_id: Mapped[str] = mapped_column(
        ForeignKey("coordinators.id", ondelete="CASCADE"), primary_key=True
    )
    municipality_code: Mapped[str] = mapped_column(String(4), primary_key=True, index=True)

    coordinator: Mapped[Coordinator] = relationship(back_populates="municipalities")


class Session(Base):
    """A coordinator's login. The token itself is never stored; it unwraps the private key."""

    __tablename__ = "sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    coordinator_id: Mapped[str] = mapped_column(
        ForeignKey("coordinators.id", ondelete="CASCADE"), index=True
    )
    wrapped_private_key: Mapped[bytes] = mapped_column(LargeBinary(128))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # Workspace sessions: ended after 30 idle minutes. A session that only enrols the second
    # factor holds the TOTP secret being enrolled (encrypted with the session's key).
    last_seen: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    enrolling: Mapped[bool] = mapped_column(Boolean, default=False)
    pending_totp: Mapped[bytes | None] = mapped_column(LargeBinary(128), nullable=True)


class RecoveryCode(Base):
    """A one-time code that stands in for the second factor (its sha256; the code is random)."""

    __tablename__ = "recovery_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    coordinator_id: Mapped[str] = mapped_column(
        ForeignKey("coordinators.id", ondelete="CASCADE"), index=True
    )


class AuditEvent(Base):
    """Who did what to which intake, to the hour. Never content."""

    __tablename__ = "audit_events"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(32))
    reference: Mapped[str | None] = mapped_column(String(16), nullable=True, index=True)
    detail: Mapped[str | None] = mapped_column(String(64), nullable=True)  # e.g. the outcome
    hour: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


class ContactProposal(Base):
    """A coordinator's correction to their municipality's public contact data, for the admin
    to check and write into content/municipalities/ (never published by itself)."""

    __tablename__ = "contact_proposals"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(64))
    municipality_code: Mapped[str] = mapped_column(String(4), index=True)
    serves: Mapped[str] = mapped_column(String(32))
    phone: Mapped[str | None] = mapped_column(String(32), nullable=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    hours: Mapped[str | None] = mapped_column(String(200), nullable=True)
    source_url: Mapped[str] = mapped_column(String(500))
    source_title: Mapped[str] = mapped_column(String(200))
    source_date: Mapped[str] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    hour: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    done: Mapped[bool] = mapped_column(Boolean, default=False)


class Intake(Base):
    """A first contact. Clear text holds only what routing, reminders and retention need."""

    __tablename__ = "intakes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    municipality_code: Mapped[str] = mapped_column(String(4), index=True)
    role: Mapped[str] = mapped_column(String(16))
    concern: Mapped[str] = mapped_column(String(32))
    age_group: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    contact_method: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=Status.new)
    # sha256 of half of argon2id(receipt code, installation pepper): a lookup, not the code.
    receipt_lookup: Mapped[str] = mapped_column(String(64), unique=True)
    # The intake's data key, wrapped by the other half: the person can read and write with it.
    receipt_wrapped_key: Mapped[bytes] = mapped_column(LargeBinary(128))
    sealed_phone: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_hour: Mapped[dt.datetime] = mapped_column(DateTime, index=True)  # to the hour
    expires_hour: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    reminder_sent: Mapped[bool] = mapped_column(Boolean, default=False)
    retention_warning_sent: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)  # when closed
    # Came while its municipality had more first contacts in the hour than ever come in a
    # normal one: maybe automated. Coordinators see it, and can close such a flood at once.
    burst: Mapped[bool] = mapped_column(Boolean, default=False)

    messages: Mapped[list["Message"]] = relationship(
        back_populates="intake",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Message.position",
    )
    keys: Mapped[list["IntakeKey"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class IntakeKey(Base):
    """The intake's data key sealed (libsodium sealed box) to one coordinator's public key."""

    __tablename__ = "intake_keys"

    intake_id: Mapped[str] = mapped_column(
        ForeignKey("intakes.id", ondelete="CASCADE"), primary_key=True
    )
    coordinator_id: Mapped[str] = mapped_column(
        ForeignKey("coordinators.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    sealed_key: Mapped[bytes] = mapped_column(LargeBinary(128))


class Message(Base):
    """One message of an intake's thread, encrypted with the intake's data key."""

    __tablename__ = "messages"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    intake_id: Mapped[str] = mapped_column(ForeignKey("intakes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(16))
    sealed_body: Mapped[bytes] = mapped_column(LargeBinary)
    created_hour: Mapped[dt.datetime] = mapped_column(DateTime)

    intake: Mapped[Intake] = relationship(back_populates="messages")


class OutboxMail(Base):
    """A notification to send, written in the same transaction as what caused it."""

    __tablename__ = "outbox"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    intake_id: Mapped[str | None] = mapped_column(
        ForeignKey("intakes.id", ondelete="CASCADE"), nullable=True, index=True
    )
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)  # names municipality and reference, nothing else
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    sent: Mapped[bool] = mapped_column(Boolean, default=False)
    # A notification of a new intake: its kind and hour count the mails a coordinator got in an
    # hour. Past notifications_per_hour the rest fold into one digest per recipient and hour
    # (digest_key), which keeps its counts per municipality as JSON until it is sent.
    kind: Mapped[str | None] = mapped_column(String(32), nullable=True)
    hour: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True, index=True)
    digest_key: Mapped[str | None] = mapped_column(String(300), nullable=True, unique=True)
    digest_counts: Mapped[str | None] = mapped_column(Text, nullable=True)


class SpentToken(Base):
    """A used challenge or form token (its hash), so that none is used twice."""

    __tablename__ = "spent_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


class Counter(Base):
    """A count per window for global limits (wrong receipt codes); it counts, never who."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    window: Mapped[dt.datetime] = mapped_column(DateTime, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


# ---------------------------------------------------------------- API shapes


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IntakeCreate(Strict):
    municipality_code: str = Field(pattern=r"^\d{4}$", examples=["0136"])
    role: Role
    concern: Concern
    age_group: AgeGroup
    language: LanguageCode = LanguageCode.sv  # type: ignore[valid-type]
    contact_method: ContactMethod
    phone: str | None = Field(default=None, max_length=40)
    message: str | None = Field(default=None, max_length=4000)

    @field_validator("phone")
    @classmethod
    def _valid_phone(cls, value: str | None) -> str | None:
        value = clean_phone(value or "")
        if not value:
            return None
        try:
            phones.parse(value)
        except phones.InvalidPhoneNumber:
            raise ValueError("phone_invalid") from None
        return value

    @model_validator(mode="after")
    def _phone_iff_phone_method(self) -> "IntakeCreate":
        if (self.contact_method == ContactMethod.phone) != (self.phone is not None):
            raise ValueError("phone_required_iff_phone")
        return self


class MunicipalityPublic(BaseModel):
    code: str
    name: str


class ContactPublic(BaseModel):
    serves: str
    phone: str | None
    phone_display: str | None
    tel: str | None
    email: str | None


class IntakePublic(BaseModel):
    """What the person sees once: the receipt code is never shown again."""

    reference: str
    receipt_code: str = Field(pattern=r"^\d{16}$")
    next_steps: str
    municipality: MunicipalityPublic
    contacts: list[ContactPublic]


class ReceiptCode(Strict):
    receipt_code: str = Field(min_length=1, max_length=64, examples=["1234567890123456"])


class FollowupCreate(ReceiptCode):
    message: str = Field(min_length=1, max_length=4000)


class ThreadMessage(BaseModel):
    author: Author
    message: str
    hour: dt.datetime  # to the hour, UTC


class FollowupThread(BaseModel):
    reference: str
    status: Status
    status_text: str
    municipality: MunicipalityPublic
    messages: list[ThreadMessage]


class Challenge(BaseModel):
    challenge: str
    difficulty: int
    algorithm: str = "sha256"
    expires_in: int


class ErrorPublic(BaseModel):
    detail: str
    code: str


class LoginRequest(Strict):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    code: str = Field(min_length=6, max_length=32)  # from the authenticator app, or a recovery code


class SessionPublic(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: dt.datetime


class CoordinatorPublic(BaseModel):
    username: str
    is_fallback: bool
    municipalities: list[MunicipalityPublic]


class IntakeSummary(BaseModel):
    reference: str
    municipality: MunicipalityPublic
    role: Role
    concern: Concern
    age_group: AgeGroup
    language: str
    contact_method: ContactMethod
    status: Status
    created_hour: dt.datetime
    expires_hour: dt.datetime


class IntakeDetail(IntakeSummary):
    phone: str | None
    messages: list[ThreadMessage]


class ReplyCreate(Strict):
    message: str = Field(min_length=1, max_length=4000)


class HandoverRequest(Strict):
    municipality_code: str = Field(pattern=r"^\d{4}$")
