"""Slow clients cannot lock a real person out (issue 12), directly and behind nginx.

Real components only: the service runs as in production (`python -m intake_api.server`, in its
own process, started with the usual soft limit of 1,024 open files), and Debian's nginx runs
deploy/nginx/*.conf, rendered for loopback ports and a temporary prefix. Everything is on
127.0.0.1 and every test ends by itself in well under a minute.
"""

import errno
import logging
import os
import re
import resource
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from intake_api.db import migrate
from intake_api.server import REQUEST_SECONDS, OncePerMinute
from tests.helpers import free_port
from tests.intake_api.helpers import SERVICE_TOKEN

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy" / "nginx"
HALF_SENT = b"POST /api/v1/followups/read HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n"
HALF_SENT_COUNT = 1000  # a request head that never ends
SILENT_COUNT = 100  # a connection that never says anything
NORMAL_SECONDS = 2.0  # what a real person's request may take meanwhile
SLACK_SECONDS = 3.0  # on top of a timeout, for a busy test machine
LOG_BYTES = 2000  # what the service and nginx may write during an attack (no line per socket)


def _header_timeout() -> float:
    text = (DEPLOY / "vag-ut.conf").read_text(encoding="utf-8")
    return float(re.search(r"^\s*client_header_timeout (\d+)s;", text, re.M).group(1))


def _raise_own_file_limit(needed: int) -> None:
    """This process holds the 1,100 client sockets (and nginx inherits the limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, 16384)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    if wanted < needed:
        pytest.fail(f"the hard open-file limit ({hard}) is below the {needed} this test needs")


# ---------------------------------------------------------------- the service, as in production


@dataclass
class Service:
    port: int
    process: subprocess.Popen
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def _start_service(tmp_path: Path, open_files: tuple[int, int]) -> Service:
    database = tmp_path / "intake.db"
    migrate(f"sqlite:///{database}")
    env = {
        **os.environ,
        "INTAKE_ENVIRONMENT": "development",
        "INTAKE_DATABASE_URL": f"sqlite:///{database}",
        "INTAKE_SECRET_KEY": "test-secret-key-0123456789abcdef0123456789",
        "INTAKE_SERVICE_TOKEN": SERVICE_TOKEN,
    }
    port = free_port()
    log_path = tmp_path / "service.log"

    def limit_open_files() -> None:  # in the child, before it starts
        resource.setrlimit(resource.RLIMIT_NOFILE, open_files)

    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "intake_api.server", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            preexec_fn=limit_open_files,
        )
    service = Service(port, process, log_path)
    _wait_for(f"{service.url}/api/v1/challenges", process, service.log_text)
    return service


def _wait_for(url: str, process: subprocess.Popen, output) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"exited with {process.returncode}:\n{output()}", pytrace=False)
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"{url} did not answer within 30 s:\n{output()}", pytrace=False)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    """Started with the soft limit most machines give a process (1,024): the service raises
    it itself (to 65,536, or the hard limit if lower)."""
    _raise_own_file_limit(3 * (HALF_SENT_COUNT + SILENT_COUNT))
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    started = _start_service(tmp_path, (min(1024, hard), hard))
    try:
        yield started
    finally:
        _stop(started.process)


# ---------------------------------------------------------------- slow clients and a real person


def _open_slow_clients(port: int) -> list[tuple[socket.socket, float]]:
    clients = []
    for number in range(HALF_SENT_COUNT + SILENT_COUNT):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        if number < HALF_SENT_COUNT:
            sock.sendall(HALF_SENT)
        sock.setblocking(False)
        clients.append((sock, time.monotonic()))
    return clients


def _close_all(clients: list[tuple[socket.socket, float]]) -> None:
    for sock, _opened in clients:
        sock.close()


def _normal_request(url: str) -> float:
    """A real person's request, on a new connection: the seconds it took."""
    started = time.monotonic()
    answer = httpx.get(f"{url}/api/v1/challenges", timeout=10)
    took = time.monotonic() - started
    assert answer.status_code == 200, answer.text
    assert answer.json()["challenge"]
    return took


