"""Figures for the intake API (not a test): `uv run --frozen python bench/intake_api.py`
(options: `--seconds 6` a throughput measurement, `--rounds 3`, `--flood-seconds 20`,
`--flood-grace 20`, `--skip-floods`, `--skip-throughput`; about 3 minutes on 2 cores).

Every server is a real uvicorn (intake_api.server's config), one process, on a temporary SQLite
database, reached over loopback; the load generator shares the machine's cores with it, so the
figures are for comparison within one run. The service runs as in production:
INTAKE_ENVIRONMENT=production with random strong secrets made for the run, argon2id at the
production parameters (t=2, 19 MiB), and the proof-of-work, form, notification and
storage-ceiling settings as shipped, except where said. INTAKE_* variables of the calling shell
are ignored. The machine may be shared: the load average is printed before and after.

1. Create-intake throughput and p50/p99 latency: 8 clients through the service token, all for
   Haninge, so that past the third intake of the hour each is marked burst and folded into the
   coordinator's digest, as in a flood. For these runs only, the storage ceilings
   (INTAKE_MAX_INTAKES_PER_DAY_*) are raised so that the service does not fill up mid-run.
   Beside it, in the same run and on the same cores, the crypto that a first contact cannot
   avoid runs alone (what intakes.create_intake does: a receipt code, argon2id on it, a data
   key, the key wrapped by the receipt key and sealed to the one coordinator, the message
   encrypted, a reference) on a pool of threads of the same concurrency in this process.
   Threads, because that is how the server runs it (one process, each request on a thread of
   anyio's pool), and argon2-cffi and PyNaCl release the GIL, so that threads use every core;
   processes would do the same arithmetic with less in common with the server. The two take
   turns in interleaved rounds, so that whatever else the machine does falls on both alike.
   The CPU time of the server process (from /proc) and of the load generator is counted, so
   the cost of the rest of the path shows in milliseconds an intake. Context: a bare FastAPI
   endpoint that validates the same body, and the intake path with argon2 lowered, with the
   digest as above and with every intake mailed (INTAKE_NOTIFICATIONS_PER_HOUR raised).
2. Intake-to-mail: from the 201 to the notification arriving at an aiosmtpd server, with the
   outbox worker running as in production (its own process, default poll interval), and
   INTAKE_NOTIFICATIONS_PER_HOUR raised so that every intake is mailed on its own.
3. Floods (bench/_flood.py), with the storage ceilings as shipped:
   - check-back flood: 8 attackers send wrong receipt codes as fast as they can, once through
     the service token (as through the chatbot, the cheapest path) and once with a proof of
     work per guess, while a person with the right code checks back once a second, with a
     proof of work and through the service token;
   - form flood: 8 attackers post the no-JavaScript form for Haninge as fast as the server
     takes them, from a stock of form tokens fetched beforehand (fetching a page costs nothing
     and a token lasts an hour, so they wait out the form's wait in parallel), while a person
     sends a first contact every 2 s, with a proof of work and through the service token. The
     worker mails during the flood; afterwards it runs once with the time moved past the hour
     to send the digest, and the outbox says what the coordinator got.
   Proofs are solved in Python (intake_api.limits' loop; its rate on one core is printed): far
   faster than the cheap phone of docs/API.md (65,000 hashes in a second or two), so the
   person's times are a floor for a phone's, and far slower than an attacker's native code
   or GPU, so the proof-of-work attacker's rate is a floor too. The server, the attackers and
   the person share the cores here, so in the floods the server and the worker run at nice 10
   and the attackers' solvers at nice 19: the person's solver gets about a core, as on their
   own phone. A flood lasts --flood-seconds, and goes on while an attempt the person began in
   it is unfinished, at most --flood-grace more (then the attempt counts as unfinished).
4. The cost for an attacker to lock out one person: what the floods showed, then arithmetic on
   their figures for what a run of seconds cannot show (the daily storage ceiling, the most
   expensive proof, the person's first contacts marked as part of the burst).

Targets (issue 12): create-intake throughput >= 85% of the unavoidable crypto run alone;
intake-to-mail <= 5 s; an attacker cannot lock anyone out: there is no rate at which the person
is refused, only the attacker's own requests get dearer.
"""

