"""Everything for trying the service on one machine: `python -m intake_api.dev`.

Starts a mail catcher on 127.0.0.1:8025 (mails are printed and saved under var/mail/), migrates
the SQLite database var/intake.db, makes demo coordinators for Haninge (0136), Österåker (0117)
and a fallback, then runs the outbox worker and the API on http://127.0.0.1:8001/.
Development only: it refuses to run with INTAKE_ENVIRONMENT=production.
"""

import argparse
import os
import threading

DEMO_COORDINATORS = (
    # username, password (development only), municipalities, fallback
    ("haninge", "demo-granris-fyrtorn", ["0136"], False),
    ("osteraker", "demo-skargard-lanterna", ["0117"], False),
    ("fallback", "demo-kompass-riksvag", [], True),
)
DEMO_LOGINS = "demo-logins.txt"  # under var/: the demo TOTP secrets, for this machine only


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--smtp-port", type=int, default=8025)
    return parser.parse_args()


def _demo_coordinators(session, settings) -> list[str]:
    """Make the demo coordinators that do not exist yet, with a second factor; returns what to
    print about them (password, TOTP secret, otpauth URI)."""
    from sqlalchemy import select

    from intake_api import coordinators
    from intake_api.models import Coordinator
    from intake_api.workspace import auth

    made = []
    for username, password, codes, fallback in DEMO_COORDINATORS:
        if session.scalar(select(Coordinator).where(Coordinator.username == username)):
            continue
        coordinators.create_coordinator(session, settings, username, f"{username}@example.org",
                                        password, codes, is_fallback=fallback)  # fmt: skip
        secret = auth.enrol_with_password(session, settings, username, password)
        serves = "fallback" if fallback else ", ".join(codes)
        made.append(
            f"  {username:10} password {password}  ({serves})\n"
            f"             TOTP secret {secret}\n"
            f"             {auth.provisioning_uri(secret, username)}\n"
        )
    return made


def _earlier(logins) -> str:
    if logins.exists():
        return f"see {logins}"
    return "their secrets are not on record; delete var/intake.db to make them anew"


def main() -> None:
    args = _arguments()
    os.environ.setdefault("INTAKE_ENVIRONMENT", "development")
    os.environ["INTAKE_SMTP_HOST"] = "127.0.0.1"
    os.environ["INTAKE_SMTP_PORT"] = str(args.smtp_port)
    os.environ.setdefault("INTAKE_WORKSPACE_URL", f"http://127.0.0.1:{args.port}/")
    os.environ.setdefault("INTAKE_WORKER_INTERVAL_SECONDS", "1")

    # Imported here, after the environment is set: settings are read once.
    import uvicorn

    from intake_api import mailcatcher, worker
    from intake_api.config import VAR_DIR, get_settings
    from intake_api.db import get_sessionmaker, migrate
    from intake_api.server import uvicorn_config

    settings = get_settings()
    if settings.environment != "development":
        raise SystemExit("intake_api.dev is for development only")

    mail_dir = VAR_DIR / "mail"
    controller, _catcher = mailcatcher.start(args.smtp_port, save_dir=mail_dir, echo=True)
    migrate(settings.database_url)
    logins = VAR_DIR / DEMO_LOGINS
    with get_sessionmaker(settings.database_url)() as session:
        made = _demo_coordinators(session, settings)
    if made:
        # Printed once, when made, and kept beside the development database only.
        logins.parent.mkdir(parents=True, exist_ok=True)
        logins.write_text("".join(made), encoding="utf-8")
        logins.chmod(0o600)

    stop = threading.Event()
    threading.Thread(target=worker.run_forever, args=(settings, stop), daemon=True).start()

    base = f"http://127.0.0.1:{args.port}"
    print(
        "\nvag-ut intake API (development)\n"
        f"  API          {base}/api/v1/   (OpenAPI: {base}/api/openapi.json)\n"
        f"  form         {base}/api/v1/form   (no JavaScript)\n"
        f"  database     {settings.database_url}\n"
        f"  mail catcher smtp://127.0.0.1:{args.smtp_port} (printed here, saved in {mail_dir})\n"
        f"  service token (chatbot): {settings.service_token}\n"
        f"  workspace    {base}/workspace/   (coordinators: password and a code from an\n"
        "               authenticator app; add the otpauth URI or the secret to the app,\n"
        "               or: uv run python -c 'import pyotp; print(pyotp.TOTP(\"SECRET\").now())')\n"
        + ("".join(made) if made else f"  demo logins  made earlier: {_earlier(logins)}\n"),
        flush=True,
    )
    try:
        uvicorn.Server(uvicorn_config(host="127.0.0.1", port=args.port)).run()
    finally:
        stop.set()
        controller.stop()


if __name__ == "__main__":
    main()
