"""The admin tool: `python -m intake_api.admin <command>`. Runs on the server, beside the API.

migrate                                   bring the database schema up to date
create-coordinator USER EMAIL [--municipality CODE ...] [--fallback] [--password-stdin]
link USER CODE / unlink USER CODE         serve, or stop serving, a municipality
deactivate USER                           no more logins or notifications
list                                      coordinators and what they serve
coverage                                  municipalities nobody serves (the fallback gets them)
"""

import argparse
import getpass
import secrets
import sys

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake_api import coordinators, directory, notify
from intake_api.config import Settings, get_settings
from intake_api.db import get_sessionmaker, migrate
from intake_api.models import Assignment, Coordinator


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m intake_api.admin",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate")
    create = commands.add_parser("create-coordinator")
    create.add_argument("username")
    create.add_argument("email")
    create.add_argument("--municipality", "-m", action="append", default=[], metavar="CODE")
    create.add_argument("--fallback", action="store_true", help="catches unserved municipalities")
    create.add_argument("--language", default="sv", help="of the notifications")
    create.add_argument("--password-stdin", action="store_true", help="read it from stdin")
    create.add_argument("--generate-password", action="store_true", help="make and print one")
    for name in ("link", "unlink"):
        command = commands.add_parser(name)
        command.add_argument("username")
        command.add_argument("code")
    commands.add_parser("deactivate").add_argument("username")
    commands.add_parser("list")
    commands.add_parser("coverage")
    return parser


def _password(args: argparse.Namespace) -> str:
    if args.generate_password:
        password = secrets.token_urlsafe(12)
        print(f"password for {args.username}: {password}")
        return password
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass(f"password for {args.username}: ")
    if password != getpass.getpass("again: "):
        raise SystemExit("the passwords differ")
    return password


def _find(session: Session, username: str) -> Coordinator:
    coordinator = session.scalar(select(Coordinator).where(Coordinator.username == username))
    if coordinator is None:
        raise SystemExit(f"no coordinator named {username}")
    return coordinator


def run(argv: list[str] | None = None, settings: Settings | None = None) -> None:
    args = _parser().parse_args(argv)
    settings = settings or get_settings()
    if args.command == "migrate":
        migrate(settings.database_url)
        print("database is up to date")
        return
    with get_sessionmaker(settings.database_url)() as session:
        if args.command == "create-coordinator":
            try:
                coordinator = coordinators.create_coordinator(
                    session,
                    settings,
                    args.username,
                    args.email,
                    _password(args),
                    args.municipality,
                    is_fallback=args.fallback,
                    language=args.language,
                )
            except ValueError as error:
                raise SystemExit(str(error)) from None
            print(f"created {coordinator.username}")
        elif args.command == "link":
            coordinators.link(session, _find(session, args.username), args.code)
            print(f"{args.username} now serves {args.code}")
        elif args.command == "unlink":
            coordinators.unlink(session, _find(session, args.username), args.code)
            print(f"{args.username} no longer serves {args.code}")
        elif args.command == "deactivate":
            _find(session, args.username).is_active = False
            session.commit()
            print(f"{args.username} deactivated")
        elif args.command == "list":
            for coordinator in session.scalars(select(Coordinator).order_by(Coordinator.username)):
                codes = ", ".join(sorted(a.municipality_code for a in coordinator.municipalities))
                flags = " [fallback]" * coordinator.is_fallback + " [inactive]" * (
                    not coordinator.is_active
                )
                print(f"{coordinator.username} <{coordinator.email}>{flags}: {codes or '-'}")
        elif args.command == "coverage":
            served = set(session.scalars(select(Assignment.municipality_code)))
            unserved = [m for code, m in directory.municipalities().items() if code not in served]
            print(f"{len(served)} municipalities served, {len(unserved)} go to the fallback")
            if unserved and not notify.fallback_coordinators(session):
                print("WARNING: no fallback coordinator: first contacts there are refused (503)")


if __name__ == "__main__":
    run()