import argparse
import asyncio
import contextlib
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import _flood  # noqa: E402

from intake_api import mailcatcher  # noqa: E402

# Strong, random, made for this run: production refuses anything weaker.
SERVICE_TOKEN = secrets.token_hex(32)
SECRET_KEY = secrets.token_hex(32)
COORDINATOR = ("haninge", "haninge@example.org", "granris-fyrtorn-bench-41", ["0136"])
BODY = {
    "municipality_code": "0136",
    "role": "relative",
    "concern": "worried_about_child",
    "age_group": "under_18",
    "language": "sv",
    "contact_method": "receipt_code",
    "message": "Jag är orolig för min son, han har börjat umgås med äldre killar.",
}
UNLIMITED = "1000000000"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------- the bare endpoint


def bare_app():
    from fastapi import FastAPI

    from intake_api.models import IntakeCreate

    app = FastAPI()

    @app.post("/api/v1/intakes", status_code=201)
    def create(data: IntakeCreate) -> dict:
        return {"reference": "VU-BARE-0000", "municipality": data.municipality_code}

    return app


def serve(target: str, port: int, nice: int) -> None:
    import uvicorn

    from intake_api.server import uvicorn_config

    if nice:
        os.nice(nice)
    app = "intake_api.main:app" if target == "intake" else bare_app()
    uvicorn.Server(uvicorn_config(app=app, port=port, log_level="warning")).run()


# ---------------------------------------------------------------- setup


