"""Figures for the coordinators' workspace (not a test): `uv run python bench/workspace.py`.

A real uvicorn server (intake_api.server's config) on a temporary SQLite database, reached over
loopback as a browser would:

1. Login time: password (production argon2id, t=2, 19 MiB) and a TOTP code, to the redirect.
2. Inbox render time with 1,000 intakes in the coordinator's municipality (open view, and the
   intake page), median and p95 of repeated requests.
3. A login flood: threads posting wrong passwords for many usernames, while another client
   times an unrelated request (GET /api/v1/form); how many wrong logins a minute get through
   to argon2 (401) rather than the global budget (429).

Targets (issue 11): inbox <= 100 ms server time, login <= 0.5 s with production argon2.
"""

import argparse
import logging
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import pyotp
from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from intake_api.workspace.auth import FAILED_LOGINS_PER_MINUTE  # noqa: E402

PASSWORD = "bench-granris-fyrtorn-41"
PERSON = {"municipality_code": "0136", "role": "self", "concern": "leaving_crime",
          "age_group": "adult", "language": "sv", "contact_method": "receipt_code",
          "message": "Jag vill ut, hur gör jag?"}  # fmt: skip


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(intakes: int) -> tuple[str, list[str]]:
    """The database: a Haninge coordinator with production argon2 and a second factor, and
    `intakes` first contacts for Haninge (made with cheap receipt hashing: not measured)."""
    from intake_api import coordinators, limits
    from intake_api import intakes as intake_domain
    from intake_api.config import get_settings
    from intake_api.db import get_sessionmaker, migrate
    from intake_api.models import Coordinator, IntakeCreate
    from intake_api.workspace import auth

    settings = get_settings()
    migrate(settings.database_url)
    cheap = settings.model_copy(update={"argon2_time_cost": 1, "argon2_memory_kib": 64})
    with get_sessionmaker(settings.database_url)() as session:
        coordinators.create_coordinator(session, settings, "haninge", "h@example.org",
                                        PASSWORD, ["0136"])  # fmt: skip
        secret = auth.enrol_with_password(session, settings, "haninge", PASSWORD)
        codes = auth.new_recovery_codes(session, session.scalar(select(Coordinator)))
        session.commit()
        body = {"municipality_code": "0136", "role": "relative", "concern": "leaving_crime",
                "age_group": "adult", "language": "ar",
                "contact_method": "receipt_code"}  # fmt: skip
        for number in range(intakes):
            data = IntakeCreate(**body, message=f"Meddelande nummer {number}")
            intake_domain.create_intake(session, cheap, data, limits.Path.chat)
    return secret, codes


