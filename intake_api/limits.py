"""Abuse limits that never look at who is asking, and never refuse a person for what someone
else did: the cost of each request falls on its sender.

- Proof of work (a browser submission or check-back): its difficulty rises one bit with every
  doubling of the recent rate (intakes, or wrong receipt codes) above a calm rate, so a flood
  makes the flooder's own next request dearer, quadratically in the rate, while a person
  pays at most a few seconds more.
- Signed form tokens (the no-JavaScript page, which cannot compute a proof): each works once,
  and not before a wait that grows the same way.
- A ceiling per day only to protect storage, one for each way in (proof of work, the chatbot,
  the form), so that a flood through one cannot use up the room of the others. Below it nothing
  is refused: a burst is marked, and notified as a digest.
- Each way in is priced by its own load only: a flood of wrong codes through the chatbot does
  not make a browser's proofs dearer, nor does a form flood; the flooder's own path pays.

A token is `<random>.<not-before>.<expires>.<bits>.<mac>`: stateless until it is spent, then its
hash is kept until it expires so that it is used once. The proof is a nonce such that
sha256(f"{challenge}:{nonce}") starts with `bits` zero bits.
"""

import datetime as dt
import hashlib
import hmac
import math
import secrets
import time
from enum import StrEnum

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from intake_api.clock import from_epoch, hour_of, utcnow
from intake_api.config import Settings
from intake_api.errors import ApiError
from intake_api.models import Counter, SpentToken


class Purpose(StrEnum):
    """What a proof or a token is for; each has its own key, so one never serves another."""

    intake = "intake"  # a first contact
    checkback = "checkback"  # reading or writing with a receipt code


class Path(StrEnum):
    """The way a request came in: with a proof of work, through the chatbot (service token),
    or through the no-JavaScript form (a signed form token)."""

    proof = "proof"
    chat = "chat"
    form = "form"


def _load(purpose: Purpose, path: Path) -> str:
    """The counter whose recent rate prices a purpose on a path."""
    return f"{'intake' if purpose is Purpose.intake else 'wrong_code'}:{path}"


# ---------------------------------------------------------------- counters


def _minute() -> dt.datetime:
    return utcnow().replace(second=0, microsecond=0)


def _day() -> dt.datetime:
    return utcnow().replace(hour=0, minute=0, second=0, microsecond=0)


def _add_one(session: Session, name: str, window: dt.datetime, below: int | None = None) -> bool:
    """One more in (name, window), in a single statement that also checks `below`: two
    requests never both take the last place. False when the count has reached `below`."""
    condition = [Counter.name == name, Counter.window == window]
    if below is not None:
        condition.append(Counter.count < below)
    done = session.execute(update(Counter).where(*condition).values(count=Counter.count + 1))
    if done.rowcount:
        return True
    if session.get(Counter, (name, window)) is not None:
        return False  # the row exists, so it was full
    try:
        with session.begin_nested():
            session.add(Counter(name=name, window=window, count=1))
        return below is None or below > 0
    except IntegrityError:  # another request made the row meanwhile: count on it
        return _add_one(session, name, window, below)


def count_this_minute(session: Session, name: str) -> None:
    """One more of `name` this minute, for everyone (it counts, never who). Commits. Old rows
    are the worker's to clear (purge_spent_tokens), not every counted request's."""
    _add_one(session, name, _minute())
    session.commit()


def counted_this_minute(session: Session, name: str) -> int:
    counter = session.get(Counter, (name, _minute()))
    return counter.count if counter else 0


def recent_rate(session: Session, name: str) -> int:
    """This minute and the one before: a rate that does not drop to nothing on the minute."""
    minute = _minute()
    return session.scalar(
        select(func.coalesce(func.sum(Counter.count), 0)).where(
            Counter.name == name, Counter.window >= minute - dt.timedelta(minutes=1)
        )
    )


