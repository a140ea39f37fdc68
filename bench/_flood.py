"""The flood scenarios of bench/intake_api.py (see its docstring): while someone floods the
check-back or the no-JavaScript form, does a person still get through, at what cost to whom,
and what does the coordinator get."""

import asyncio
import concurrent.futures
import datetime as dt
import hashlib
import json
import math
import multiprocessing
import os
import re
import secrets
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from intake_api import mailcatcher
from intake_api.limits import leading_zero_bits

ROOT = Path(__file__).resolve().parent.parent
SERVER_NICE = 10  # the server and the worker: the person's solver (nice 0) gets a core
ATTACKER_NICE = 19  # the attackers' solvers take what is left, as their own machines would
READ = "/api/v1/followups/read"
PERSON_MESSAGE = "Jag vill ta mig ur det här men vet inte hur. Kan någon ringa mig?"
FORM_FLOOD = {
    "municipality_code": "0136",
    "role": "self",
    "concern": "other",
    "age_group": "unknown",
    "contact_method": "receipt_code",
    "message": "flood",
}
FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


@dataclass
class Harness:
    """What the flood scenarios need of bench/intake_api.py."""

    environment: Callable[..., dict[str, str]]
    settings_of: Callable[[dict[str, str]], object]
    prepare_database: Callable[[dict[str, str]], None]
    start: Callable[..., tuple[subprocess.Popen, str]]
    stop: Callable[[subprocess.Popen], None]
    free_port: Callable[[], int]
    service_token: str
    body: dict
    coordinator_email: str
    workdir: Path
    concurrency: int
    flood_seconds: float
    grace: float
    capacity: float | None  # create-intake throughput measured before, intakes/s

    @property
    def token(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.service_token}"}


# ---------------------------------------------------------------- proof of work, in processes

_STOP = None  # the pool's stop event, in a solver process


def _solver_init(stop, nice: int) -> None:
    global _STOP
    _STOP = stop
    if nice:
        os.nice(nice)


def solve(challenge: str, difficulty: int, deadline: float) -> tuple[str | None, float]:
    """intake_api.limits.solve's loop (what the tests do, and docs/API.md's JavaScript), which
    gives up at `deadline` (epoch seconds) or when its pool is stopped. With its CPU seconds."""
    began = time.process_time()
    sha256 = hashlib.sha256
    start = 0
    while True:
        for nonce in range(start, start + 16384):
            if leading_zero_bits(sha256(f"{challenge}:{nonce}".encode()).digest()) >= difficulty:
                return str(nonce), time.process_time() - began
        start += 16384
        if time.time() > deadline or (_STOP is not None and _STOP.is_set()):
            return None, time.process_time() - began


def hash_rate(seconds: float = 0.5) -> float:
    """SHA-256 proofs tried a second on one core of this machine, in Python."""
    sha256, count, began = hashlib.sha256, 0, time.perf_counter()
    while time.perf_counter() - began < seconds:
        for nonce in range(count, count + 10000):
            leading_zero_bits(sha256(f"bench.challenge.0.0.0.mac:{nonce}".encode()).digest())
        count += 10000
    return count / (time.perf_counter() - began)


def solver_pool(workers: int, nice: int) -> tuple[concurrent.futures.ProcessPoolExecutor, object]:
    """Forked now, before the event loop and the mail catcher's thread start."""
    context = multiprocessing.get_context("fork")
    stop = context.Event()
    pool = concurrent.futures.ProcessPoolExecutor(
        workers, mp_context=context, initializer=_solver_init, initargs=(stop, nice)
    )
    list(pool.map(time.sleep, [0.1] * workers))
    return pool, stop


def close_pool(pool: concurrent.futures.ProcessPoolExecutor, stop) -> None:
    stop.set()
    pool.shutdown(wait=True, cancel_futures=True)


# ---------------------------------------------------------------- the person


