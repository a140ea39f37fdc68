"""The admin tool: `python -m intake_api.admin <command>`. Runs on the server, beside the API.

migrate                                   bring the database schema up to date
create-coordinator USER EMAIL [--municipality CODE ...] [--fallback] [--language sv|en]
                                          mails a one-time link (valid 7 days) where its owner
                                          sets a password and enrols the second factor
    [--password-stdin | --generate-password]  set the password here instead (scripted set-ups)
link USER CODE / unlink USER CODE         serve, or stop serving, a municipality
reset-2fa USER                            a lost phone: the next login enrols a new second factor
deactivate USER                           no more logins or notifications; refused while USER is
                                          the only one who can read an open intake
list                                      coordinators and what they serve
coverage                                  municipalities nobody serves (the fallback gets them)
audit [--user USER] [--reference REF] [--days N]
                                          who opened, replied, handed over, closed (to the hour)
proposals [--yaml] [--all] [--done ID ...]
                                          coordinators' corrections to public contact data
"""

import argparse
import datetime as dt
import getpass
import secrets
import sys

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake_api import coordinators, directory, notify, passwords
from intake_api.clock import utcnow
from intake_api.config import Settings, get_settings
from intake_api.db import get_sessionmaker, migrate
from intake_api.models import Assignment, AuditEvent, Coordinator
from intake_api.workspace import auth, inbox, proposals


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
    create.add_argument("--language", default="sv", choices=("sv", "en"), help="of the mails")
    how = create.add_mutually_exclusive_group()
    how.add_argument("--password-stdin", action="store_true", help="read it from stdin")
    how.add_argument("--generate-password", action="store_true", help="make and print one")
    how.add_argument("--show-link", action="store_true", help="print the link as well as mail it")
    for name in ("link", "unlink"):
        command = commands.add_parser(name)
        command.add_argument("username")
        command.add_argument("code")
    commands.add_parser("deactivate").add_argument("username")
    commands.add_parser("reset-2fa").add_argument("username")
    commands.add_parser("list")
    commands.add_parser("coverage")
    audit = commands.add_parser("audit")
    audit.add_argument("--user")
    audit.add_argument("--reference")
    audit.add_argument("--days", type=int, default=30)
    listing = commands.add_parser("proposals")
    listing.add_argument("--yaml", action="store_true", help="as contacts for content/")
    listing.add_argument("--all", action="store_true", help="those marked done too")
    listing.add_argument("--done", nargs="+", default=[], metavar="ID", help="mark as done")
    return parser


def _password(args: argparse.Namespace) -> str:
    if args.generate_password:
        # Random, but drawn again until the policy takes it: a short username ("bo") can
        # turn up inside 24 random characters, and the policy refuses a password holding it.
        password = secrets.token_urlsafe(18)
        while passwords.problem(password, args.username):
            password = secrets.token_urlsafe(18)
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


def _audit(session: Session, action: str, username: str) -> None:
    """The admin's own actions go in the trail too (the account acted on as the detail)."""
    inbox.record(session, "admin", action, detail=username)


def _create(session: Session, settings: Settings, args: argparse.Namespace) -> None:
    common = {"is_fallback": args.fallback, "language": args.language}
    try:
        if args.password_stdin or args.generate_password:
            coordinator = coordinators.create_coordinator(
                session, settings, args.username, args.email, _password(args),
                args.municipality, **common,
            )  # fmt: skip
            print(f"created {coordinator.username}; the first login enrols the second factor")
        else:
            coordinator, link = coordinators.invite_coordinator(
                session, settings, args.username, args.email, args.municipality, **common
            )
            print(f"created {coordinator.username}; an enrolment link was mailed to {args.email}")
            if args.show_link:
                print(f"enrolment link (one time, {coordinators.ENROLMENT_DAYS} days): {link}")
    except (ValueError, passwords.WeakPassword) as error:
        raise SystemExit(str(error)) from None
    _audit(session, "account_created", args.username)


