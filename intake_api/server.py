"""Runs the API under uvicorn without an access log (it would record addresses and paths):
`python -m intake_api.server [--host 127.0.0.1] [--port 8001]`. Behind a reverse proxy, turn the
proxy's access log off too, or strip addresses from it (see docs/API.md)."""

import argparse

import uvicorn

# uvicorn's own loggers, minus the access logger; messages never carry request data.
LOG_CONFIG = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "uvicorn": {"level": "INFO"},
        "uvicorn.access": {"level": "CRITICAL", "propagate": False},
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
}


def uvicorn_config(
    app: object = "intake_api.main:app",
    host: str = "127.0.0.1",
    port: int = 8001,
    **options: object,
) -> uvicorn.Config:
    return uvicorn.Config(app, host=host, port=port, **{**OPTIONS, **options})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    uvicorn.run(
        "intake_api.main:app", host=args.host, port=args.port, workers=args.workers, **OPTIONS
    )


if __name__ == "__main__":
    main()
