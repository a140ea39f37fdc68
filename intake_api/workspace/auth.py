"""Logging in to the workspace: password (argon2id) and a mandatory second factor (TOTP, or a
one-time recovery code), enrolled at the first login. Sessions live in a cookie whose token is
never stored; CSRF tokens are derived from it.

Throttling stores no address: per account, failed logins slow down exponentially and lock the
account for an hour after LOCK_AFTER (and the coordinator is mailed); a global budget of failed
logins per minute holds back guessing across accounts. The argon2 work happens with no database
transaction open, so that a flood of logins does not hold the connection others need.

Neither may lock the real coordinator out: a browser that has logged in to an account before
carries a device cookie for it (signed, stateless; a new password ends every one), and its
logins pass the global budget and the account's lock, with a budget of their own per device
(OWASP's device cookies). A flood then stops only browsers new to the account.
"""

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

import pyotp
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from intake_api import crypto, limits, notify
from intake_api.clock import hour_of, utcnow
from intake_api.config import Settings
from intake_api.coordinators import LoggedIn
from intake_api.models import Coordinator, RecoveryCode
from intake_api.models import Session as LoginSession

IDLE_MINUTES = 30
SLOW_AFTER = 3  # failures before each next try must wait 2, 4, 8 ... seconds
LOCK_AFTER = 10  # failures that lock the account for LOCK_MINUTES
LOCK_MINUTES = 60
MAX_WAIT_SECONDS = 300
FAILED_LOGINS_PER_MINUTE = 120  # all accounts together
DEVICE_FAILURES_PER_MINUTE = 5  # for one device cookie
DEVICE_DAYS = 180
RECOVERY_CODES = 10
TOTP_ISSUER = "Väg ut"


