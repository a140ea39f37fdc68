"""One real `mkdocs build --strict` per test session, and a local web server for the browser."""

import functools
import http.server
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from tests.helpers import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def chat_port() -> int:
    """The port the test chatbot will listen on; the built site's widget points there."""
    return free_port()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, chat_port) -> Path:
    site = tmp_path_factory.mktemp("site")
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "VAGUT_CHAT_URL": f"http://127.0.0.1:{chat_port}",
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


@pytest.fixture(scope="session")
def chatbot(site_url, chat_port, tmp_path_factory):
    """The real Rasa server and action server (chatbot/scripts/run), allowing the test site."""
    log_path = tmp_path_factory.mktemp("chatbot") / "chatbot.log"
    env = {
        **os.environ,
        "CHATBOT_RASA_PORT": str(chat_port),
        "CHATBOT_ACTIONS_PORT": str(free_port()),
        "CHATBOT_CORS": site_url,
        "VAGUT_INTAKE_URL": f"http://127.0.0.1:{free_port()}",  # not needed for these turns
    }
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [str(ROOT / "chatbot" / "scripts" / "run")],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for(lambda: "chatbot: Rasa server" in log_path.read_text(), process, log_path)
        yield f"http://127.0.0.1:{chat_port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


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


@pytest.fixture
def page(browser) -> Page:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    # The neutral page is a real third-party site this machine cannot reach: answer for it, so
    # that the test sees the browser arrive there.
    context.route(f"{NEUTRAL}**", lambda route: route.fulfill(body="<title>Väder</title>"))
    page = context.new_page()
    yield page
    context.close()