@dataclass
class Attempt:
    outcome: str  # "ok", or what stopped it: "403 challenge_outdated", "unfinished", ...
    seconds: float = 0.0  # from the first request (or challenge) to the answer, solving included
    bits: list[int] = field(default_factory=list)  # each challenge's difficulty
    solve_cpu: float = 0.0
    retries: int = 0  # fresh challenges after 403 challenge_outdated
    reference: str | None = None


def _code(answer: httpx.Response) -> str:
    try:
        return str(answer.json().get("code", ""))
    except ValueError:
        return ""


def _outcome(answer: httpx.Response, wanted: int) -> str:
    if answer.status_code == wanted:
        return "ok"
    return f"{answer.status_code} {_code(answer)}".strip()


Send = Callable[[dict[str, str]], Awaitable[httpx.Response]]


async def with_token(send: Send, token: dict[str, str], wanted: int) -> Attempt:
    began = time.monotonic()
    try:
        answer = await send(token)
    except httpx.HTTPError as error:
        return Attempt(type(error).__name__, time.monotonic() - began)
    attempt = Attempt(_outcome(answer, wanted), time.monotonic() - began)
    if answer.status_code == 201:
        attempt.reference = answer.json()["reference"]
    return attempt


async def with_proof(
    client: httpx.AsyncClient, purpose: str, send: Send, pool, deadline: float, wanted: int
) -> Attempt:
    """What a browser does: fetch a challenge, solve it, send; a fresh one after
    challenge_outdated (docs/API.md), until the deadline."""
    loop = asyncio.get_running_loop()
    began = time.monotonic()
    attempt = Attempt("unfinished")
    try:
        while True:
            challenge = (await client.get("/api/v1/challenges", params={"for": purpose})).json()
            attempt.bits.append(challenge["difficulty"])
            nonce, cpu = await loop.run_in_executor(
                pool, solve, challenge["challenge"], challenge["difficulty"], deadline
            )
            attempt.solve_cpu += cpu
            if nonce is None:
                break
            answer = await send({"X-Pow-Challenge": challenge["challenge"], "X-Pow-Nonce": nonce})
            if answer.status_code == 403 and _code(answer) == "challenge_outdated":
                attempt.retries += 1
                continue
            attempt.outcome = _outcome(answer, wanted)
            if answer.status_code == 201:
                attempt.reference = answer.json()["reference"]
            break
    except httpx.HTTPError as error:
        attempt.outcome = type(error).__name__
    attempt.seconds = time.monotonic() - began
    return attempt


async def person(attempt: Callable[[], Awaitable[Attempt]], every: float, until: float):
    """An attempt every `every` seconds (at once after one that took longer), none begun after
    `until`."""
    results: list[Attempt] = []
    next_start = time.monotonic()
    while max(next_start, time.monotonic()) < until:
        await asyncio.sleep(max(0.0, next_start - time.monotonic()))
        began = time.monotonic()
        results.append(await attempt())
        next_start = began + every
    return results


# ---------------------------------------------------------------- the attackers


def _wrong_code() -> str:
    return f"{secrets.randbelow(10**16):016d}"  # well formed: it costs the server an argon2id


async def _sleep_unless(stop: asyncio.Event, seconds: float) -> bool:
    """Sleeps; True when `stop` was set meanwhile."""
    try:
        await asyncio.wait_for(stop.wait(), seconds)
        return True
    except TimeoutError:
        return False


async def guess_with_token(client, token, stop: asyncio.Event, tally: Counter) -> None:
    while not stop.is_set():
        try:
            answer = await client.post(READ, json={"receipt_code": _wrong_code()}, headers=token)
        except httpx.HTTPError as error:
            tally[type(error).__name__] += 1
            continue
        tally[_outcome(answer, 200)] += 1