def serve(port: int) -> threading.Thread:
    import uvicorn

    from intake_api.server import uvicorn_config

    server = uvicorn.Server(uvicorn_config(port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    return thread


def log_in(base: str, code: str) -> tuple[float, str]:
    """One login as a browser does it (the login form's cookie and token, then the POST); the
    time of the POST, and the session cookie. httpx keeps Secure cookies for https only, and
    the server is plain http on loopback, so the cookies are carried by hand. The device
    cookie it gets is kept in DEVICE, as a browser keeps it."""
    with httpx.Client(base_url=base, timeout=30) as client:
        page = client.get("/workspace/login")
        token = re.search(r'name="login_token" value="([^"]+)"', page.text).group(1)
        cookies = {"__Host-vagut-login": page.cookies["__Host-vagut-login"]}
        started = time.perf_counter()
        answer = client.post("/workspace/login", cookies=cookies, data={
            "username": "haninge", "password": PASSWORD, "code": code,
            "login_token": token})  # fmt: skip
        elapsed = time.perf_counter() - started
    assert answer.status_code == 303, answer.text[:300]
    DEVICE["__Host-vagut-device"] = answer.cookies["__Host-vagut-device"]
    return elapsed, answer.cookies["__Host-vagut-workspace"]


DEVICE: dict[str, str] = {}


def timed(client: httpx.Client, path: str, times: int) -> list[float]:
    took = []
    for _ in range(times):
        started = time.perf_counter()
        answer = client.get(path)
        took.append(time.perf_counter() - started)
        assert answer.status_code == 200, (path, answer.status_code)
    return took


def summary(took: list[float]) -> str:
    ms = sorted(t * 1000 for t in took)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return f"median {statistics.median(ms):6.1f} ms, p95 {p95:6.1f} ms (n={len(ms)})"


def flood(base: str, seconds: float, threads: int, real_codes: list[str]) -> dict:
    """Wrong logins from `threads` clients. Meanwhile: an unrelated request is timed, a person
    sends first contacts and checks back, and the real coordinator logs in halfway: from a
    browser new to the account, and from the one that logged in before (device cookie)."""
    stop = time.monotonic() + seconds
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def guess(worker: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            page = client.get("/workspace/login")
            token = re.search(r'name="login_token" value="([^"]+)"', page.text).group(1)
            cookies = {"__Host-vagut-login": page.cookies["__Host-vagut-login"]}
            attempt = 0
            while time.monotonic() < stop:
                attempt += 1
                answer = client.post("/workspace/login", cookies=cookies, data={
                    "username": f"guess-{worker}-{attempt}", "password": "wrong-password-123",
                    "code": "123456", "login_token": token})  # fmt: skip
                token = re.search(r'name="login_token" value="([^"]+)"', answer.text).group(1)
                cookies = {"__Host-vagut-login": answer.cookies["__Host-vagut-login"]}
                with lock:
                    statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1

    workers = [threading.Thread(target=guess, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    figures = {"unrelated": [], "intakes": {}, "check_backs": {}, "real_login": None,
               "known_browser": None}  # fmt: skip
    halfway = time.monotonic() + seconds / 2
    person = {"Authorization": f"Bearer {os.environ['INTAKE_SERVICE_TOKEN']}"}
    with httpx.Client(base_url=base, timeout=30) as client:
        while time.monotonic() < stop:
            started = time.perf_counter()
            client.get("/api/v1/form")
            figures["unrelated"].append(time.perf_counter() - started)
            sent = client.post("/api/v1/intakes", json=PERSON, headers=person)
            _count(figures["intakes"], sent.status_code)
            if sent.status_code == 201:
                read = client.post("/api/v1/followups/read", headers=person,
                                   json={"receipt_code": sent.json()["receipt_code"]})  # fmt: skip
                _count(figures["check_backs"], read.status_code)
            if figures["real_login"] is None and time.monotonic() > halfway:
                figures["real_login"] = real_login_status(base, real_codes[0], {})
                figures["known_browser"] = real_login_status(base, real_codes[1], DEVICE)
            time.sleep(0.5)
    for worker in workers:
        worker.join()
    figures["guesses"] = statuses
    return figures


def _count(counts: dict[int, int], status: int) -> None:
    counts[status] = counts.get(status, 0) + 1


def real_login_status(base: str, code: str, device: dict[str, str]) -> int:
    with httpx.Client(base_url=base, timeout=30) as client:
        page = client.get("/workspace/login")
        token = re.search(r'name="login_token" value="([^"]+)"', page.text).group(1)
        answer = client.post("/workspace/login",
                             cookies={"__Host-vagut-login": page.cookies["__Host-vagut-login"],
                                      **device},
                             data={"username": "haninge", "password": PASSWORD, "code": code,
                                   "login_token": token})  # fmt: skip
    return answer.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--intakes", type=int, default=1000)
    parser.add_argument("--flood-seconds", type=float, default=10)
    parser.add_argument("--flood-threads", type=int, default=8)
    args = parser.parse_args()

    directory = tempfile.mkdtemp(prefix="vagut-bench-")
    port = free_port()
    os.environ.update({
        "INTAKE_ENVIRONMENT": "development",
        "INTAKE_DATABASE_URL": f"sqlite:///{directory}/bench.db",
        "INTAKE_SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789",
        "INTAKE_SERVICE_TOKEN": "bench-service-token-0123456789abcdef0123",
        "INTAKE_SMTP_PORT": str(free_port()),
    })  # fmt: skip
    logging.getLogger("httpx").setLevel(logging.WARNING)
    print(f"preparing {args.intakes} intakes ...", flush=True)
    secret, recovery_codes = prepare(args.intakes)
    serve(port)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.get(f"{base}/workspace/login", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.1)

    # One login with the app's code, the rest with one-time recovery codes (a TOTP code works
    # once): the same argon2id work either way.
    took, session_cookie = log_in(base, pyotp.TOTP(secret).now())
    logins = [took]
    for code in recovery_codes[:8]:
        took, session_cookie = log_in(base, code)
        logins.append(took)
    print(f"login (production argon2id t=2, 19 MiB; password and second factor): "
          f"{summary(logins)}")  # fmt: skip

    with httpx.Client(base_url=base, timeout=30) as client:
        client.cookies.set("__Host-vagut-workspace", session_cookie)
        inbox = client.get("/workspace/")
        count = inbox.text.count('href="/workspace/intake/VU-')
        print(f"inbox, open view, {count} intakes listed ({len(inbox.content) // 1024} KiB): "
              f"{summary(timed(client, '/workspace/', 20))}")  # fmt: skip
        reference = re.search(r"/workspace/intake/(VU-[A-Z0-9-]+)", inbox.text).group(1)
        print(f"an intake page (decrypted): "
              f"{summary(timed(client, f'/workspace/intake/{reference}', 20))}")  # fmt: skip

    figures = flood(base, args.flood_seconds, args.flood_threads, recovery_codes[8:10])
    print(f"login flood, {args.flood_threads} clients for {args.flood_seconds:.0f} s, new "
          f"usernames: answers {dict(sorted(figures['guesses'].items()))} (401: checked with "
          f"argon2; 429: over the global budget of {FAILED_LOGINS_PER_MINUTE} failed logins per "
          "calendar minute; concurrent requests overshoot it by up to one per client)")  # fmt: skip
    print(f"during the flood: unrelated GET /api/v1/form {summary(figures['unrelated'])}")
    print(
        f"  a person's first contacts {figures['intakes']}, their check-backs "
        f"{figures['check_backs']}; the real coordinator's login: from a new browser "
        f"{figures['real_login']}, from the browser that logged in before (device cookie) "
        f"{figures['known_browser']}"
    )


if __name__ == "__main__":
    main()