def _seconds_until_closed(clients: list[tuple[socket.socket, float]], limit: float) -> list:
    """For each client, how long after it connected the server closed it (None: still open
    `limit` seconds after the last one connected)."""
    closed: dict[socket.socket, float] = {}
    opened = dict(clients)
    deadline = max(opened.values()) + limit
    with selectors.DefaultSelector() as selector:
        for sock in opened:
            selector.register(sock, selectors.EVENT_READ)
        while len(closed) < len(opened) and time.monotonic() < deadline:
            for key, _events in selector.select(timeout=max(0.0, deadline - time.monotonic())):
                sock = key.fileobj
                try:
                    data = sock.recv(4096)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""  # reset: closed too
                if not data:
                    closed[sock] = time.monotonic() - opened[sock]
                    selector.unregister(sock)
    return [closed.get(sock) for sock in opened]


def _attack(target_url: str, port: int, timeout: float, logs) -> dict:
    """1,100 slow clients on `port`; a real person's requests meanwhile; the slow clients are
    closed by the server within `timeout`; the logs stay small."""
    sizes_before = [size() for size in logs]
    clients = _open_slow_clients(port)
    try:
        opened_in = clients[-1][1] - clients[0][1]
        took = [_normal_request(target_url) for _ in range(3)]
        closed_after = _seconds_until_closed(clients, timeout + SLACK_SECONDS)
        took.append(_normal_request(target_url))  # and after them
    finally:
        _close_all(clients)
    still_open = sum(1 for seconds in closed_after if seconds is None)
    closed = [seconds for seconds in closed_after if seconds is not None]
    written = [size() - before for size, before in zip(logs, sizes_before, strict=True)]
    figures = {
        "opened_in": round(opened_in, 2),
        "normal_request_seconds": [round(seconds, 3) for seconds in took],
        "closed_after": (round(min(closed), 2), round(max(closed), 2)) if closed else None,
        "still_open": still_open,
        "log_bytes": written,
    }
    print(f"\n{target_url}: {figures}")
    assert max(took) < NORMAL_SECONDS, figures
    assert still_open == 0, figures
    # Closed by the timeout, not by anything else first.
    assert min(closed) > timeout - 0.5, figures
    assert all(size < LOG_BYTES for size in written), figures
    return figures


def test_slow_clients_do_not_lock_out_a_real_person(service: Service) -> None:
    _attack(service.url, service.port, REQUEST_SECONDS, [service.log_size])
    log = service.log_text()
    assert "Traceback" not in log
    if resource.getrlimit(resource.RLIMIT_NOFILE)[1] > 1024:
        assert "open files: soft limit raised from 1024" in log, log


def test_out_of_descriptors_is_logged_once_and_the_service_recovers(tmp_path: Path) -> None:
    """Where the open-file limit cannot be raised (hard limit 256), slow clients exhaust the
    descriptors: accept() fails on every try, which used to log a traceback each time (71 MB
    in 5 s). Now one line says so; and when the deadline has closed the slow clients, the
    waiting connections are taken and a real person is answered."""
    _raise_own_file_limit(3 * (HALF_SENT_COUNT + SILENT_COUNT))
    started = _start_service(tmp_path, (256, 256))
    clients = []
    try:
        size_before = started.log_size()
        for _ in range(400):
            sock = socket.create_connection(("127.0.0.1", started.port), timeout=5)
            sock.sendall(HALF_SENT)
            clients.append(sock)
        time.sleep(3)  # accept() fails meanwhile, again and again
        began = time.monotonic()
        answer = httpx.get(f"{started.url}/api/v1/challenges", timeout=REQUEST_SECONDS + 10)
        took = time.monotonic() - began
        written = started.log_size() - size_before
        log = started.log_text()
        print(f"\nout of descriptors: answered after {took:.2f} s; log bytes {written}")
        assert answer.status_code == 200
        assert took < REQUEST_SECONDS + SLACK_SECONDS
        assert log.count("socket.accept() out of system resource (EMFILE)") == 1, log
        assert "Traceback" not in log
        assert written < LOG_BYTES, log
    finally:
        for sock in clients:
            sock.close()
        _stop(started.process)


