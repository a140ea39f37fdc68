"""The workspace's pages: log in (password and second factor), enrol the second factor, the
inbox, an intake (read, reply, close with an outcome, hand over), log out.

Every state-changing route is a POST that needs the session's CSRF token; the session cookie is
`__Host-` prefixed, HttpOnly, Secure and SameSite=Strict. Pages are Jinja2, with no script."""

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

import segno
from fastapi import APIRouter, Cookie, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from intake_api import coordinators, directory, passwords
from intake_api.clock import utcnow
from intake_api.deps import SessionDep, SettingsDep
from intake_api.errors import ApiError
from intake_api.i18n import negotiate
from intake_api.models import Coordinator, Outcome, Status
from intake_api.workspace import auth, inbox, proposals
from vagut.i18n import strings

router = APIRouter(prefix="/workspace", tags=["coordinator workspace"], include_in_schema=False)
TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "workspace"
COOKIE = "__Host-vagut-workspace"
LOGIN_COOKIE = "__Host-vagut-login"  # double-submit token against login CSRF
DEVICE_COOKIE = "__Host-vagut-device"  # this browser has logged in to the account before
LANGUAGES = ("sv", "en")
TokenCookie = Annotated[str | None, Cookie(alias=COOKIE)]
CsrfField = Annotated[str, Form(max_length=128)]  # missing: "" and a 403, like a wrong one


@cache
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape())


def _lang(request: Request) -> str:
    wanted = negotiate(request.headers.get("accept-language"))
    return wanted if wanted in LANGUAGES else "sv"


def _page(request: Request, template: str, status: int = 200, **context: object) -> Response:
    lang = _lang(request)
    html = (
        _environment()
        .get_template(template)
        .render(lang=lang, s=strings("workspace", lang), **context)
    )
    return HTMLResponse(html, status_code=status)


def _redirect(path: str) -> Response:
    return RedirectResponse(path, status_code=303)


def _login_redirect(request: Request) -> Response:
    target = request.url.path
    return _redirect(f"/workspace/login?next={quote(target, safe='/')}")


def _safe_next(next_path: str | None) -> str:
    """Only a path inside the workspace: never a redirect elsewhere."""
    if next_path and next_path.startswith("/workspace/") and "//" not in next_path:
        return next_path
    return "/workspace/"


COOKIE_FLAGS = {"path": "/", "secure": True, "httponly": True, "samesite": "strict"}


def _signed_in(target: str, token: str, settings) -> Response:
    """To `target` with the new session's cookie; the login form's token has served."""
    response = _redirect(target)
    response.set_cookie(COOKIE, token, max_age=settings.session_hours * 3600, **COOKIE_FLAGS)
    response.delete_cookie(LOGIN_COOKIE, **COOKIE_FLAGS)
    return response


def _with_login_token(request: Request, template: str, status: int, **context) -> Response:
    """A form that starts a session (login, the enrolment link): its token goes in the form
    and in a cookie, and a post from another site has neither."""
    token = auth.new_login_token()
    response = _page(request, template, status, login_token=token, **context)
    response.set_cookie(LOGIN_COOKIE, token, max_age=1800, **COOKIE_FLAGS)
    return response


def _password_problem(password: str, repeated: str, username: str) -> str | None:
    if password != repeated:
        return "differ"
    return passwords.problem(password, username)


@cache
def _municipalities_by_name() -> tuple:
    return tuple(sorted(directory.municipalities().values(), key=lambda m: m.name))


def _require(
    request: Request, session, token: str | None, *, enrolled: bool = True
) -> auth.Current | Response:
    current = auth.current(session, token)
    if current is None:
        return _login_redirect(request)
    if enrolled and current.enrolling:
        return _redirect("/workspace/enrol")
    return current


def _error_page(request: Request, status: int, code: str) -> Response:
    return _page(request, "error.html", status, error=code)


class Refused(Exception):
    """A request the workspace answers with an error page (status, translation key)."""

    def __init__(self, status: int, code: str) -> None:
        super().__init__(code)
        self.status, self.code = status, code


def _check_csrf(settings, current: auth.Current, csrf: str) -> None:
    if not auth.csrf_ok(settings, current.token, csrf):
        raise Refused(403, "csrf")


def _domain(call, *args):
    """A domain function, its API errors (404 for another municipality's intake) as pages."""
    try:
        return call(*args)
    except ApiError as error:
        raise Refused(error.status_code, error.code) from None