def extra_bits(rate: int, calm: int, most: int) -> int:
    """One bit more per doubling of the rate above the calm rate."""
    if rate <= calm:
        return 0
    return min(most, math.ceil(math.log2(rate / max(calm, 1))))


def _calm(settings: Settings, purpose: Purpose) -> int:
    if purpose is Purpose.intake:
        return settings.calm_intakes_per_minute
    return settings.calm_wrong_codes_per_minute


def price_bits(session: Session, settings: Settings, purpose: Purpose, path: Path) -> int:
    """The extra bits of proof (or doublings of the form's wait) that this path's recent load
    asks."""
    rate = recent_rate(session, _load(purpose, path))
    return extra_bits(rate, _calm(settings, purpose), settings.pow_max_extra_bits)


# ---------------------------------------------------------------- signed tokens


def _mac(settings: Settings, kind: str, payload: str) -> str:
    key = settings.derived_key(kind)
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()[:32]


def _signed(settings: Settings, kind: str, not_before: int, expires: int, bits: int) -> str:
    payload = f"{secrets.token_urlsafe(16)}.{not_before}.{expires}.{bits}"
    return f"{payload}.{_mac(settings, kind, payload)}"


def _verified(settings: Settings, kind: str, error: str, token: str, now: float) -> tuple[int, int]:
    """(expires, bits) of a genuine token that is valid now; raises otherwise."""
    payload, _, mac = token.rpartition(".")
    parts = payload.split(".")
    valid_shape = len(parts) == 4 and all(part.isdigit() for part in parts[1:])
    if not valid_shape or not hmac.compare_digest(
        mac.encode(), _mac(settings, kind, payload).encode()
    ):
        raise ApiError(403, f"{error}_invalid")
    not_before, expires, bits = (int(part) for part in parts[1:])
    if now < not_before:
        raise ApiError(
            429, f"{error}_too_fast", headers={"Retry-After": str(not_before - int(now))}
        )
    if now > expires:
        raise ApiError(403, f"{error}_expired")
    return expires, bits


def _spend(session: Session, token: str, expires: int, error: str) -> None:
    """Record the token as used, in the caller's transaction; a second use fails."""
    token_hash = hashlib.sha256(token.encode()).hexdigest()
    if session.get(SpentToken, token_hash) is not None:
        raise ApiError(403, f"{error}_used")
    # Rounded up to the hour: the row is written with the intake, and an exact expiry would
    # date the intake to the second.
    keep_until = hour_of(from_epoch(expires)) + dt.timedelta(hours=1)
    session.add(SpentToken(token_hash=token_hash, expires_at=keep_until))
    try:
        session.flush()
    except IntegrityError:
        raise ApiError(403, f"{error}_used") from None


# ---------------------------------------------------------------- proof of work


def new_challenge(session: Session, settings: Settings, purpose: Purpose) -> tuple[str, int]:
    """A challenge and its difficulty: the base, plus what the recent load asks."""
    bits = settings.pow_difficulty_bits + price_bits(session, settings, purpose, Path.proof)
    now = int(time.time())
    token = _signed(
        settings, f"challenge:{purpose}", now, now + settings.challenge_ttl_seconds, bits
    )
    return token, bits


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte:
            return bits + 8 - byte.bit_length()
        bits += 8
    return bits


def solve(challenge: str, difficulty: int) -> str:
    """What a client does (the tests and the bench use it; see docs/API.md for JavaScript)."""
    nonce = 0
    while leading_zero_bits(hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()) < difficulty:
        nonce += 1
    return str(nonce)


