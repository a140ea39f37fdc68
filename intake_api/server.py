"""Runs the API under uvicorn without an access log (it would record addresses and paths):
`python -m intake_api.server [--host 127.0.0.1] [--port 8001]`. In production it runs behind
nginx (deploy/nginx/, docs/API.md "Running in production: slow clients and the reverse proxy"),
which turns its access log off and takes the slow clients first.

Slow clients must not lock real people out, so uvicorn runs here with:

- a deadline for each request: its head and body must have arrived REQUEST_SECONDS after the
  connection opened (or after the first byte of a kept-alive connection's next request), or the
  connection is closed. uvicorn has no such timeout of its own: a socket that sends half a
  request, or nothing, stays open for ever (SlowClientProtocol adds it);
- uvicorn's keep-alive timeout (KEEP_ALIVE_SECONDS) between requests;
- a high connection cap (MAX_CONNECTIONS) and the soft open-file limit raised to match it, so
  that it is the deadline, not the cap or the descriptors, that removes slow clients;
- at most one log record a minute for each kind of flood message (OncePerMinute): a thousand
  failed accept() calls wrote 71 MB of tracebacks in 5 s.

Nothing logged here carries request data, addresses or user agents.
"""

import argparse
import asyncio
import errno
import logging
import logging.config
import os
import resource
import threading
import time
from typing import Any, ClassVar

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from intake_api.config import Settings, get_settings

log = logging.getLogger("intake_api")

# Head and body of one request, from the connection's first byte. Behind nginx (production) the
# request arrives whole and at once from loopback, so this only matters for clients that reach
# uvicorn directly: the largest real body (a 4,000-character message in Arabic, form-encoded,
# about 25 KB) needs 20 kbit/s to arrive in 10 s, slower than any phone network still running.
# A connection that has not sent its whole request 10 s after it began is closed.
REQUEST_SECONDS = 10.0
# Between requests on one connection (uvicorn's default, made explicit).
KEEP_ALIVE_SECONDS = 5
# uvicorn answers 503 to every new request once this many connections are open, idle ones
# included: a cap that slow clients could fill would be a lockout of its own. So it is high,
# and the deadline is what removes them: at 4,096 and 10 s, holding the cap takes 410 new
# connections every second for as long as the attack lasts (a flood, for nginx and the network
# in front, not a slow client), while the 1,100 idle sockets of issue 12 fill a quarter of it
# for 10 s. What the cap still bounds is memory. Measured per open connection: 4.5 KiB with a
# half-sent head, 15 KiB with a head at h11's 16 KiB limit, 126 KiB with an unfinished 64 KiB
# body (which nginx never sends: it passes bodies on whole); so at most 20, 60 or 500 MiB.
MAX_CONNECTIONS = 4096
# Descriptors besides client connections: listening socket, database connections, log and
# data files, the event loop's own; uvicorn's cap is useless if accept() fails first.
SPARE_FILES = 512
# The soft open-file limit is raised to this (or to the hard limit, if lower) at start: the
# usual soft limit of 1,024 is what 1,100 idle sockets exhausted.
OPEN_FILES = 65536


class SlowClientProtocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request's head and body.

    The deadline starts when the connection opens, and again with the first byte of each later
    request on a kept-alive connection; it ends when the request has fully arrived (h11's client
    state leaves IDLE and SEND_BODY). A connection still sending its request when it passes is
    closed: a half-sent head, a body that trickles, or nothing at all. Waiting for the app's
    answer is not limited here."""

    request_seconds = REQUEST_SECONDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._request_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_deadline()

    def data_received(self, data: bytes) -> None:
        if self._request_deadline is None and self.conn.their_state is h11.IDLE:
            self._start_deadline()  # the next request on a kept-alive connection begins
        super().data_received(data)
        if self.conn.their_state not in (h11.IDLE, h11.SEND_BODY):
            self._stop_deadline()  # arrived whole (or broken, and answered by uvicorn)

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_deadline()
        super().connection_lost(exc)

    def _start_deadline(self) -> None:
        self._request_deadline = self.loop.call_later(self.request_seconds, self._too_slow)

    def _stop_deadline(self) -> None:
        if self._request_deadline is not None:
            self._request_deadline.cancel()
            self._request_deadline = None

    def _too_slow(self) -> None:
        self._request_deadline = None
        if self.transport.is_closing():
            return
        # Nothing is logged: a line per connection is what a flood of them would turn into.
        if self.transport.get_write_buffer_size():
            self.transport.abort()  # close() would wait for a client that does not read
        else:
            self.transport.close()


class OncePerMinute(logging.Filter):
    """At most one record a minute of each kind of message that a flood repeats: the event
    loop's failed accept() (out of descriptors, it tries up to 2,048 times a second and logs
    each with a traceback), uvicorn's 503 and its malformed-request warning. The one let through
    says how many were left out since the last, and carries no traceback."""

    KINDS: ClassVar[dict[tuple[str, str], str]] = {
        ("asyncio", "socket.accept() out of system resource"): "accept",
        ("uvicorn.error", "Exceeded concurrency limit."): "cap",
        ("uvicorn.error", "Invalid HTTP request received."): "invalid",
    }

    def __init__(self, seconds: float = 60.0, clock=time.monotonic) -> None:
        super().__init__()
        self.seconds = seconds
        self.clock = clock
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}
        self._left_out: dict[str, int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        kind = self._kind(record)
        if kind is None:
            return True
        with self._lock:
            now = self.clock()
            last = self._last.get(kind)
            if last is not None and now - last < self.seconds:
                self._left_out[kind] = self._left_out.get(kind, 0) + 1
                return False
            self._last[kind] = now
            left_out = self._left_out.pop(kind, 0)
        text = self._first_line(record, kind)
        if left_out:
            text += f" ({left_out} more since the last one, not logged)"
        record.msg, record.args = text, None
        record.exc_info = record.exc_text = record.stack_info = None
        return True

    def _kind(self, record: logging.LogRecord) -> str | None:
        if not isinstance(record.msg, str):
            return None
        for (name, start), kind in self.KINDS.items():
            if record.name == name and record.msg.startswith(start):
                return kind
        return None

    @staticmethod
    def _first_line(record: logging.LogRecord, kind: str) -> str:
        if kind != "accept":
            return record.getMessage().splitlines()[0]
        # The event loop's message also names the listening socket; the error's code suffices.
        error = record.exc_info[1] if record.exc_info else None
        code = errno.errorcode.get(getattr(error, "errno", None) or 0, "unknown error")
        return f"socket.accept() out of system resource ({code}); retrying every second"


FLOOD_FILTER = OncePerMinute()


def flood_filter() -> OncePerMinute:
    """The one filter of this process, however often the logging is configured (main() and
    uvicorn both do): a logger keeps one copy of a filter it is given twice."""
    return FLOOD_FILTER


# uvicorn's own loggers, minus the access logger; messages never carry request data.
LOG_CONFIG = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"once_a_minute": {"()": flood_filter}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "uvicorn": {"level": "INFO"},
        "uvicorn.error": {"filters": ["once_a_minute"]},
        "uvicorn.access": {"level": "CRITICAL", "propagate": False},
        "asyncio": {"filters": ["once_a_minute"]},
        "intake_api": {"level": "INFO"},
        "alembic": {"level": "WARNING"},
    },
    "root": {"handlers": ["console"], "level": "INFO"},
}


OPTIONS = {
    "access_log": False,
    "proxy_headers": False,  # the forwarded address is of no use to us: do not even parse it
    "server_header": False,
    "date_header": False,
    "log_config": LOG_CONFIG,
    # The standard event loop and h11, named rather than "auto": the deadline and the log
    # filter are written against them (httptools or uvloop, if ever installed, would bypass
    # both).
    "loop": "asyncio",
    "http": SlowClientProtocol,
    "timeout_keep_alive": KEEP_ALIVE_SECONDS,
    "limit_concurrency": MAX_CONNECTIONS,
}


def raise_open_file_limit(wanted: int = OPEN_FILES) -> int:
    """Raises the soft RLIMIT_NOFILE towards the hard limit (never above `wanted`), says so, and
    warns when it stays below what MAX_CONNECTIONS needs. Returns the soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            log.info("open files: soft limit raised from %d to %d", soft, target)
            soft = target
        except (ValueError, OSError) as error:
            log.warning("open files: could not raise the soft limit: %s", type(error).__name__)
    needed = MAX_CONNECTIONS + SPARE_FILES
    if soft != resource.RLIM_INFINITY and soft < needed:
        log.warning(
            "open files: the limit is %d, below the %d that %d connections need; idle "
            "connections can then exhaust it before the deadline closes them (raise the hard "
            "limit, e.g. LimitNOFILE=%d in the systemd unit)",
            soft,
            needed,
            MAX_CONNECTIONS,
            OPEN_FILES,
        )
    return soft


def uvicorn_config(
    app: object = "intake_api.main:app",
    host: str = "127.0.0.1",
    port: int = 8001,
    **options: object,
) -> uvicorn.Config:
    config = uvicorn.Config(app, host=host, port=port, **{**OPTIONS, **options})
    raise_open_file_limit()  # after the Config, which set up logging
    return config


def share_settings_with_workers(settings: Settings) -> None:
    """Worker processes read the settings anew: give them this start's development secrets
    (random when unset), or each would make its own and refuse the others' tokens."""
    os.environ.setdefault("INTAKE_SECRET_KEY", settings.secret_key)
    os.environ.setdefault("INTAKE_SERVICE_TOKEN", settings.service_token)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    logging.config.dictConfig(LOG_CONFIG)  # uvicorn applies it again; here for the line below
    share_settings_with_workers(get_settings())  # refuses here, before anything listens
    raise_open_file_limit()  # before uvicorn starts: its worker processes inherit the limit
    uvicorn.run(
        "intake_api.main:app", host=args.host, port=args.port, workers=args.workers, **OPTIONS
    )


if __name__ == "__main__":
    main()