def test_once_per_minute_filter() -> None:
    now = [1000.0]
    flood_filter = OncePerMinute(clock=lambda: now[0])

    def accept_failure() -> logging.LogRecord:
        error = OSError(errno.EMFILE, "Too many open files")
        return logging.LogRecord(
            "asyncio",
            logging.ERROR,
            __file__,
            1,
            "socket.accept() out of system resource\nsocket: <laddr=('127.0.0.1', 8001)>",
            None,
            (OSError, error, None),
        )

    first = accept_failure()
    assert flood_filter.filter(first)
    assert first.getMessage() == (
        "socket.accept() out of system resource (EMFILE); retrying every second"
    )
    assert first.exc_info is None
    assert not any(flood_filter.filter(accept_failure()) for _ in range(2047))
    now[0] += 59
    assert not flood_filter.filter(accept_failure())
    now[0] += 1
    later = accept_failure()
    assert flood_filter.filter(later)
    assert later.getMessage().endswith("(2048 more since the last one, not logged)")
    # uvicorn's 503 warning, counted apart; anything else passes untouched.
    cap = logging.LogRecord("uvicorn.error", 30, "", 1, "Exceeded concurrency limit.", None, None)
    assert flood_filter.filter(cap)
    assert not flood_filter.filter(logging.makeLogRecord(cap.__dict__))
    other = logging.LogRecord("uvicorn.error", 20, "", 1, "Started server process [%d]", (7,), None)
    assert flood_filter.filter(other)
    assert other.getMessage() == "Started server process [7]"


# ---------------------------------------------------------------- behind nginx


@dataclass
class Nginx:
    port: int
    process: subprocess.Popen
    prefix: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output_size(self) -> int:
        return (self.prefix / "nginx.out").stat().st_size

    def output(self) -> str:
        return (self.prefix / "nginx.out").read_text(encoding="utf-8", errors="replace")


def _nginx_binary() -> str:
    binary = shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx",) if os.access(path, os.X_OK)), None
    )
    if binary is None:
        pytest.fail(
            "nginx not found: install Debian's nginx package (scripts/setup does: "
            "`apt-get install nginx`); the service's production setup is tested behind it",
            pytrace=False,
        )
    return binary


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"deploy/nginx: expected {old!r} once"
    return text.replace(old, new)


def render_nginx(prefix: Path, port: int, upstream_port: int) -> Path:
    """deploy/nginx/{nginx.conf,vag-ut.conf} for loopback: listen on `port` without TLS, the
    service on `upstream_port`, pid and temporary paths under `prefix`, and `user` only when
    running as root (nginx ignores it otherwise, with a warning). Everything else as shipped."""
    site = (DEPLOY / "vag-ut.conf").read_text(encoding="utf-8")
    site = _replace_once(site, "    listen 443 ssl;\n", f"    listen 127.0.0.1:{port};\n")
    site = _replace_once(site, "    listen [::]:443 ssl;\n", "")
    site, certificates = re.subn(r"^\s*ssl_certificate(_key)? .*\n", "", site, flags=re.M)
    assert certificates == 2
    site = _replace_once(site, "server 127.0.0.1:8001;", f"server 127.0.0.1:{upstream_port};")
    (prefix / "vag-ut.conf").write_text(site, encoding="utf-8")

    main = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    if os.geteuid() != 0:
        main = _replace_once(main, "user www-data;\n", "")
    main = _replace_once(main, "pid /run/nginx.pid;", f"pid {prefix}/nginx.pid;")
    main = _replace_once(main, "    include /etc/nginx/conf.d/*.conf;\n", "")
    temporary = "".join(
        f"    {kind}_temp_path {prefix}/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = _replace_once(
        main,
        "    include /etc/nginx/sites-enabled/*;\n",
        f"{temporary}    include {prefix}/vag-ut.conf;\n",
    )
    (prefix / "nginx.conf").write_text(main, encoding="utf-8")
    return prefix / "nginx.conf"


@contextmanager
def _running_nginx(upstream_port: int) -> Iterator[Nginx]:
    binary = _nginx_binary()
    prefix = Path(tempfile.mkdtemp(prefix="vagut-nginx-", dir="/tmp"))
    prefix.chmod(0o755)  # as root, the workers run as www-data
    port = free_port()
    config = render_nginx(prefix, port, upstream_port)
    command = [binary, "-p", str(prefix), "-c", str(config), "-e", "stderr"]
    try:
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
        assert checked.returncode == 0, checked.stderr
        with (prefix / "nginx.out").open("wb") as output:
            process = subprocess.Popen(
                [*command, "-g", "daemon off;"], stdout=output, stderr=subprocess.STDOUT
            )
        started = Nginx(port, process, prefix)
        try:
            _wait_for(f"{started.url}/api/v1/challenges", process, started.output)
            yield started
        finally:
            _stop(process)
    finally:
        shutil.rmtree(prefix, ignore_errors=True)


