"""Abuse limits that never look at who is asking: proof of work, signed form tokens, counters.

A challenge is `<random>.<expiry>.<mac>`: stateless until it is spent, then its hash is kept
until it expires so that it is used once. The proof is a nonce such that
sha256(f"{challenge}:{nonce}") starts with `difficulty` zero bits.
"""

import datetime as dt
import hashlib
import hmac
import secrets
import time

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from intake_api.clock import from_epoch, hour_of, utcnow
from intake_api.config import Settings
from intake_api.errors import ApiError
from intake_api.models import Counter, Intake, SpentToken


def _mac(settings: Settings, purpose: str, payload: str) -> str:
    key = settings.derived_key(purpose)
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()[:32]


def _signed(settings: Settings, purpose: str, not_before: int, expires: int) -> str:
    payload = f"{secrets.token_urlsafe(16)}.{not_before}.{expires}"
    return f"{payload}.{_mac(settings, purpose, payload)}"


def _verified_window(settings: Settings, purpose: str, token: str, now: float) -> int:
    """The token's expiry if it is genuine and valid now; raises otherwise."""
    payload, _, mac = token.rpartition(".")
    parts = payload.split(".")
    valid_shape = len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit()
    if not valid_shape or not hmac.compare_digest(
        mac.encode(), _mac(settings, purpose, payload).encode()
    ):
        raise ApiError(403, f"{purpose}_invalid")
    not_before, expires = int(parts[1]), int(parts[2])
    if now < not_before:
        raise ApiError(429, f"{purpose}_too_fast")
    if now > expires:
        raise ApiError(403, f"{purpose}_expired")
    return expires


def _spend(session: Session, token: str, expires: int, purpose: str) -> None:
    """Record the token as used, in the caller's transaction; a second use fails."""
    token_hash = hashlib.sha256(token.encode()).hexdigest()
    if session.get(SpentToken, token_hash) is not None:
        raise ApiError(403, f"{purpose}_used")
    # Rounded up to the hour: the row is written with the intake, and an exact expiry would
    # date the intake to the second.
    keep_until = hour_of(from_epoch(expires)) + dt.timedelta(hours=1)
    session.add(SpentToken(token_hash=token_hash, expires_at=keep_until))
    try:
        session.flush()
    except IntegrityError:
        raise ApiError(403, f"{purpose}_used") from None


def new_challenge(settings: Settings) -> str:
    now = int(time.time())
    return _signed(settings, "challenge", now, now + settings.challenge_ttl_seconds)


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte:
            return bits + 8 - byte.bit_length()
        bits += 8
    return bits


def solve(challenge: str, difficulty: int) -> str:
    """What a client does (the tests and the bench use it; the widget does it in JavaScript)."""
    nonce = 0
    while leading_zero_bits(hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()) < difficulty:
        nonce += 1
    return str(nonce)


def check_proof_of_work(session: Session, settings: Settings, challenge: str, nonce: str) -> None:
    if len(challenge) > 200 or len(nonce) > 40:
        raise ApiError(403, "challenge_invalid")
    expires = _verified_window(settings, "challenge", challenge, time.time())
    digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
    if leading_zero_bits(digest) < settings.pow_difficulty_bits:
        raise ApiError(403, "challenge_unsolved")
    _spend(session, challenge, expires, "challenge")


def new_form_token(settings: Settings) -> str:
    now = time.time()
    return _signed(
        settings, "form", int(now + settings.form_min_seconds), int(now + settings.form_ttl_seconds)
    )


def check_form_token(session: Session, settings: Settings, token: str) -> None:
    if len(token) > 200:
        raise ApiError(403, "form_invalid")
    expires = _verified_window(settings, "form", token, time.time())
    _spend(session, token, expires, "form")


def check_intake_limits(session: Session, settings: Settings, municipality_code: str) -> None:
    """Counted from the intakes themselves (hour buckets): shared by every replica, no state."""
    this_hour = hour_of(utcnow())
    in_hour = select(func.count()).select_from(Intake).where(Intake.created_hour == this_hour)
    if session.scalar(in_hour) >= settings.intakes_per_hour:
        raise ApiError(429, "too_many_intakes", headers={"Retry-After": "600"})
    in_municipality = in_hour.where(Intake.municipality_code == municipality_code)
    if session.scalar(in_municipality) >= settings.intakes_per_municipality_per_hour:
        raise ApiError(429, "too_many_intakes", headers={"Retry-After": "600"})


def _minute() -> dt.datetime:
    return utcnow().replace(second=0, microsecond=0)


def counted_this_minute(session: Session, name: str) -> int:
    counter = session.get(Counter, (name, _minute()))
    return counter.count if counter else 0


def count_this_minute(session: Session, name: str) -> None:
    """One more of `name` this minute, for everyone (it counts, never who). Commits."""
    window = _minute()
    done = session.execute(
        update(Counter)
        .where(Counter.name == name, Counter.window == window)
        .values(count=Counter.count + 1)
    )
    if done.rowcount == 0:
        try:
            with session.begin_nested():
                session.add(Counter(name=name, window=window, count=1))
        except IntegrityError:
            session.execute(
                update(Counter)
                .where(Counter.name == name, Counter.window == window)
                .values(count=Counter.count + 1)
            )
    session.execute(delete(Counter).where(Counter.window < window - dt.timedelta(hours=1)))
    session.commit()


def wrong_codes_this_minute(session: Session) -> int:
    return counted_this_minute(session, "wrong_code")


def count_wrong_code(session: Session) -> None:
    """One more wrong receipt code this minute, for everyone: guessing slows for all at once."""
    count_this_minute(session, "wrong_code")


def purge_spent_tokens(session: Session) -> None:
    session.execute(delete(SpentToken).where(SpentToken.expires_at < utcnow()))