class LoginRefused(Exception):
    """Why a login did not go through: a translation key of workspace.login.*"""

    def __init__(self, reason: str, wait_seconds: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait_seconds = wait_seconds


@dataclass(frozen=True)
class NewSession:
    token: str
    enrolling: bool


# ---------------------------------------------------------------- passwords


def _coordinator(session: Session, username: str) -> Coordinator | None:
    return session.scalar(select(Coordinator).where(Coordinator.username == username))


def coordinator_named(session: Session, username: str) -> Coordinator:
    return _coordinator(session, username.strip())


def _check_throttle(coordinator: Coordinator, now: dt.datetime) -> None:
    if coordinator.locked_until and coordinator.locked_until > now:
        raise LoginRefused("locked")
    if coordinator.next_login_at and coordinator.next_login_at > now:
        seconds = int((coordinator.next_login_at - now).total_seconds()) + 1
        raise LoginRefused("wait", seconds)


def _failed(session: Session, settings: Settings, coordinator_id: str) -> None:
    """Count a failure, slow the next try down, lock and mail the coordinator at the limit."""
    coordinator = session.get(Coordinator, coordinator_id)
    now = utcnow()
    coordinator.failed_logins += 1
    failures = coordinator.failed_logins
    if failures >= SLOW_AFTER:
        wait = min(2 ** (failures - SLOW_AFTER + 1), MAX_WAIT_SECONDS)
        coordinator.next_login_at = now + dt.timedelta(seconds=wait)
    if failures >= LOCK_AFTER:
        coordinator.locked_until = now + dt.timedelta(minutes=LOCK_MINUTES)
        coordinator.failed_logins = 0
        coordinator.next_login_at = None
        params = {"minutes": LOCK_MINUTES, "workspace": settings.workspace_url}
        notify.queue_staff_mail(session, coordinator, "workspace.mail.locked", params)
    limits.count_this_minute(session, "workspace_login_failures")  # commits


def _failed_from(
    session: Session, settings: Settings, coordinator_id: str, device: str | None
) -> None:
    """A failure from a known device counts against that device only: it neither locks the
    account for others nor uses the global budget."""
    if device is None:
        _failed(session, settings, coordinator_id)
    else:
        limits.count_this_minute(session, _device_counter(device))  # commits


def _succeeded(coordinator: Coordinator) -> None:
    coordinator.failed_logins = 0
    coordinator.next_login_at = None
    coordinator.locked_until = None


def new_device_token(settings: Settings, coordinator: Coordinator) -> str:
    """Proof that this browser logged in to this account: id.random.mac, where the mac also
    covers the password verifier, so that a new password ends every device token."""
    payload = f"{coordinator.id}.{secrets.token_urlsafe(16)}"
    return f"{payload}.{_device_mac(settings, coordinator, payload)}"


def _device_mac(settings: Settings, coordinator: Coordinator, payload: str) -> str:
    message = f"{payload}.{coordinator.password_verifier}".encode()
    return hmac.new(settings.derived_key("device"), message, hashlib.sha256).hexdigest()[:32]


def _known_device(settings: Settings, coordinator: Coordinator, token: str | None) -> bool:
    if not token or len(token) > 128 or token.count(".") != 2:
        return False
    payload, _, mac = token.rpartition(".")
    if not payload.startswith(f"{coordinator.id}."):
        return False
    return hmac.compare_digest(mac.encode(), _device_mac(settings, coordinator, payload).encode())


def _device_counter(token: str) -> str:
    return "device:" + hashlib.sha256(token.encode()).hexdigest()[:24]


def login(
    session: Session,
    settings: Settings,
    username: str,
    password: str,
    code: str,
    device: str | None = None,
) -> NewSession:
    """Password and second factor; raises LoginRefused. An account without a second factor
    gets a session that can only enrol one. `device`: the browser's device token, if any."""
    now = utcnow()
    coordinator = _coordinator(session, username.strip())
    known = coordinator is not None and _known_device(settings, coordinator, device)
    if known:
        if limits.counted_this_minute(session, _device_counter(device)) >= (
            DEVICE_FAILURES_PER_MINUTE
        ):
            session.rollback()
            raise LoginRefused("wait", 60)
    elif limits.counted_this_minute(session, "workspace_login_failures") >= (
        FAILED_LOGINS_PER_MINUTE
    ):
        session.rollback()
        raise LoginRefused("busy", 60)
    if coordinator is None or not coordinator.is_active:
        session.rollback()  # release the connection before the slow part
        # The same work as a real login, so that timing does not tell which usernames exist.
        crypto.password_keys(
            password, b"\0" * 16, settings.argon2_time_cost, settings.argon2_memory_kib
        )
        # Guesses at usernames count against the global budget like wrong passwords.
        limits.count_this_minute(session, "workspace_login_failures")
        raise LoginRefused("wrong")
    if not known:
        _check_throttle(coordinator, now)
    coordinator_id = coordinator.id
    salt, time_cost, memory = (
        coordinator.kdf_salt,
        coordinator.kdf_time_cost,
        coordinator.kdf_memory_kib,
    )
    verifier_stored = coordinator.password_verifier
    wrapped_private_key = coordinator.wrapped_private_key
    session.rollback()  # no transaction open while argon2 works
    verifier, wrapping_key = crypto.password_keys(password, salt, time_cost, memory)
    if not hmac.compare_digest(verifier, verifier_stored):
        _failed_from(session, settings, coordinator_id, device if known else None)
        raise LoginRefused("wrong")
    private_key = crypto.unwrap(wrapping_key, wrapped_private_key)
    coordinator = session.get(Coordinator, coordinator_id)
    if not known:
        _check_throttle(coordinator, utcnow())  # another try may have locked it meanwhile
    enrolling = coordinator.totp_wrapped is None
    if not enrolling and not _second_factor_ok(session, coordinator, private_key, code):
        _failed_from(session, settings, coordinator_id, device if known else None)
        raise LoginRefused("wrong")
    _succeeded(coordinator)
    return _new_session(session, settings, coordinator, private_key, enrolling)


def _second_factor_ok(
    session: Session, coordinator: Coordinator, private_key: bytes, code: str
) -> bool:
    code = "".join(code.split()).replace("-", "").upper()
    if code.isdigit() and len(code) == 6:
        secret = crypto.unwrap(crypto.totp_key(private_key), coordinator.totp_wrapped).decode()
        step = _accepted_step(secret, code)
        if step is None or step <= coordinator.totp_last_step:
            return False  # a wrong code, or one already used (no replay)
        coordinator.totp_last_step = step
        return True
    used = session.get(RecoveryCode, crypto.sha256_hex(code.encode()))
    if used is None or used.coordinator_id != coordinator.id:
        return False
    session.delete(used)  # one time only
    return True


def _accepted_step(secret: str, code: str) -> int | None:
    """The time step the code belongs to (now, or one step either side for clock drift)."""
    totp = pyotp.TOTP(secret)
    now = utcnow().replace(tzinfo=dt.UTC).timestamp()
    for drift in (0, -1, 1):
        step = int(now // totp.interval) + drift
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


# ---------------------------------------------------------------- sessions


def _token_hash(token: str) -> str:
    return crypto.sha256_hex(token.encode())


def _new_session(
    session: Session,
    settings: Settings,
    coordinator: Coordinator,
    private_key: bytes,
    enrolling: bool,
) -> NewSession:
    """A fresh token at every login (the session id is never carried over)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.execute(delete(LoginSession).where(LoginSession.expires_at < now))
    session.add(
        LoginSession(
            token_hash=_token_hash(token),
            coordinator_id=coordinator.id,
            wrapped_private_key=crypto.wrap(crypto.session_key(token), private_key),
            # Stored coarse, so that the table does not keep when anyone logged in to the
            # second: the hour (a session lasts 7 to 8 hours), and the minute for idleness.
            expires_at=hour_of(now) + dt.timedelta(hours=settings.session_hours),
            last_seen=_minute_of(now),
            enrolling=enrolling,
        )
    )
    session.commit()
    return NewSession(token, enrolling)


def _minute_of(moment: dt.datetime) -> dt.datetime:
    return moment.replace(second=0, microsecond=0)


@dataclass(frozen=True)
class Current:
    me: LoggedIn
    token: str
    enrolling: bool


def current(session: Session, token: str | None) -> Current | None:
    """The logged-in coordinator, if the token is a live session: not past its 8 hours, not
    idle for 30 minutes, not of a deactivated account."""
    if not token:
        return None
    login_session = session.get(LoginSession, _token_hash(token))
    now = utcnow()
    if login_session is None or login_session.expires_at < now:
        return None
    idle_since = login_session.last_seen or now
    if now - idle_since > dt.timedelta(minutes=IDLE_MINUTES):
        session.delete(login_session)
        session.commit()
        return None
    coordinator = session.get(Coordinator, login_session.coordinator_id)
    if coordinator is None or not coordinator.is_active:
        return None
    if login_session.last_seen != _minute_of(now):
        login_session.last_seen = _minute_of(now)
        session.commit()
    private_key = crypto.unwrap(crypto.session_key(token), login_session.wrapped_private_key)
    return Current(LoggedIn(coordinator, private_key), token, login_session.enrolling)


def logout(session: Session, token: str) -> None:
    session.execute(delete(LoginSession).where(LoginSession.token_hash == _token_hash(token)))
    session.commit()


def csrf_token(settings: Settings, token: str) -> str:
    """Bound to the session: a form from another session, or none, is refused."""
    return hmac.new(
        settings.derived_key("workspace-csrf"), token.encode(), hashlib.sha256
    ).hexdigest()


def csrf_ok(settings: Settings, token: str, submitted: str | None) -> bool:
    return bool(submitted) and hmac.compare_digest(csrf_token(settings, token), submitted or "")


# ---------------------------------------------------------------- enrolling the second factor


def start_enrolment(session: Session, current_session: Current) -> str:
    """A new TOTP secret, kept (encrypted with the session's key) until a code confirms it."""
    login_session = session.get(LoginSession, _token_hash(current_session.token))
    if login_session.pending_totp is None:
        secret = pyotp.random_base32()
        login_session.pending_totp = crypto.wrap(
            crypto.session_key(current_session.token), secret.encode()
        )
        session.commit()
        return secret
    return crypto.unwrap(
        crypto.session_key(current_session.token), login_session.pending_totp
    ).decode()


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=TOTP_ISSUER)


def finish_enrolment(session: Session, current_session: Current, code: str) -> list[str] | None:
    """Confirm the secret with a code from the app: the account then has its second factor,
    the session becomes a full one, and ten recovery codes are made (shown once). None when
    the code is wrong."""
    secret = start_enrolment(session, current_session)
    step = _accepted_step(secret, "".join(code.split()))
    if step is None:
        return None
    coordinator = session.get(Coordinator, current_session.me.coordinator.id)
    set_totp(coordinator, current_session.me.private_key, secret, step)
    login_session = session.get(LoginSession, _token_hash(current_session.token))
    login_session.enrolling = False
    login_session.pending_totp = None
    codes = new_recovery_codes(session, coordinator)
    session.commit()
    return codes


def set_totp(coordinator: Coordinator, private_key: bytes, secret: str, used_step: int = 0) -> None:
    coordinator.totp_wrapped = crypto.wrap(crypto.totp_key(private_key), secret.encode())
    coordinator.totp_last_step = used_step


def new_recovery_codes(session: Session, coordinator: Coordinator) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.coordinator_id == coordinator.id))
    alphabet = crypto.REFERENCE_ALPHABET
    codes = ["".join(secrets.choice(alphabet) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    for code in codes:
        session.add(
            RecoveryCode(code_hash=crypto.sha256_hex(code.encode()), coordinator_id=coordinator.id)
        )
    return [f"{code[:5]}-{code[5:]}" for code in codes]


# ---------------------------------------------------------------- the login form itself


def new_login_token() -> str:
    """Put in the login form and in a cookie: a login posted from another site has neither."""
    return secrets.token_urlsafe(24)


def same_login_token(cookie: str | None, submitted: str) -> bool:
    return bool(cookie) and hmac.compare_digest(cookie or "", submitted)


def enrol_with_password(
    session: Session, settings: Settings, username: str, password: str, secret: str | None = None
) -> str:
    """Give an account its second factor directly (the demo and the tests; production enrols at
    the first login). Returns the TOTP secret."""
    coordinator = _coordinator(session, username)
    _, wrapping_key = crypto.password_keys(
        password, coordinator.kdf_salt, coordinator.kdf_time_cost, coordinator.kdf_memory_kib
    )
    private_key = crypto.unwrap(wrapping_key, coordinator.wrapped_private_key)
    secret = secret or pyotp.random_base32()
    set_totp(coordinator, private_key, secret)
    session.commit()
    return secret


# ---------------------------------------------------------------- the enrolment link


def invited(session: Session, token: str) -> Coordinator | None:
    """The account a one-time enrolment link is for, while it is unused and fresh."""
    if not token or len(token) > 128:
        return None
    coordinator = session.scalar(
        select(Coordinator).where(Coordinator.enrolment_hash == crypto.sha256_hex(token.encode()))
    )
    if coordinator is None or not coordinator.is_active:
        return None
    if coordinator.enrolment_expires is None or coordinator.enrolment_expires < utcnow():
        return None
    return coordinator


def accept_invitation(
    session: Session, settings: Settings, token: str, password: str
) -> NewSession:
    """Set the password from the link: the private key moves from the link's key to the
    password's, the link stops working, and a session that can only enrol the second factor
    begins. The caller has checked the password against the policy."""
    coordinator = invited(session, token)
    if coordinator is None:
        raise LoginRefused("invitation")
    coordinator_id = coordinator.id
    private_key = crypto.unwrap(crypto.enrolment_key(token), coordinator.wrapped_private_key)
    session.rollback()  # no transaction open while argon2 works
    salt = crypto.random_bytes(16)
    verifier, wrapping_key = crypto.password_keys(
        password, salt, settings.argon2_time_cost, settings.argon2_memory_kib
    )
    coordinator = invited(session, token)  # the link may have been used meanwhile
    if coordinator is None or coordinator.id != coordinator_id:
        raise LoginRefused("invitation")
    _set_password(coordinator, settings, salt, verifier, wrapping_key, private_key)
    coordinator.enrolment_hash = None
    coordinator.enrolment_expires = None
    return _new_session(session, settings, coordinator, private_key, enrolling=True)


def _set_password(coordinator, settings, salt, verifier, wrapping_key, private_key) -> None:
    coordinator.kdf_salt = salt
    coordinator.kdf_time_cost = settings.argon2_time_cost
    coordinator.kdf_memory_kib = settings.argon2_memory_kib
    coordinator.password_verifier = verifier
    coordinator.wrapped_private_key = crypto.wrap(wrapping_key, private_key)


# ---------------------------------------------------------------- sensitive actions


def fresh_code_ok(session: Session, current_session: Current, code: str) -> bool:
    """A TOTP code from the app, now, never used before (recovery codes do not count here)."""
    code = "".join(code.split())
    coordinator = session.get(Coordinator, current_session.me.coordinator.id)
    if coordinator.totp_wrapped is None or not (code.isdigit() and len(code) == 6):
        return False
    ok = _second_factor_ok(session, coordinator, current_session.me.private_key, code)
    session.commit()
    return ok


def end_other_sessions(session: Session, coordinator_id: str, keep_token: str | None) -> None:
    """Other browsers are logged out, and the private key they held unlocked is gone."""
    query = delete(LoginSession).where(LoginSession.coordinator_id == coordinator_id)
    if keep_token:
        query = query.where(LoginSession.token_hash != _token_hash(keep_token))
    session.execute(query)


def change_password(
    session: Session, settings: Settings, current_session: Current, old: str, new: str
) -> bool:
    """False when the old password is wrong. The caller has checked the fresh code and the
    policy. The private key and the TOTP secret stay the same; only their wrapping changes."""
    coordinator = session.get(Coordinator, current_session.me.coordinator.id)
    old_params = (coordinator.kdf_salt, coordinator.kdf_time_cost, coordinator.kdf_memory_kib)
    stored = coordinator.password_verifier
    session.rollback()
    verifier, _ = crypto.password_keys(old, *old_params)
    if not hmac.compare_digest(verifier, stored):
        _failed(session, settings, current_session.me.coordinator.id)
        return False
    salt = crypto.random_bytes(16)
    new_verifier, wrapping_key = crypto.password_keys(
        new, salt, settings.argon2_time_cost, settings.argon2_memory_kib
    )
    coordinator = session.get(Coordinator, current_session.me.coordinator.id)
    _set_password(coordinator, settings, salt, new_verifier, wrapping_key,
                  current_session.me.private_key)  # fmt: skip
    end_other_sessions(session, coordinator.id, current_session.token)
    session.commit()
    return True


def reset_second_factor(
    session: Session, coordinator: Coordinator, keep_token: str | None = None
) -> None:
    """No second factor, no recovery codes, no other sessions: the next login (or this
    session, when kept) enrols a new one."""
    coordinator.totp_wrapped = None
    coordinator.totp_last_step = 0
    session.execute(delete(RecoveryCode).where(RecoveryCode.coordinator_id == coordinator.id))
    end_other_sessions(session, coordinator.id, keep_token)
    if keep_token:
        kept = session.get(LoginSession, _token_hash(keep_token))
        kept.enrolling = True
        kept.pending_totp = None
    session.commit()