async def guess_with_proof(client, stop: asyncio.Event, tally: Counter, bits: list, pool):
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        challenge = (await client.get("/api/v1/challenges", params={"for": "checkback"})).json()
        bits.append(challenge["difficulty"])
        nonce, _cpu = await loop.run_in_executor(
            pool, solve, challenge["challenge"], challenge["difficulty"], math.inf
        )
        if nonce is None:
            break
        proof = {"X-Pow-Challenge": challenge["challenge"], "X-Pow-Nonce": nonce}
        answer = await client.post(READ, json={"receipt_code": _wrong_code()}, headers=proof)
        tally[_outcome(answer, 200)] += 1


def _form_token(page: str) -> tuple[int, str]:
    token = FORM_TOKEN.search(page).group(1)
    return int(token.split(".")[1]), token  # <random>.<not-before>.<expires>.<bits>.<mac>


async def fetch_form_tokens(client, queue: asyncio.Queue, count: int, fetchers: int) -> None:
    """`count` form pages, `fetchers` at a time: each a token usable after its wait."""
    left = count

    async def fetcher() -> None:
        nonlocal left
        while left > 0:
            left -= 1
            queue.put_nowait(_form_token((await client.get("/api/v1/form")).text))

    await asyncio.gather(*(fetcher() for _ in range(fetchers)))


async def post_forms(client, queue: asyncio.Queue, stop: asyncio.Event, tally: Counter) -> None:
    """Takes the oldest token, waits until it works, posts the form for Haninge."""
    while not stop.is_set():
        try:
            not_before, token = queue.get_nowait()
        except asyncio.QueueEmpty:
            await _sleep_unless(stop, 0.05)
            continue
        if await _sleep_unless(stop, max(0.0, not_before - time.time() + 0.02)):
            break
        try:
            answer = await client.post("/api/v1/form", data={"form_token": token, **FORM_FLOOD})
        except httpx.HTTPError as error:
            tally[type(error).__name__] += 1
            continue
        tally[_outcome(answer, 201)] += 1


async def top_up_form_tokens(client, queue: asyncio.Queue, stop: asyncio.Event, low: int):
    """Fetches more tokens when the stock runs low (their wait has grown with the flood)."""
    while not stop.is_set():
        if queue.qsize() >= low:
            await _sleep_unless(stop, 0.1)
            continue
        queue.put_nowait(_form_token((await client.get("/api/v1/form")).text))


# ---------------------------------------------------------------- one flood


@dataclass
class Flood:
    title: str
    seconds: float  # how long the attack ran (the flood, and any grace for the person)
    attacker: Counter
    people: dict[str, list[Attempt]]
    calm_bits: int
    end_bits: int
    attacker_bits: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    attacker_rate: float = 0.0  # what the attacker got through a minute
    attacker_unit: str = ""
    mine: tuple[int, int] = (0, 0)  # the person's first contacts, and of them marked burst


async def drive(h: Harness, attack, people: dict, every: float, probe, on_stop) -> tuple:
    """Attack and people at once; people start attempts for flood_seconds, the attack goes on
    until their last attempt ends. Returns (attack seconds, attempts by path, probe())."""
    stop = asyncio.Event()
    began = time.monotonic()
    attackers = [asyncio.create_task(coroutine) for coroutine in attack(stop)]
    until = began + h.flood_seconds
    results = await asyncio.gather(*(person(fn, every, until) for fn in people.values()))
    await asyncio.sleep(max(0.0, until - time.monotonic()))
    probed = await probe()
    stop.set()
    on_stop()
    await asyncio.gather(*attackers)
    return time.monotonic() - began, dict(zip(people, results, strict=True)), probed


async def _difficulty(client, purpose: str) -> int:
    answer = await client.get("/api/v1/challenges", params={"for": purpose})
    return answer.json()["difficulty"]