def check_proof_of_work(
    session: Session, settings: Settings, purpose: Purpose, challenge: str, nonce: str
) -> None:
    """A solved, unspent challenge for this purpose, not much cheaper than the load now asks
    (a challenge fetched before a flood began is refused as outdated: fetch another)."""
    if len(challenge) > 200 or len(nonce) > 40:
        raise ApiError(403, "challenge_invalid")
    expires, bits = _verified(settings, f"challenge:{purpose}", "challenge", challenge, time.time())
    digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
    if leading_zero_bits(digest) < bits:
        raise ApiError(403, "challenge_unsolved")
    asked = settings.pow_difficulty_bits + price_bits(session, settings, purpose, Path.proof)
    if bits < asked - settings.pow_slack_bits:
        raise ApiError(403, "challenge_outdated")
    _spend(session, challenge, expires, "challenge")


# ---------------------------------------------------------------- the no-JavaScript form


def form_wait_seconds(session: Session, settings: Settings, purpose: Purpose) -> float:
    """The form's wait doubles with each doubling of the load, up to a bound a person who
    writes a message never notices (filling in the form takes longer). It cannot stop a
    flooder who waits on many tokens at once; it does make each of their requests two, and
    slow, and it stops the naive loop."""
    if purpose is Purpose.intake:
        least, most = settings.form_min_seconds, settings.form_max_wait_seconds
    else:
        least, most = settings.check_min_seconds, settings.check_max_wait_seconds
    return min(least * 2 ** price_bits(session, settings, purpose, Path.form), most)


def new_form_token(session: Session, settings: Settings, purpose: Purpose) -> str:
    now = time.time()
    not_before = int(now + form_wait_seconds(session, settings, purpose))
    expires = int(now + settings.form_ttl_seconds)
    return _signed(settings, f"form:{purpose}", not_before, expires, 0)


def check_form_token(session: Session, settings: Settings, purpose: Purpose, token: str) -> None:
    if len(token) > 200:
        raise ApiError(403, "form_invalid")
    expires, _bits = _verified(settings, f"form:{purpose}", "form", token, time.time())
    _spend(session, token, expires, "form")


# ---------------------------------------------------------------- intakes


def reserve_intake(session: Session, settings: Settings, path: Path) -> None:
    """A place under today's storage ceiling for this way in, taken in one statement, and one
    more intake in its recent rate (which prices its next requests). In the caller's
    transaction."""
    ceiling = {
        Path.proof: settings.max_intakes_per_day_with_proof,
        Path.chat: settings.max_intakes_per_day_from_chat,
        Path.form: settings.max_intakes_per_day_from_form,
    }[path]
    if not _add_one(session, f"intakes:{path}", _day(), below=ceiling):
        raise ApiError(503, "service_full", headers={"Retry-After": "3600"})
    _add_one(session, _load(Purpose.intake, path), _minute())


def in_burst(session: Session, settings: Settings, municipality_code: str, path: Path) -> bool:
    """Counts the first contact in its municipality's hour (one counter row, in the caller's
    transaction), and says whether it came past the number that ever comes in a normal hour,
    on a way in that costs the sender nothing: then it is marked, so that the coordinators see
    it came in a burst (and may be automated) and can close a flood at once. One that paid a
    proof of work is never marked, so a person who could do one is never swept away with it."""
    hour = hour_of(utcnow())
    name = f"burst:{municipality_code}"
    _add_one(session, name, hour)
    counted = session.scalar(
        select(Counter.count).where(Counter.name == name, Counter.window == hour)
    )
    return path is not Path.proof and counted > settings.burst_intakes_per_hour


# ---------------------------------------------------------------- receipt codes


def count_wrong_code(session: Session, path: Path) -> None:
    """One more wrong receipt code this minute on this way in: its next check-backs cost more.
    Commits."""
    count_this_minute(session, _load(Purpose.checkback, path))


def purge_spent_tokens(session: Session) -> None:
    """Spent tokens past their expiry, and counters of days before yesterday (the worker runs
    it: first contacts count rows of their own, and nothing else would clear them)."""
    session.execute(delete(SpentToken).where(SpentToken.expires_at < utcnow()))
    session.execute(delete(Counter).where(Counter.window < _day() - dt.timedelta(days=2)))
