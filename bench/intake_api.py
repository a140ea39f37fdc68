"""Figures for the intake API (not a test): `uv run python bench/intake_api.py [--seconds 8]`.

1. Create-intake throughput and p50/p99 latency on SQLite, beside a bare FastAPI endpoint that
   validates the same body, both served by uvicorn the same way (intake_api.server's config,
   one process each, loopback). The intake path is measured twice: with the production argon2id
   parameters, and with argon2 lowered, which shows what the rest of the path costs.
2. Intake-to-mail: the time from the 201 to the notification arriving at an aiosmtpd server,
   with the outbox worker running as in production (its own process, default poll interval).

Targets (issue 3): >= 50% of the bare endpoint's throughput; mail <= 5 s. The load generator
shares the machine's cores with the server; the figures are for comparison within one run.
"""

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from intake_api import mailcatcher  # noqa: E402

TOKEN = "bench-service-token-0123456789abcdef0123"
BODY = {
    "municipality_code": "0136",
    "role": "relative",
    "concern": "worried_about_child",
    "age_group": "under_18",
    "language": "sv",
    "contact_method": "receipt_code",
    "message": "Jag är orolig för min son, han har börjat umgås med äldre killar.",
}


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


def serve(target: str, port: int) -> None:
    import uvicorn

    from intake_api.server import uvicorn_config

    app = "intake_api.main:app" if target == "intake" else bare_app()
    uvicorn.Server(uvicorn_config(app=app, port=port, log_level="warning")).run()


# ---------------------------------------------------------------- setup


def environment(database: Path, smtp_port: int, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "INTAKE_DATABASE_URL": f"sqlite:///{database}",
        "INTAKE_SERVICE_TOKEN": TOKEN,
        "INTAKE_SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789",
        "INTAKE_SMTP_PORT": str(smtp_port),
        "INTAKE_INTAKES_PER_HOUR": "1000000000",
        "INTAKE_INTAKES_PER_MUNICIPALITY_PER_HOUR": "1000000000",
        **extra,
    }


def prepare_database(env: dict[str, str]) -> None:
    script = (
        "from intake_api.config import get_settings\n"
        "from intake_api.db import migrate, get_sessionmaker\n"
        "from intake_api import coordinators\n"
        "s = get_settings(); migrate(s.database_url)\n"
        "with get_sessionmaker(s.database_url)() as db:\n"
        "    coordinators.create_coordinator(\n"
        "        db, s, 'h', 'h@example.org', 'bench-lang-fras-77', ['0136'])\n"
    )
    subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True)


def start(target: str, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve", target, "--port", str(port)], env=env, cwd=ROOT
    )
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


# ---------------------------------------------------------------- load


async def load(base: str, seconds: float, concurrency: int) -> tuple[float, list[float], int]:
    latencies: list[float] = []
    failures = 0
    headers = {"Authorization": f"Bearer {TOKEN}"}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits) as client:

        async def one_client(stop_at: float, record: bool) -> None:
            nonlocal failures
            while time.perf_counter() < stop_at:
                started = time.perf_counter()
                answer = await client.post("/api/v1/intakes", json=BODY)
                if answer.status_code != 201:
                    failures += 1
                elif record:
                    latencies.append(time.perf_counter() - started)

        warmup_until = time.perf_counter() + 1
        await asyncio.gather(*(one_client(warmup_until, False) for _ in range(concurrency)))
        began = time.perf_counter()
        stop_at = began + seconds
        await asyncio.gather(*(one_client(stop_at, True) for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    return len(latencies) / elapsed, latencies, failures


def measure(label: str, target: str, env: dict, seconds: float, concurrency: int) -> float:
    process, base = start(target, env)
    try:
        rate, latencies, failures = asyncio.run(load(base, seconds, concurrency))
    finally:
        process.terminate()
        process.wait(10)
    p50 = statistics.median(latencies) * 1000
    p99 = statistics.quantiles(latencies, n=100)[98] * 1000
    print(
        f"  {label:44} {rate:8.1f} req/s   p50 {p50:7.1f} ms   p99 {p99:7.1f} ms"
        + (f"   ({failures} non-201)" if failures else "")
    )
    return rate


def mail_latency(workdir: Path, samples: int) -> list[float]:
    smtp_port = free_port()
    controller, catcher = mailcatcher.start(smtp_port)
    env = environment(workdir / "mail.db", smtp_port)
    prepare_database(env)
    worker = subprocess.Popen([sys.executable, "-m", "intake_api.worker"], env=env, cwd=ROOT,
                              stderr=subprocess.DEVNULL)  # fmt: skip
    process, base = start("intake", env)
    delays = []
    try:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        for number in range(1, samples + 1):
            answer = httpx.post(f"{base}/api/v1/intakes", json=BODY, headers=headers, timeout=10)
            answered = time.perf_counter()
            assert answer.status_code == 201, answer.text
            if not catcher.wait_for(number, timeout=30):
                raise SystemExit("a mail did not arrive within 30 s")
            delays.append(time.perf_counter() - answered)
            time.sleep(0.37)  # spread the intakes over the worker's poll cycle
    finally:
        for child in (process, worker):
            child.terminate()
            child.wait(10)
        controller.stop()
    return delays


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=8.0, help="per measurement")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--mail-samples", type=int, default=10)
    parser.add_argument("--serve", choices=["intake", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port)
        return

    print(f"intake API benchmark: {os.cpu_count()} cores, concurrency {args.concurrency}, "
          f"{args.seconds:.0f} s per run, SQLite (WAL), loopback")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="vagut-bench-") as tmp:
        workdir = Path(tmp)
        smtp_port = free_port()  # nothing listens: the throughput runs only queue mail
        bare_env = environment(workdir / "bare.db", smtp_port)
        bare = measure("bare FastAPI endpoint (same body, validated)", "bare", bare_env,
                       args.seconds, args.concurrency)  # fmt: skip
        production = environment(workdir / "prod.db", smtp_port)
        prepare_database(production)
        intake = measure("POST /api/v1/intakes (production argon2id)", "intake", production,
                         args.seconds, args.concurrency)  # fmt: skip
        lowered = environment(workdir / "low.db", smtp_port, INTAKE_ARGON2_TIME_COST="1",
                              INTAKE_ARGON2_MEMORY_KIB="64")  # fmt: skip
        prepare_database(lowered)
        rest = measure("POST /api/v1/intakes (argon2 lowered)", "intake", lowered,
                       args.seconds, args.concurrency)  # fmt: skip
        print(f"  intake / bare throughput: {intake / bare:.1%} with production argon2id, "
              f"{rest / bare:.1%} with argon2 lowered (target >= 50%)")  # fmt: skip
        delays = mail_latency(workdir, args.mail_samples)
        print(f"  intake-to-mail over {len(delays)} intakes: p50 {statistics.median(delays):.2f} s,"
              f" max {max(delays):.2f} s (target <= 5 s)")  # fmt: skip


if __name__ == "__main__":
    main()