def _clients(base: str, concurrency: int) -> tuple[httpx.AsyncClient, httpx.AsyncClient]:
    many = httpx.Limits(max_connections=4 * concurrency, max_keepalive_connections=4 * concurrency)
    return (
        httpx.AsyncClient(base_url=base, timeout=120, limits=many),
        httpx.AsyncClient(base_url=base, timeout=120),
    )


async def _checkback(h: Harness, base: str, via: str, person_pool, attacker_pool, attacker_stop):
    attacker_client, person_client = _clients(base, h.concurrency)
    async with attacker_client, person_client:
        sent = await person_client.post("/api/v1/intakes", json=h.body, headers=h.token)
        code = sent.json()["receipt_code"]
        calm = await _difficulty(person_client, "checkback")
        deadline = time.time() + h.flood_seconds + h.grace
        tally: Counter = Counter()
        attacker_bits: list[int] = []

        def attack(stop):
            if via == "token":
                return [
                    guess_with_token(attacker_client, h.token, stop, tally)
                    for _ in range(h.concurrency)
                ]
            return [
                guess_with_proof(attacker_client, stop, tally, attacker_bits, attacker_pool)
                for _ in range(h.concurrency)
            ]

        def read(headers):
            return person_client.post(READ, json={"receipt_code": code}, headers=headers)

        people = {
            "proof of work": lambda: with_proof(
                person_client, "checkback", read, person_pool, deadline, 200
            ),
            "service token": lambda: with_token(read, h.token, 200),
        }

        async def probe():
            return await _difficulty(person_client, "checkback")

        def on_stop():
            if attacker_stop is not None:
                attacker_stop.set()

        seconds, results, end_bits = await drive(h, attack, people, 1.0, probe, on_stop)
    title = (
        "through the service token (the chatbot's path)"
        if via == "token"
        else "with a proof of work per guess"
    )
    flood = Flood(
        f"check-back flood {title}", seconds, tally, results, calm, end_bits, attacker_bits
    )
    flood.attacker_rate = tally["403 wrong_receipt_code"] / seconds * 60
    flood.attacker_unit = "wrong codes/min answered (403 wrong_receipt_code)"
    return flood


def checkback_flood(h: Harness, via: str) -> Flood:
    env = h.environment(h.workdir / f"checkback-{via}.db", h.free_port())
    h.prepare_database(env)
    person_pool, person_stop = solver_pool(1, 0)
    attacker_pool, attacker_stop = (
        solver_pool(h.concurrency, ATTACKER_NICE) if via == "proof" else (None, None)
    )
    process, base = h.start("intake", env, SERVER_NICE)
    try:
        return asyncio.run(_checkback(h, base, via, person_pool, attacker_pool, attacker_stop))
    finally:
        h.stop(process)
        close_pool(person_pool, person_stop)
        if attacker_pool is not None:
            close_pool(attacker_pool, attacker_stop)


