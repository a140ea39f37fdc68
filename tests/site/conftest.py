"""One real `mkdocs build --strict` per test session, a local web server for the browser, and
the real services behind the site, started once per session: the intake service (uvicorn and
its outbox worker, SQLite in a temporary directory, mail to an aiosmtpd catcher) and the chatbot
(Rasa and its action server through chatbot/scripts/run), which sends its first contacts to it."""

import functools
import http.server
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.helpers import free_port

if TYPE_CHECKING:  # imported where used: the build checks need none of the intake service
    from intake_api.config import Settings
    from intake_api.mailcatcher import MailCatcher

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_URL = "https://vag-ut.example.org/"  # the built site's public address (VAGUT_SITE_URL)


@pytest.fixture(scope="session")
def chat_port() -> int:
    """The port the test chatbot will listen on; the built site's widget points there."""
    return free_port()


@pytest.fixture(scope="session")
def intake_port() -> int:
    """The port the test intake service will listen on; the built site links its form there."""
    return free_port()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, chat_port, intake_port) -> Path:
    site = tmp_path_factory.mktemp("site")
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        # A public address unlike the local server's: absolute links must use it, not guess.
        "VAGUT_SITE_URL": PUBLIC_URL,
        "VAGUT_CHAT_URL": f"http://127.0.0.1:{chat_port}",
        "VAGUT_INTAKE_FORM_URL": f"http://127.0.0.1:{intake_port}/api/v1/form",
    }
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    site.joinpath("build.log").write_text(result.stderr)
    return site


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def site_url(built_site: Path):
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _start(command: list[str], env: dict, log_path: Path, cwd: Path = ROOT) -> subprocess.Popen:
    """A service as its own process group, its stdout and stderr in `log_path`."""
    with log_path.open("w") as log:
        return subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def service_token() -> str:
    """Shared by the intake service and the chatbot's action server, as scripts/run does."""
    return secrets.token_urlsafe(32)


@dataclass
class IntakeService:
    """The real intake service: its address, its settings (for making coordinators in its
    database), the SQLite file, every process's log, and the mail catcher's inbox."""

    url: str
    settings: "Settings"
    database: Path
    logs: list[Path]
    mail: "MailCatcher"


@pytest.fixture(scope="session")
def intake_service(tmp_path_factory, intake_port, service_token):
    """uvicorn serving intake_api.main:app (python -m intake_api.server: no access log) and the
    outbox worker (python -m intake_api.worker), each a process of its own, on a migrated SQLite
    database in a temporary directory; their mail goes to an aiosmtpd catcher in this process."""
    from intake_api import mailcatcher
    from intake_api.config import Settings
    from intake_api.db import get_engine, migrate

    directory = tmp_path_factory.mktemp("intake")
    database = directory / "intake.db"
    smtp_port = free_port()
    url = f"http://127.0.0.1:{intake_port}"
    environment = {
        "INTAKE_ENVIRONMENT": "development",
        "INTAKE_DATABASE_URL": f"sqlite:///{database}",
        "INTAKE_SECRET_KEY": secrets.token_hex(32),
        "INTAKE_SERVICE_TOKEN": service_token,
        "INTAKE_SMTP_HOST": "127.0.0.1",
        "INTAKE_SMTP_PORT": str(smtp_port),
        "INTAKE_WORKSPACE_URL": f"{url}/",
        "INTAKE_WORKER_INTERVAL_SECONDS": "0.5",
    }
    settings = Settings(**{name.removeprefix("INTAKE_").lower(): value
                           for name, value in environment.items()})  # fmt: skip
    controller, catcher = mailcatcher.start(smtp_port)
    migrate(settings.database_url)
    env = {**os.environ, **environment}
    logs = [directory / "intake.log", directory / "worker.log"]
    server = [sys.executable, "-m", "intake_api.server", "--host", "127.0.0.1",
              "--port", str(intake_port)]  # fmt: skip
    processes = [
        _start(server, env, logs[0]),
        _start([sys.executable, "-m", "intake_api.worker"], env, logs[1]),
    ]
    try:
        deadline = time.monotonic() + 60
        while not _answers(f"{url}/api/openapi.json"):
            stopped = [p for p in processes if p.poll() is not None]
            if stopped or time.monotonic() > deadline:
                text = "\n".join(log.read_text() for log in logs)
                raise AssertionError(f"the intake service did not start:\n{text[-3000:]}")
            time.sleep(0.2)
        yield IntakeService(url, settings, database, logs, catcher)
    finally:
        for process in processes:
            _stop(process)
        controller.stop()
        get_engine(settings.database_url).dispose()


@dataclass
class Chatbot:
    """The real Rasa server and action server; `tracker` reads what Rasa keeps of a
    conversation, through Rasa's HTTP API (opened for this test run only, behind a token)."""

    url: str
    log: Path
    api_token: str

    def tracker(self, sender: str) -> dict:
        query = f"include_events=ALL&token={self.api_token}"
        with urllib.request.urlopen(
            f"{self.url}/conversations/{sender}/tracker?{query}", timeout=10
        ) as response:
            return json.load(response)


@pytest.fixture(scope="session")
def chatbot_server(request, site_url, chat_port, intake_port, service_token, tmp_path_factory):
    """chatbot/scripts/run, allowing the test site, its actions sending first contacts to the
    real intake service (started while Rasa loads its model)."""
    log_path = tmp_path_factory.mktemp("chatbot") / "chatbot.log"
    api_token = secrets.token_urlsafe(24)
    env = {
        **os.environ,
        "CHATBOT_RASA_PORT": str(chat_port),
        "CHATBOT_ACTIONS_PORT": str(free_port()),
        "CHATBOT_CORS": site_url,
        "CHATBOT_API_TOKEN": api_token,
        "VAGUT_INTAKE_URL": f"http://127.0.0.1:{intake_port}",
        "VAGUT_INTAKE_TOKEN": service_token,
        "INTAKE_SERVICE_TOKEN": service_token,
        "RASA_TELEMETRY_ENABLED": "false",
    }
    process = _start([str(ROOT / "chatbot" / "scripts" / "run")], env, log_path)
    try:
        request.getfixturevalue("intake_service")
        _wait_for(lambda: "chatbot: Rasa server" in log_path.read_text(), process, log_path)
        yield Chatbot(f"http://127.0.0.1:{chat_port}", log_path, api_token)
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def chatbot(chatbot_server) -> str:
    """The chatbot's address (one Rasa server for the whole session)."""
    return chatbot_server.url


def _wait_for(ready, process: subprocess.Popen, log_path: Path, seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"the chatbot did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.5)


CHROMIUM = "/usr/bin/chromium"
# Without these, Chromium keeps trying to reach Google's services on this closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NEUTRAL = "https://www.smhi.se/"  # where the quick exit goes


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_context(browser: Browser, **options) -> BrowserContext:
    """A phone-sized context. The neutral page is a real third-party site this machine cannot
    reach: answer for it, so that the test sees the browser arrive there."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, **options)
    context.route(
        f"{NEUTRAL}**",
        lambda route: route.fulfill(
            body="<title>Väder</title>", content_type="text/html; charset=utf-8"
        ),
    )
    return context


@pytest.fixture
def page(browser) -> Page:
    context = new_context(browser)
    page = context.new_page()
    yield page
    context.close()