@pytest.fixture
def nginx(service: Service) -> Iterator[Nginx]:
    with _running_nginx(service.port) as started:
        yield started


def test_slow_clients_behind_nginx(service: Service, nginx: Nginx) -> None:
    _attack(nginx.url, nginx.port, _header_timeout(), [service.log_size, nginx.output_size])
    assert "Traceback" not in service.log_text()


def test_nginx_keeps_no_log_of_clients() -> None:
    """Access log off and the error log discarded, everywhere in what is shipped; nothing
    sends the client's address on."""
    for name in ("nginx.conf", "vag-ut.conf"):
        text = (DEPLOY / name).read_text(encoding="utf-8")
        directives = [line.split("#")[0].strip() for line in text.splitlines()]
        assert all(
            line == "error_log /dev/null;" for line in directives if line.startswith("error_log")
        ), name
        assert all(
            line == "access_log off;" for line in directives if line.startswith("access_log")
        ), name
        code = "\n".join(directives)
        for forbidden in ("$remote_addr", "$proxy_add_x_forwarded_for", "proxy_params"):
            assert forbidden not in code, (name, forbidden)
    site = (DEPLOY / "vag-ut.conf").read_text(encoding="utf-8")
    assert "access_log off;" in site and "error_log /dev/null;" in site


def test_nginx_sends_no_client_address_on() -> None:
    """What the service would get from nginx: no forwarded address (not even one the client
    made up) and no user agent. Seen by a bare socket in the service's place."""
    heads: list[bytes] = []
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def answer_everything() -> None:
        while not stop.is_set():
            try:
                connection, _address = listener.accept()
            except TimeoutError:
                continue
            with connection:
                head = b""
                while b"\r\n\r\n" not in head:
                    data = connection.recv(4096)
                    if not data:
                        break
                    head += data
                heads.append(head)
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                )

    thread = threading.Thread(target=answer_everything, daemon=True)
    thread.start()
    try:
        with _running_nginx(listener.getsockname()[1]) as proxy:
            answer = httpx.get(
                f"{proxy.url}/api/v1/challenges",
                headers={
                    "X-Forwarded-For": "203.0.113.7",
                    "X-Real-IP": "203.0.113.7",
                    "Forwarded": "for=203.0.113.7",
                    "User-Agent": "canary-agent/1.0",
                },
                timeout=10,
            )
            assert answer.status_code == 200
    finally:
        stop.set()
        thread.join(5)
        listener.close()
    head = heads[-1].decode("latin-1").lower()
    assert head.startswith("get /api/v1/challenges http/1.1\r\n"), head
    for name in ("x-forwarded-for", "x-real-ip", "forwarded", "user-agent", "via"):
        assert f"\r\n{name}:" not in head, head
    assert "203.0.113.7" not in head and "canary-agent" not in head, head


@pytest.mark.parametrize("chunked", [False, True], ids=["declared", "chunked"])
def test_nginx_answers_too_large_as_the_service_does(
    service: Service, nginx: Nginx, chunked: bool
) -> None:
    body = b'{"receipt_code": "' + b"1" * 70_000 + b'"}'
    content = (body[i : i + 4096] for i in range(0, len(body), 4096)) if chunked else body
    answer = httpx.post(
        f"{nginx.url}/api/v1/followups/read",
        content=content,
        headers={"Content-Type": "application/json", "Accept-Language": "en"},
        timeout=10,
    )
    assert answer.status_code == 413
    assert answer.json()["code"] == "too_large"
    assert answer.headers["content-type"] == "application/json"
    direct = httpx.post(
        f"{service.url}/api/v1/followups/read",
        content=body,
        headers={"Content-Type": "application/json", "Accept-Language": "en"},
        timeout=10,
    )
    assert answer.json() == direct.json()
    # Within the limit, a body goes through whole (and is read: the code is wrong).
    small = httpx.post(
        f"{nginx.url}/api/v1/followups/read",
        json={"receipt_code": "0000 0000 0000 0000"},
        headers={"Authorization": f"Bearer {SERVICE_TOKEN}", "Accept-Language": "en"},
        timeout=10,
    )
    assert small.status_code == 403, small.text
    assert small.json()["code"] == "wrong_receipt_code"