def environment(database: Path, smtp_port: int, **extra: str) -> dict[str, str]:
    """Production, with this run's secrets; nothing of the calling shell's INTAKE_*."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    return {
        **inherited,
        "INTAKE_ENVIRONMENT": "production",
        "INTAKE_DATABASE_URL": f"sqlite:///{database}",
        "INTAKE_SERVICE_TOKEN": SERVICE_TOKEN,
        "INTAKE_SECRET_KEY": SECRET_KEY,
        "INTAKE_SMTP_PORT": str(smtp_port),
        **extra,
    }


def settings_of(env: dict[str, str]):
    """The Settings the server makes of `env`, made here (for the database, the worker)."""
    from intake_api.config import Settings

    values = {
        k.removeprefix("INTAKE_").lower(): v for k, v in env.items() if k.startswith("INTAKE_")
    }
    return Settings(**values)


def prepare_database(env: dict[str, str]) -> None:
    """The schema, and one coordinator for Haninge (0136)."""
    from intake_api import coordinators
    from intake_api.db import get_sessionmaker, migrate

    settings = settings_of(env)
    migrate(settings.database_url)
    username, email, password, municipalities = COORDINATOR
    with get_sessionmaker(settings.database_url)() as session:
        coordinators.create_coordinator(
            session, settings, username, email, password, municipalities
        )


def start(target: str, env: dict[str, str], nice: int = 0) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, __file__, "--serve", target, "--port", str(port)]
    process = subprocess.Popen([*command, "--nice", str(nice)], env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/api/v1/nothing", timeout=1)
            return process, base
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{target} did not start")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


# ---------------------------------------------------------------- throughput


WARMUP = 0.5  # seconds at the start of each round, not counted


@dataclass
class Sample:
    """One measurement summed over its rounds."""

    count: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    rounds: list[float] = field(default_factory=list)  # the rate of each round
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds, by whose

    def add(self, count, seconds, latencies, failures, cpu) -> None:
        self.count += count
        self.seconds += seconds
        self.latencies += latencies
        self.failures += failures
        self.rounds.append(count / seconds)
        for whose, used in cpu.items():
            self.cpu[whose] = self.cpu.get(whose, 0.0) + used

    @property
    def rate(self) -> float:
        return self.count / self.seconds

    def cpu_ms(self, whose: str) -> float:
        """CPU milliseconds an intake (or request), all threads of `whose` process."""
        return self.cpu[whose] / self.count * 1000


# Completed, seconds, their latencies, failures, CPU seconds by whose.
Round = tuple[int, float, list[float], int, dict[str, float]]


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process, all its threads, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def interleaved(runs: dict[str, Callable[[float], Round]], seconds: float, rounds: int):
    """Each run for seconds/rounds in turn, `rounds` times: what else the machine does (it
    is shared) falls on all of them alike, not on whichever ran when it was busy."""
    samples = {label: Sample() for label in runs}
    for _ in range(rounds):
        for label, run in runs.items():
            samples[label].add(*run(seconds / rounds))
    return samples


async def load(base: str, seconds: float, concurrency: int, pid: int) -> Round:
    latencies: list[float] = []
    failures = 0
    headers = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=base, headers=headers, limits=limits, timeout=60
    ) as client:

        async def one_client(stop_at: float, record: bool) -> None:
            nonlocal failures
            while time.perf_counter() < stop_at:
                started = time.perf_counter()
                answer = await client.post("/api/v1/intakes", json=BODY)
                if answer.status_code != 201:
                    failures += 1
                elif record:
                    latencies.append(time.perf_counter() - started)

        warmup_until = time.perf_counter() + WARMUP
        await asyncio.gather(*(one_client(warmup_until, False) for _ in range(concurrency)))
        began, server, generator = time.perf_counter(), cpu_seconds(pid), time.process_time()
        stop_at = began + seconds
        await asyncio.gather(*(one_client(stop_at, True) for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
        cpu = {"server": cpu_seconds(pid) - server,
               "load generator": time.process_time() - generator}  # fmt: skip
    return len(latencies), elapsed, latencies, failures, cpu


@dataclass
class Served:
    base: str
    pid: int


def http(served: Served, concurrency: int) -> Callable[[float], Round]:
    return lambda seconds: asyncio.run(load(served.base, seconds, concurrency, served.pid))


@contextlib.contextmanager
def serving(target: str, env: dict[str, str]) -> Iterator[Served]:
    process, base = start(target, env)
    try:
        yield Served(base, process.pid)
    finally:
        stop(process)


def line(label: str, sample: Sample, note: str = "") -> None:
    p50 = statistics.median(sample.latencies) * 1000
    p99 = statistics.quantiles(sample.latencies, n=100)[98] * 1000
    spread = f"{min(sample.rounds):.0f}-{max(sample.rounds):.0f}"
    failures = f"   ({sample.failures} non-201)" if sample.failures else ""
    print(
        f"  {label:48} {sample.rate:6.1f} /s ({spread:>7})   p50 {p50:6.1f} ms   "
        f"p99 {p99:6.1f} ms{failures}{note}"
    )


class UnavoidableCrypto:
    """What create_intake cannot do without, per intake: a receipt code and argon2id on it
    (crypto.receipt_keys), a data key, the key wrapped by the receipt key and sealed to the
    one coordinator, the message encrypted, a reference. On threads, like the server."""

    def __init__(self, settings, concurrency: int) -> None:
        from nacl.public import PrivateKey

        from intake_api.text import clean_message

        self.settings = settings
        self.concurrency = concurrency
        self.public_key = bytes(PrivateKey.generate().public_key)
        self.message = clean_message(BODY["message"])

    def one_intake(self) -> None:
        from intake_api import crypto

        receipt = crypto.receipt_keys(crypto.new_receipt_code(), self.settings)
        data_key = crypto.new_data_key()
        crypto.wrap(receipt.wrapping_key, data_key)
        crypto.seal_to(self.public_key, data_key)
        crypto.encrypt(data_key, self.message)
        crypto.new_reference()

    def one_thread_ms(self, times: int = 5) -> float:
        took = []
        for _ in range(times):
            started = time.perf_counter()
            self.one_intake()
            took.append(time.perf_counter() - started)
        return statistics.median(took) * 1000

    def __call__(self, seconds: float) -> Round:
        latencies: list[float] = []
        lock = threading.Lock()
        began = time.perf_counter() + WARMUP
        stop_at = began + seconds

        def worker() -> None:
            while (started := time.perf_counter()) < stop_at:
                self.one_intake()
                if started >= began:
                    with lock:
                        latencies.append(time.perf_counter() - started)

        threads = [threading.Thread(target=worker) for _ in range(self.concurrency)]
        for thread in threads:
            thread.start()
        time.sleep(max(0.0, began - time.perf_counter()))
        cpu = time.process_time()
        for thread in threads:
            thread.join()
        cpu = {"crypto": time.process_time() - cpu}
        return len(latencies), time.perf_counter() - began, latencies, 0, cpu


# ---------------------------------------------------------------- intake-to-mail


def mail_latency(workdir: Path, samples: int) -> list[float]:
    smtp_port = free_port()
    controller, catcher = mailcatcher.start(smtp_port)
    env = environment(workdir / "mail.db", smtp_port, INTAKE_NOTIFICATIONS_PER_HOUR=UNLIMITED)
    prepare_database(env)
    worker = subprocess.Popen(
        [sys.executable, "-m", "intake_api.worker"], env=env, cwd=ROOT, stderr=subprocess.DEVNULL
    )
    process, base = start("intake", env)
    delays = []
    try:
        headers = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
        for number in range(1, samples + 1):
            answer = httpx.post(f"{base}/api/v1/intakes", json=BODY, headers=headers, timeout=30)
            answered = time.perf_counter()
            assert answer.status_code == 201, answer.text
            if not catcher.wait_for(number, timeout=30):
                raise SystemExit("a mail did not arrive within 30 s")
            delays.append(time.perf_counter() - answered)
            time.sleep(0.37)  # spread the intakes over the worker's poll cycle
    finally:
        for child in (process, worker):
            stop(child)
        controller.stop()
    return delays


# ---------------------------------------------------------------- main


def throughput(workdir: Path, args: argparse.Namespace) -> float:
    """Section 1; returns the create-intake throughput (intakes/s, production argon2id)."""
    seconds, concurrency, rounds = args.seconds, args.concurrency, args.rounds
    smtp_port = free_port()  # nothing listens: the throughput runs only queue mail
    room = {"INTAKE_MAX_INTAKES_PER_DAY_FROM_CHAT": UNLIMITED,
            "INTAKE_MAX_INTAKES_PER_DAY_FROM_FORM": UNLIMITED,
            "INTAKE_MAX_INTAKES_PER_DAY_WITH_PROOF": UNLIMITED}  # fmt: skip
    lowered = {"INTAKE_ARGON2_TIME_COST": "1", "INTAKE_ARGON2_MEMORY_KIB": "64", **room}
    single = {
        "INTAKE_NOTIFICATIONS_PER_HOUR": UNLIMITED,
        "INTAKE_BURST_INTAKES_PER_HOUR": UNLIMITED,
    }
    print(
        f"create-intake throughput: {concurrency} clients, {seconds:.0f} s a measurement in "
        f"{rounds} interleaved rounds (rate over all, and the rounds' lowest-highest); storage "
        "ceilings (INTAKE_MAX_INTAKES_PER_DAY_*) raised to 10^9 for these runs only"
    )
    label = "bare FastAPI endpoint (same body, validated)"
    with serving("bare", environment(workdir / "bare.db", smtp_port)) as base:
        bare = interleaved({label: http(base, concurrency)}, seconds, 1)[label]
    line(label, bare)

    production = environment(workdir / "prod.db", smtp_port, **room)
    prepare_database(production)
    crypto = UnavoidableCrypto(settings_of(production), concurrency)
    intake, alone = "POST /api/v1/intakes (production argon2id)", "unavoidable crypto alone"
    with serving("intake", production) as base:
        runs = interleaved({intake: http(base, concurrency), alone: crypto}, seconds, rounds)
    line(intake, runs[intake])
    line(f"{alone} ({concurrency} threads)", runs[alone],
         f"   (one thread: {crypto.one_thread_ms():.1f} ms)")  # fmt: skip

    folded, each = (
        environment(workdir / "low.db", smtp_port, **lowered),
        environment(workdir / "low-single.db", smtp_port, **lowered, **single),
    )
    for env in (folded, each):
        prepare_database(env)
    digest, mailed = "argon2 lowered: the rest of the path", "  the same, each intake mailed"
    with serving("intake", folded) as one, serving("intake", each) as other:
        rest = interleaved({digest: http(one, concurrency), mailed: http(other, concurrency)},
                           seconds, rounds)  # fmt: skip
    line(digest, rest[digest], "   (past 3 an hour: burst, digest)")
    line(mailed, rest[mailed], "   (notifications_per_hour raised)")

    ratio = runs[intake].rate / runs[alone].rate
    per_round = [a / b for a, b in zip(runs[intake].rounds, runs[alone].rounds, strict=True)]
    server, generator = runs[intake].cpu_ms("server"), runs[intake].cpu_ms("load generator")
    unavoidable = runs[alone].cpu_ms("crypto")
    verdict = "met" if ratio >= 0.85 else "NOT met"
    print(
        f"  create-intake / unavoidable crypto alone: {ratio:.1%} (rounds "
        f"{min(per_round):.0%}-{max(per_round):.0%}; by CPU time an intake, which the "
        f"machine's other load disturbs less: {unavoidable / (server + generator):.1%}); "
        f"target >= 85%: {verdict}"
    )
    print(
        f"  CPU an intake: server {server:.1f} ms + load generator {generator:.1f} ms, against "
        f"{unavoidable:.1f} ms for the crypto alone: the rest of the server's path costs "
        f"{server - unavoidable:.1f} ms (argon2 lowered: {rest[digest].cpu_ms('server'):.1f} ms "
        f"with the digest, {rest[mailed].cpu_ms('server'):.1f} ms mailing each)"
    )
    print(
        f"  context: intake / bare endpoint {runs[intake].rate / bare.rate:.1%}; argon2 "
        f"lowered / bare {rest[digest].rate / bare.rate:.1%}; the bare endpoint's server "
        f"spends {bare.cpu_ms('server'):.1f} ms CPU a request"
    )
    return runs[intake].rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="per throughput run")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved, per measurement")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--mail-samples", type=int, default=10)
    parser.add_argument("--flood-seconds", type=float, default=20.0, help="per flood")
    parser.add_argument(
        "--flood-grace",
        type=float,
        default=20.0,
        help="most a flood goes on for a person's unfinished attempt",
    )
    parser.add_argument("--skip-floods", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--serve", choices=["intake", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--nice", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.nice)
        return
    for name in [name for name in os.environ if name.startswith("INTAKE_")]:
        del os.environ[name]  # this process's Settings read only what the bench sets

    print(
        f"intake API benchmark: {os.cpu_count()} cores (load average {os.getloadavg()[0]:.1f} "
        "before the run), SQLite (WAL), loopback, INTAKE_ENVIRONMENT=production with random "
        "secrets, production argon2id"
    )
    with tempfile.TemporaryDirectory(prefix="vagut-bench-") as tmp:
        workdir = Path(tmp)
        capacity = None
        if not args.skip_throughput:
            capacity = throughput(workdir, args)
            delays = mail_latency(workdir, args.mail_samples)
            print(
                f"intake-to-mail over {len(delays)} intakes (notifications_per_hour raised: "
                f"each mailed): p50 {statistics.median(delays):.2f} s, max {max(delays):.2f} s"
                " (target <= 5 s)"
            )
        if not args.skip_floods:
            harness = _flood.Harness(
                environment=environment,
                settings_of=settings_of,
                prepare_database=prepare_database,
                start=start,
                stop=stop,
                free_port=free_port,
                service_token=SERVICE_TOKEN,
                body=BODY,
                coordinator_email=COORDINATOR[1],
                workdir=workdir,
                concurrency=args.concurrency,
                flood_seconds=args.flood_seconds,
                grace=args.flood_grace,
                capacity=capacity,
            )
            _flood.run_floods(harness)
    print(f"load average after the run: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