# ---------------------------------------------------------------- logging in and out


@router.get("/login", response_class=HTMLResponse)
def login_page(
    request: Request,
    settings: SettingsDep,
    next_path: Annotated[str | None, Query(alias="next")] = None,
) -> Response:
    return _login_form(request, settings, _safe_next(next_path))


def _login_form(
    request: Request, settings, next_path: str, error: str | None = None, wait: int = 0,
    status: int = 200,
) -> Response:  # fmt: skip
    return _with_login_token(request, "login.html", status, next=next_path, error=error,
                             wait=wait)  # fmt: skip


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    login_token: Annotated[str, Form(max_length=128)],
    code: Annotated[str, Form(max_length=32)] = "",
    next_path: Annotated[str, Form(alias="next", max_length=200)] = "/workspace/",
    login_cookie: Annotated[str | None, Cookie(alias=LOGIN_COOKIE)] = None,
    device: Annotated[str | None, Cookie(alias=DEVICE_COOKIE)] = None,
) -> Response:
    if not auth.same_login_token(login_cookie, login_token):
        return _login_form(request, settings, _safe_next(next_path), "expired", status=403)
    try:
        new = auth.login(session, settings, username, password, code, device)
    except auth.LoginRefused as refused:
        status = 429 if refused.reason in ("wait", "busy") else 401
        return _login_form(request, settings, _safe_next(next_path), refused.reason,
                           refused.wait_seconds, status)  # fmt: skip
    target = "/workspace/enrol" if new.enrolling else _safe_next(next_path)
    response = _signed_in(target, new.token, settings)
    if not new.enrolling:  # this browser has now proved it knows the account
        coordinator = auth.coordinator_named(session, username)
        response.set_cookie(DEVICE_COOKIE, auth.new_device_token(settings, coordinator),
                            max_age=auth.DEVICE_DAYS * 86400, **COOKIE_FLAGS)  # fmt: skip
    return response


@router.post("/logout")
def logout(
    request: Request, session: SessionDep, settings: SettingsDep, csrf: CsrfField = "",
    token: TokenCookie = None,
) -> Response:  # fmt: skip
    current = auth.current(session, token)
    if current is None:
        return _redirect("/workspace/login")
    _check_csrf(settings, current, csrf)
    auth.logout(session, current.token)
    response = _redirect("/workspace/login")
    response.delete_cookie(COOKIE, **COOKIE_FLAGS)
    return response


# ---------------------------------------------------------------- the second factor