async def _form(h: Harness, base: str, person_pool, notes: list[str]):
    attacker_client, person_client = _clients(base, h.concurrency)
    async with attacker_client, person_client:
        calm = await _difficulty(person_client, "intake")
        not_before, _token = _form_token((await person_client.get("/api/v1/form")).text)
        calm_wait = math.ceil(not_before - time.time())  # not-before is in whole seconds
        # The stock: as many tokens as the server could take in the flood. Fetching a page
        # is not counted anywhere, and a token works for an hour once its (calm) wait is over.
        stock = math.ceil((h.capacity or 50.0) * h.flood_seconds * 1.1)
        queue: asyncio.Queue = asyncio.Queue()
        began = time.monotonic()
        await fetch_form_tokens(attacker_client, queue, stock, h.concurrency)
        notes.append(
            f"{stock} form tokens fetched in {time.monotonic() - began:.1f} s before the flood "
            f"(calm wait {calm_wait} s; fetching is free)"
        )
        deadline = time.time() + h.flood_seconds + h.grace
        tally: Counter = Counter()

        def attack(stop):
            posters = [
                post_forms(attacker_client, queue, stop, tally) for _ in range(h.concurrency)
            ]
            return [*posters, top_up_form_tokens(attacker_client, queue, stop, 4 * h.concurrency)]

        body = {**h.body, "message": PERSON_MESSAGE}

        def send(headers):
            return person_client.post("/api/v1/intakes", json=body, headers=headers)

        people = {
            "proof of work": lambda: with_proof(
                person_client, "intake", send, person_pool, deadline, 201
            ),
            "service token": lambda: with_token(send, h.token, 201),
        }

        async def probe():
            bits = await _difficulty(person_client, "intake")
            not_before, _token = _form_token((await person_client.get("/api/v1/form")).text)
            return bits, math.ceil(not_before - time.time())

        seconds, results, (end_bits, end_wait) = await drive(
            h, attack, people, 2.0, probe, lambda: None
        )
    notes.append(
        f"the form's wait when the flood ended: {end_wait} s (what a person on "
        "the no-JavaScript form would wait then, while filling it in)"
    )
    flood = Flood(
        "form flood (no-JavaScript form, all for Haninge 0136)",
        seconds,
        tally,
        results,
        calm,
        end_bits,
        notes=notes,
    )
    flood.attacker_rate = tally["ok"] / seconds * 60
    flood.attacker_unit = "first contacts/min stored (201)"
    return flood


def form_flood(h: Harness) -> Flood:
    from sqlalchemy import func, select

    from intake_api import worker
    from intake_api.clock import hour_of, utcnow
    from intake_api.db import get_sessionmaker
    from intake_api.models import Intake, OutboxMail

    smtp_port = h.free_port()
    env = h.environment(h.workdir / "form.db", smtp_port)
    h.prepare_database(env)
    person_pool, person_stop = solver_pool(1, 0)
    mail_worker = subprocess.Popen(
        ["nice", "-n", str(SERVER_NICE), sys.executable, "-m", "intake_api.worker"],
        env=env,
        cwd=ROOT,
        stderr=subprocess.DEVNULL,
    )
    controller, catcher = mailcatcher.start(smtp_port)
    process, base = h.start("intake", env, SERVER_NICE)
    notes: list[str] = []
    try:
        flood = asyncio.run(_form(h, base, person_pool, notes))
    finally:
        h.stop(process)
        h.stop(mail_worker)
        close_pool(person_pool, person_stop)
    try:
        during = len(catcher.messages)
        settings = h.settings_of(env)
        with get_sessionmaker(settings.database_url)() as session:
            past_the_hour = hour_of(utcnow()) + dt.timedelta(hours=1, seconds=1)
            worker.send_due_mail(session, settings, past_the_hour)
            kinds = Counter(
                dict(
                    session.execute(
                        select(OutboxMail.kind, func.count())
                        .where(OutboxMail.sent.is_(True))
                        .group_by(OutboxMail.kind)
                    ).all()
                )
            )
            unsent = session.scalar(
                select(func.count()).select_from(OutboxMail).where(OutboxMail.sent.is_(False))
            )
            digests = session.scalars(
                select(OutboxMail.digest_counts).where(OutboxMail.kind == "digest")
            ).all()
            stored = session.scalar(select(func.count()).select_from(Intake))
            burst = session.scalar(select(func.count()).select_from(Intake).where(Intake.burst))
            mine = [
                a.reference for attempts in flood.people.values() for a in attempts if a.reference
            ]
            mine_burst = session.scalar(
                select(func.count())
                .select_from(Intake)
                .where(Intake.reference.in_(mine), Intake.burst)
            )
        received = catcher.wait_for(kinds.total(), timeout=10) and len(catcher.messages)
    finally:
        controller.stop()
    folded = [json.loads(counts or "{}") for counts in digests]
    in_digests = sum(total for counts in folded for total, _b in counts.values())
    burst_in_digests = sum(b for counts in folded for _total, b in counts.values())
    flood.notes.append(
        f"coordinator ({h.coordinator_email}): {kinds['new_intake']} single mails (the worker "
        f"sent {during} during the flood), then {kinds['digest']} digest when the hour ended, "
        f"counting {in_digests} first contacts ({burst_in_digests} marked burst); "
        f"{received} mails in all reached the SMTP server, {unsent} left unsent"
    )
    flood.notes.append(
        f"stored: {stored} first contacts ({burst} marked burst); the person's: "
        f"{len(mine)}, of them {mine_burst} marked burst"
    )
    flood.mine = (len(mine), mine_burst)
    return flood