def _deactivate(session: Session, username: str) -> None:
    stranded = coordinators.deactivate(session, _find(session, username))
    if stranded:
        raise SystemExit(
            f"refused: {username} is the only one who can read {len(stranded)} open intake(s) "
            f"({', '.join(stranded)}). They hand them over in the workspace first "
            "('Lämna över alla öppna ärenden'), or close them."
        )
    _audit(session, "account_deactivated", username)
    print(f"{username} deactivated; their sessions are ended")


def _reset_second_factor(session: Session, settings: Settings, username: str) -> None:
    coordinator = _find(session, username)
    auth.reset_second_factor(session, coordinator)
    params = {"workspace": f"{settings.workspace_url}workspace/login"}
    notify.queue_staff_mail(session, coordinator, "workspace.mail.second_factor_reset", params)
    session.commit()
    _audit(session, "second_factor_reset", username)
    print(f"{username}: second factor and recovery codes removed, sessions ended; "
          "the next login with the password enrols a new one")  # fmt: skip


def _list(session: Session) -> None:
    for coordinator in session.scalars(select(Coordinator).order_by(Coordinator.username)):
        codes = ", ".join(sorted(a.municipality_code for a in coordinator.municipalities))
        flags = (
            " [fallback]" * coordinator.is_fallback
            + " [inactive]" * (not coordinator.is_active)
            + " [invited]" * (coordinator.enrolment_hash is not None)
            + " [no second factor yet]" * (coordinator.totp_wrapped is None)
        )
        print(f"{coordinator.username} <{coordinator.email}>{flags}: {codes or '-'}")


def _coverage(session: Session) -> None:
    served = set(session.scalars(select(Assignment.municipality_code)))
    unserved = [m for code, m in directory.municipalities().items() if code not in served]
    print(f"{len(served)} municipalities served, {len(unserved)} go to the fallback")
    if unserved and not notify.fallback_coordinators(session):
        print("WARNING: no fallback coordinator: first contacts there are refused (503)")


def _audit_trail(session: Session, args: argparse.Namespace) -> None:
    since = utcnow() - dt.timedelta(days=args.days)
    query = select(AuditEvent).where(AuditEvent.hour >= since)
    if args.user:
        query = query.where(AuditEvent.username == args.user)
    if args.reference:
        query = query.where(AuditEvent.reference == args.reference)
    for event in session.scalars(query.order_by(AuditEvent.hour, AuditEvent.username)):
        when = event.hour.strftime("%Y-%m-%d %H:00")
        print(f"{when}  {event.username:16} {event.action:20} "
              f"{event.reference or '-':16} {event.detail or ''}".rstrip())  # fmt: skip


def _proposals(session: Session, args: argparse.Namespace) -> None:
    if args.done:
        marked = proposals.mark_done(session, args.done)
        print(f"{marked} marked done")
        return
    listed = proposals.listed(session, include_done=args.all)
    if args.yaml:
        print(proposals.as_yaml(listed), end="")
        return
    for proposal in listed:
        print(proposals.as_line(proposal))
    if not listed:
        print("no proposals")


def run(argv: list[str] | None = None, settings: Settings | None = None) -> None:
    args = _parser().parse_args(argv)
    settings = settings or get_settings()
    if args.command == "migrate":
        migrate(settings.database_url)
        print("database is up to date")
        return
    with get_sessionmaker(settings.database_url)() as session:
        if args.command == "create-coordinator":
            _create(session, settings, args)
        elif args.command == "link":
            coordinators.link(session, _find(session, args.username), args.code)
            print(f"{args.username} now serves {args.code}")
        elif args.command == "unlink":
            coordinators.unlink(session, _find(session, args.username), args.code)
            print(f"{args.username} no longer serves {args.code}")
        elif args.command == "deactivate":
            _deactivate(session, args.username)
        elif args.command == "reset-2fa":
            _reset_second_factor(session, settings, args.username)
        elif args.command == "list":
            _list(session)
        elif args.command == "coverage":
            _coverage(session)
        elif args.command == "audit":
            _audit_trail(session, args)
        elif args.command == "proposals":
            _proposals(session, args)


if __name__ == "__main__":
    run()