def _qr_svg(uri: str) -> Markup:
    """Drawn here, as inline SVG: no image service, no third party."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff")
    return Markup(svg)  # segno draws it from the URI alone: no user text in the markup


@router.get("/enrol", response_class=HTMLResponse)
def enrol_page(
    request: Request, session: SessionDep, settings: SettingsDep, token: TokenCookie = None
) -> Response:
    current = _require(request, session, token, enrolled=False)
    if isinstance(current, Response):
        return current
    if not current.enrolling:
        return _redirect("/workspace/")
    return _enrol_form(request, session, settings, current)


def _enrol_form(request, session, settings, current, error: str | None = None) -> Response:
    secret = auth.start_enrolment(session, current)
    uri = auth.provisioning_uri(secret, current.me.coordinator.username)
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return _page(request, "enrol.html", 400 if error else 200, qr=_qr_svg(uri), secret=grouped,
                 csrf=auth.csrf_token(settings, current.token), error=error)  # fmt: skip


@router.post("/enrol", response_class=HTMLResponse)
def enrol(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    code: Annotated[str, Form(max_length=32)],
    csrf: CsrfField = "",
    token: TokenCookie = None,
) -> Response:
    current = _require(request, session, token, enrolled=False)
    if isinstance(current, Response):
        return current
    _check_csrf(settings, current, csrf)
    if not current.enrolling:
        return _redirect("/workspace/")
    codes = auth.finish_enrolment(session, current, code)
    if codes is None:
        return _enrol_form(request, session, settings, current, "wrong_code")
    return _page(request, "recovery.html", codes=codes)


# ---------------------------------------------------------------- inbox and intakes


@router.get("/", response_class=HTMLResponse)
def inbox_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    view: Annotated[str, Query(pattern="^(open|answered|closed)$")] = "open",
    notice: Annotated[
        str | None, Query(pattern="^(handed_over|handed_over_all|closed_bursts)$")
    ] = None,
    n: Annotated[int, Query(ge=0, le=100000)] = 0,
    page: Annotated[int, Query(ge=1, le=10000)] = 1,
    token: TokenCookie = None,
) -> Response:
    current = _require(request, session, token)
    if isinstance(current, Response):
        return current
    return _inbox(request, session, settings, current, view, notice=notice, n=n, page=page)


def _inbox(request, session, settings, current, view, notice=None, n=0, error=None, page=1):
    rows = inbox.rows(session, current.me, view, utcnow(), settings.timezone, page)
    counts = inbox.counts(session, current.me)
    pages = max(1, -(-counts[view] // inbox.PAGE_SIZE))
    others = _municipalities_by_name()
    return _page(request, "inbox.html", 400 if error else 200, me=current.me.coordinator,
                 rows=rows, view=view, counts=counts, notice=notice, page=page, pages=pages,
                 n=n, error=error, municipalities=others,
                 bursts=inbox.bursts(session, current.me),
                 csrf=auth.csrf_token(settings, current.token))  # fmt: skip


def _intake_page(request, session, settings, current, reference, notice=None, error=None):
    detail = _domain(coordinators.read_intake, session, current.me, reference)
    inbox.audit(session, current.me, "opened", reference)
    others = [m for m in _municipalities_by_name() if m.code != detail.municipality.code]
    return _page(
        request, "intake.html", 400 if error else 200, me=current.me.coordinator,
        intake=detail, view=inbox.view_of(detail), phone=inbox.dialable(detail.phone),
        outcomes=[o.value for o in Outcome], municipalities=others, notice=notice, error=error,
        overdue=inbox.overdue(detail.status, detail.created_hour.replace(tzinfo=None), utcnow(),
                              settings.timezone),
        csrf=auth.csrf_token(settings, current.token), closed=detail.status == Status.closed,
    )  # fmt: skip


@router.get("/intake/{reference}", response_class=HTMLResponse)
def intake_page(
    request: Request, reference: str, session: SessionDep, settings: SettingsDep,
    notice: Annotated[str | None, Query(pattern="^(replied|closed)$")] = None,
    token: TokenCookie = None,
) -> Response:  # fmt: skip
    current = _require(request, session, token)
    if isinstance(current, Response):
        return current
    return _intake_page(request, session, settings, current, reference, notice=notice)


@router.post("/intake/{reference}/reply", response_class=HTMLResponse)
def reply(
    request: Request, reference: str, session: SessionDep, settings: SettingsDep,
    csrf: CsrfField = "", text: Annotated[str, Form(max_length=4000)] = "",
    token: TokenCookie = None,
) -> Response:  # fmt: skip
    current = _require(request, session, token)
    if isinstance(current, Response):
        return current
    _check_csrf(settings, current, csrf)
    if not text.strip():
        return _intake_page(request, session, settings, current, reference, error="empty_reply")
    _domain(coordinators.reply, session, current.me, reference, text.strip())
    inbox.audit(session, current.me, "replied", reference)
    return _redirect(f"/workspace/intake/{reference}?notice=replied")


@router.post("/intake/{reference}/close", response_class=HTMLResponse)
def close(
    request: Request, reference: str, session: SessionDep, settings: SettingsDep,
    outcome: Annotated[Outcome, Form()], csrf: CsrfField = "", token: TokenCookie = None,
) -> Response:  # fmt: skip
    current = _require(request, session, token)
    if isinstance(current, Response):
        return current
    _check_csrf(settings, current, csrf)
    _domain(coordinators.close, session, current.me, reference, outcome)
    inbox.audit(session, current.me, "closed", reference, outcome.value)
    return _redirect(f"/workspace/intake/{reference}?notice=closed")


@router.post("/intake/{reference}/handover", response_class=HTMLResponse)
def hand_over(
    request: Request, reference: str, session: SessionDep, settings: SettingsDep,
    municipality_code: Annotated[str, Form(pattern=r"^\d{4}$")], csrf: CsrfField = "",
    token: TokenCookie = None,
) -> Response:  # fmt: skip
    current = _require(request, session, token)
    if isinstance(current, Response):
        return current
    _check_csrf(settings, current, csrf)
    _domain(coordinators.hand_over, session, settings, current.me, reference, municipality_code)
    inbox.audit(session, current.me, "handed_over", reference, municipality_code)
    return _redirect("/workspace/?notice=handed_over")


# ---------------------------------------------------------------- the enrolment link


@router.get("/welcome/{token}", response_class=HTMLResponse)
def welcome_page(request: Request, token: str, session: SessionDep, settings: SettingsDep):
    coordinator = auth.invited(session, token)
    if coordinator is None:
        return _error_page(request, 404, "invitation")
    return _welcome_form(request, token, coordinator.username)


def _welcome_form(request, token, username, error=None, status=200) -> Response:
    return _with_login_token(request, "welcome.html", status, token=token, username=username,
                             error=error, min_length=passwords.MIN_LENGTH)  # fmt: skip


@router.post("/welcome/{token}", response_class=HTMLResponse)
def welcome(
    request: Request,
    token: str,
    session: SessionDep,
    settings: SettingsDep,
    password: Annotated[str, Form(max_length=256)],
    repeated: Annotated[str, Form(max_length=256)],
    login_token: Annotated[str, Form(max_length=128)],
    login_cookie: Annotated[str | None, Cookie(alias=LOGIN_COOKIE)] = None,
) -> Response:
    coordinator = auth.invited(session, token)
    if coordinator is None:
        return _error_page(request, 404, "invitation")
    username = coordinator.username
    if not auth.same_login_token(login_cookie, login_token):
        return _welcome_form(request, token, username, "expired", 403)
    problem = _password_problem(password, repeated, username)
    if problem:
        return _welcome_form(request, token, username, problem, 400)
    try:
        new = auth.accept_invitation(session, settings, token, password)
    except auth.LoginRefused:
        return _error_page(request, 404, "invitation")
    return _signed_in("/workspace/enrol", new.token, settings)


# ---------------------------------------------------------------- the account


@router.get("/account", response_class=HTMLResponse)
def account_page(
    request: Request, session: SessionDep, settings: SettingsDep,
    notice: Annotated[str | None, Query(pattern="^(password)$")] = None,
    token: TokenCookie = None,
) -> Response:  # fmt: skip
    current = _require(request, session, token)
    if isinstance(current, Response):
        return current
    return _account(request, settings, current, notice=notice)


def _account(request, settings, current, error=None, notice=None, status=200) -> Response:
    return _page(request, "account.html", 400 if error else status, me=current.me.coordinator,
                 csrf=auth.csrf_token(settings, current.token), error=error, notice=notice,
                 min_length=passwords.MIN_LENGTH)  # fmt: skip


@router.post("/account/password", response_class=HTMLResponse)
def change_password(
    request: Request, session: SessionDep, settings: SettingsDep,
    old: Annotated[str, Form(max_length=256)], new: Annotated[str, Form(max_length=256)],
    repeated: Annotated[str, Form(max_length=256)], code: Annotated[str, Form(max_length=32)],
    csrf: CsrfField = "", token: TokenCookie = None,
) -> Response:  # fmt: skip
    current = _require(request, session, token)
    if isinstance(current, Response):
        return current
    _check_csrf(settings, current, csrf)
    problem = _password_problem(new, repeated, current.me.coordinator.username)
    if problem:
        return _account(request, settings, current, error=f"password_{problem}")
    if not auth.fresh_code_ok(session, current, code):
        return _account(request, settings, current, error="code")
    if not auth.change_password(session, settings, current, old, new):
        return _account(request, settings, current, error="old_password")
    inbox.audit(session, current.me, "password_changed", None)
    return _redirect("/workspace/account?notice=password")


@router.post("/account/second-factor", response_class=HTMLResponse)
def new_second_factor(
    request: Request, session: SessionDep, settings: SettingsDep,
    code: Annotated[str, Form(max_length=32)], csrf: CsrfField = "", token: TokenCookie = None,
) -> Response:  # fmt: skip
    """A new phone: confirm with a code from the old one, then enrol the new one."""
    current = _require(request, session, token)
    if isinstance(current, Response):
        return current
    _check_csrf(settings, current, csrf)
    if not auth.fresh_code_ok(session, current, code):
        return _account(request, settings, current, error="code")
    coordinator = session.get(Coordinator, current.me.coordinator.id)
    auth.reset_second_factor(session, coordinator, keep_token=current.token)
    inbox.audit(session, current.me, "second_factor_reset", None)
    return _redirect("/workspace/enrol")


# ---------------------------------------------------------------- handing everything over


@router.post("/handover-all", response_class=HTMLResponse)
def hand_over_all(
    request: Request, session: SessionDep, settings: SettingsDep,
    municipality_code: Annotated[str, Form(pattern=r"^\d{4}$")],
    code: Annotated[str, Form(max_length=32)], csrf: CsrfField = "", token: TokenCookie = None,
) -> Response:  # fmt: skip
    """Before leaving or a long absence: every open intake to another municipality's
    coordinators (or the fallback), confirmed with a fresh code."""
    current = _require(request, session, token)
    if isinstance(current, Response):
        return current
    _check_csrf(settings, current, csrf)
    if not auth.fresh_code_ok(session, current, code):
        return _inbox(request, session, settings, current, "open", error="code")
    references = [
        row.reference
        for view in ("open", "answered")
        for row in inbox.rows(session, current.me, view, utcnow(), settings.timezone, None)
    ]
    for reference in references:
        _domain(coordinators.hand_over, session, settings, current.me, reference,
                municipality_code)  # fmt: skip
        inbox.audit(session, current.me, "handed_over", reference, municipality_code)
    return _redirect(f"/workspace/?notice=handed_over_all&n={len(references)}")


@router.post("/close-bursts", response_class=HTMLResponse)
def close_bursts(
    request: Request, session: SessionDep, settings: SettingsDep,
    up_to: Annotated[dt.datetime, Form()],
    confirm: Annotated[str, Form(pattern="^yes$")], csrf: CsrfField = "",
    token: TokenCookie = None,
) -> Response:  # fmt: skip
    """Close a flood: my unread intakes that came in a burst, up to the hour of the newest
    one on the page the coordinator saw (not those of a later hour)."""
    current = _require(request, session, token)
    if isinstance(current, Response):
        return current
    _check_csrf(settings, current, csrf)
    references = inbox.unread_in_bursts(session, current.me, up_to.replace(tzinfo=None))
    closed = coordinators.close_unread(session, current.me, references)
    for reference in references:
        inbox.audit(session, current.me, "closed", reference, Outcome.automated.value)
    return _redirect(f"/workspace/?notice=closed_bursts&n={closed}")


# ---------------------------------------------------------------- public contact data


@router.get("/contacts", response_class=HTMLResponse)
def contacts_page(
    request: Request, session: SessionDep, settings: SettingsDep,
    notice: Annotated[str | None, Query(pattern="^(proposed)$")] = None,
    token: TokenCookie = None,
) -> Response:  # fmt: skip
    current = _require(request, session, token)
    if isinstance(current, Response):
        return current
    return _contacts(request, settings, current, notice=notice)


def _contacts(request, settings, current, form=None, errors=(), notice=None) -> Response:
    codes = proposals.municipalities_for(current.me)
    listed = [(code, directory.public(code).name, directory.contacts(code)) for code in codes]
    return _page(request, "contacts.html", 400 if errors else 200, me=current.me.coordinator,
                 csrf=auth.csrf_token(settings, current.token), municipalities=listed,
                 serves=proposals.SERVES, form=form or {}, errors=list(errors), notice=notice,
                 show_current=not current.me.coordinator.is_fallback)  # fmt: skip


@router.post("/contacts", response_class=HTMLResponse)
async def propose_contact(
    request: Request, session: SessionDep, settings: SettingsDep, token: TokenCookie = None
) -> Response:
    current = _require(request, session, token)
    if isinstance(current, Response):
        return current
    form = {k: str(v)[:1000] for k, v in (await request.form()).items()}
    _check_csrf(settings, current, form.get("csrf", ""))
    errors = proposals.submit(session, current.me, form.get("municipality_code", ""), form)
    if errors:
        return _contacts(request, settings, current, form=form, errors=errors)
    inbox.audit(session, current.me, "contact_proposed", None, form.get("municipality_code"))
    return _redirect("/workspace/contacts?notice=proposed")


def install(app) -> None:
    """The workspace's router, and its errors as pages rather than JSON."""
    app.include_router(router)

    @app.exception_handler(Refused)
    def refused(request: Request, error: Refused) -> Response:
        return _error_page(request, error.status, error.code)


@router.get("/workspace.css", include_in_schema=False)
def stylesheet() -> Response:
    css = (TEMPLATES / "workspace.css").read_text(encoding="utf-8")
    return Response(css, media_type="text/css", headers={"cache-control": "no-store"})