# ---------------------------------------------------------------- report


def _seconds(values: list[float]) -> str:
    return f"p50 {statistics.median(values):.2f} s, max {max(values):.2f} s"


def _attempts(path: str, attempts: list[Attempt], verb: str) -> str:
    ok = [a for a in attempts if a.outcome == "ok"]
    text = f"    person, {path}: {len(ok)}/{len(attempts)} {verb}"
    if attempts:
        text += f", {_seconds([a.seconds for a in attempts])}"
    refused = Counter(a.outcome for a in attempts if a.outcome not in ("ok", "unfinished"))
    if refused:
        text += "; REFUSED: " + ", ".join(f"{k} x{v}" for k, v in refused.items())
    for a in attempts:
        if a.outcome == "unfinished":
            text += (
                f"; still solving when the bench stopped it, after {a.seconds:.1f} s "
                f"({a.solve_cpu:.1f} s CPU) at {a.bits[-1]} bits"
            )
    bits = [b for a in attempts for b in a.bits]
    if bits:
        cpu = [a.solve_cpu for a in attempts]
        retries = sum(a.retries for a in attempts)
        text += (
            f"\n      solving {min(bits)}-{max(bits)} bits: {_seconds(cpu)} of CPU an "
            f"attempt; {retries} fresh challenges after challenge_outdated"
        )
    return text


def report(flood: Flood, concurrency: int, verb: str) -> None:
    print(f"  {flood.title}: {concurrency} attackers, {flood.seconds:.1f} s")
    others = {k: v for k, v in flood.attacker.items() if k not in ("ok", "403 wrong_receipt_code")}
    extra = (
        "; other answers: " + ", ".join(f"{k} x{v}" for k, v in others.items()) if others else ""
    )
    print(f"    attacker: {flood.attacker_rate:,.0f} {flood.attacker_unit}{extra}")
    solved = (
        f" (the attackers' challenges: up to {max(flood.attacker_bits)})"
        if flood.attacker_bits
        else ""
    )
    print(
        f"    difficulty: {flood.calm_bits} bits calm, {flood.end_bits} when the flood "
        f"ended{solved}"
    )
    for path, attempts in flood.people.items():
        print(_attempts(path, attempts, verb))
    for note in flood.notes:
        print(f"    {note}")


def run_floods(h: Harness) -> None:
    from intake_api.config import Settings

    defaults = Settings.model_fields
    base_bits = defaults["pow_difficulty_bits"].default
    most = base_bits + defaults["pow_max_extra_bits"].default
    calm_codes = defaults["calm_wrong_codes_per_minute"].default
    ceiling = defaults["max_intakes_per_day_from_form"].default
    proof_ceiling = defaults["max_intakes_per_day_with_proof"].default
    rate = hash_rate()
    print(
        f"floods: production settings as shipped (proof of work {base_bits} bits, up to "
        f"{most}; form wait {defaults['form_min_seconds'].default:.0f} s, up to "
        f"{defaults['form_max_wait_seconds'].default:.0f} s; storage ceilings "
        f"{ceiling:,} a day each); {h.flood_seconds:.0f} s each (+ at most "
        f"{h.grace:.0f} s for the person's last attempt); server at nice {SERVER_NICE}, "
        f"attackers' solvers at nice {ATTACKER_NICE}; proofs solved in Python at "
        f"{rate / 1e6:.2f} M hashes/s a core"
    )
    floods = []
    for via in ("token", "proof"):
        floods.append(checkback_flood(h, via))
        report(floods[-1], h.concurrency, "read their thread")
    form = form_flood(h)
    floods.append(form)
    report(form, h.concurrency, "sent (201)")

    attempts = [
        (flood, path, a)
        for flood in floods
        for path, attempts in flood.people.items()
        for a in attempts
    ]
    refused = [item for item in attempts if item[2].outcome not in ("ok", "unfinished")]
    unfinished = [a for _flood, _path, a in attempts if a.outcome == "unfinished"]
    if not refused and not unfinished:
        print(
            "attacker requests per minute to lock out one person: none found (the person "
            "got through in every scenario)"
        )
    elif not refused:
        print(
            "attacker requests per minute to lock out one person: none found (no answer "
            f"refused the person; {len(unfinished)} of their {len(attempts)} attempts "
            f"{'was' if len(unfinished) == 1 else 'were'} still "
            f"solving its proof when the bench stopped it, after up to "
            f"{max(a.seconds for a in unfinished):.0f} s: see below)"
        )
    else:
        worst = min(refused, key=lambda item: item[0].attacker_rate)
        flood, path, attempt = worst
        print(
            f"attacker requests per minute to lock out one person: "
            f"{flood.attacker_rate:,.0f} ({flood.attacker_unit}, {flood.title}): the "
            f"person was not through on the {path} path ({attempt.outcome}); "
            f"{len(refused)} such attempts in all"
        )

    # What the runs cannot show in their seconds: arithmetic on what they measured.
    token_flood = floods[0]
    hashes = 2**most
    mine, mine_burst = form.mine
    print("  by arithmetic on these figures (not seen as a refusal in the runs):")
    rates = [form.attacker_rate] + ([h.capacity * 60] if h.capacity else [])
    fills = "-".join(f"{ceiling / max(r, 1):.0f}" for r in sorted(rates, reverse=True))
    capacity = f" and the service took {h.capacity * 60:,.0f}/min above" if h.capacity else ""
    print(
        f"  - the form's storage ceiling ({ceiling:,} first contacts a UTC day): the form flood "
        f"here got {form.attacker_rate:,.0f}/min (sharing the cores with the person's "
        f"solver){capacity}, so it is full after {fills} min (or {ceiling / 1440:.0f}/min over "
        "a whole day); until midnight UTC every first contact through the form then answers "
        "503 service_full. The chatbot and the proof path keep their own ceilings (the "
        f"chatbot's as cheap to fill; the proof path's {proof_ceiling:,}: at {most} bits that "
        f"is {proof_ceiling * 2**most:.1e} hashes, "
        f"{proof_ceiling * 2**most / rate / 86400:.0f} core-days of Python here)."
    )
    print(
        f"  - at the most the load asks ({most} bits: {hashes / 1e6:.1f} M hashes on average), "
        f"a proof costs the person {hashes / rate:.0f} s of a core here; at the docs' \"a "
        f'second or two on a cheap phone" for {base_bits} bits, '
        f"{2 ** (most - base_bits) / 60:.0f}-{2 * 2 ** (most - base_bits) / 60:.0f} min on "
        f"that phone. Only wrong codes sent with a proof raise it: more than "
        f"{calm_codes * 2 ** (most - base_bits - 1):,} of them in the current and last minute "
        f"(through the chatbot the attackers here sent {token_flood.attacker_rate:,.0f}/min, "
        "which price only the chatbot's path)."
    )
    print(
        f"  - the person's first contacts in the form flood: {mine_burst} of {mine} marked "
        "burst (a proof of work is never marked; through the chatbot or the form they are, "
        'and the workspace\'s "close bursts" closes them unread with the flood, until the '
        "person writes again)."
    )
