"""The coordinators' workspace, over HTTP as a browser uses it (cookies, forms, redirects), on the
migrated database: login with a mandatory second factor, enrolment, the inbox, an intake (read,
reply, close, hand over), CSRF, sessions, throttling, and what every page carries."""

import datetime as dt
import re

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from intake_api.config import get_settings
from intake_api.main import app
from intake_api.models import AuditEvent, Coordinator, OutboxMail
from intake_api.models import Session as LoginSession
from intake_api.workspace import auth
from tests.intake_api.helpers import PASSWORDS, intake_body, service_headers


@pytest.fixture
def browser(settings):
    """A browser on https (the session cookie is Secure), following no redirects by itself."""
    app.dependency_overrides[get_settings] = lambda: settings
    try:
        with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
            yield client
    finally:
        app.dependency_overrides.clear()


@pytest.fixture
def secrets(session, settings, staff):
    """Haninge and Österåker have enrolled their second factor; the fallback has not."""
    return {
        name: auth.enrol_with_password(session, settings, name, PASSWORDS[name])
        for name in ("haninge", "osteraker")
    }


def login_form(browser, next_path=""):
    page = browser.get(f"/workspace/login{next_path}")
    assert page.status_code == 200
    return re.search(r'name="login_token" value="([^"]+)"', page.text).group(1)


def log_in(browser, username, code, password=None, next_path="/workspace/"):
    token = login_form(browser)
    return browser.post("/workspace/login", data={
        "username": username, "password": password or PASSWORDS[username], "code": code,
        "login_token": token, "next": next_path})  # fmt: skip


def code_now(secret, steps_ahead=0):
    totp = pyotp.TOTP(secret)
    return totp.at(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30 * steps_ahead))


def csrf_of(page) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def submit_intake(client_or_browser, **changes):
    answer = client_or_browser.post("/api/v1/intakes", json=intake_body(**changes),
                                    headers=service_headers())  # fmt: skip
    assert answer.status_code == 201, answer.text
    return answer.json()


# ---------------------------------------------------------------- logging in


def test_login_needs_password_and_code_and_sets_a_strict_host_cookie(browser, secrets):
    assert log_in(browser, "haninge", "").status_code == 401  # no code: refused
    answer = log_in(browser, "haninge", code_now(secrets["haninge"]))
    assert answer.status_code == 303 and answer.headers["location"] == "/workspace/"
    cookie = next(c for c in answer.headers.get_list("set-cookie") if "__Host-vagut-workspace" in c)
    for flag in ("Secure", "HttpOnly", "SameSite=strict", "Path=/"):
        assert flag.lower() in cookie.lower(), cookie
    assert "domain" not in cookie.lower()
    assert browser.get("/workspace/").status_code == 200


def test_a_used_code_is_refused_the_second_time(browser, secrets):
    code = code_now(secrets["haninge"])
    assert log_in(browser, "haninge", code).status_code == 303
    browser.cookies.clear()
    assert log_in(browser, "haninge", code).status_code == 401


def test_a_wrong_password_or_unknown_user_gets_the_same_answer(browser, secrets):
    wrong_password = log_in(browser, "haninge", code_now(secrets["haninge"]), password="nope")
    unknown = log_in(browser, "nobody", "123456", password="whatever-it-is")
    assert wrong_password.status_code == unknown.status_code == 401
    assert re.sub(r'value="[^"]+"', "", wrong_password.text) == re.sub(
        r'value="[^"]+"', "", unknown.text)  # fmt: skip


def test_login_from_another_site_is_refused(browser, secrets):
    answer = browser.post("/workspace/login", data={
        "username": "haninge", "password": PASSWORDS["haninge"],
        "code": code_now(secrets["haninge"]), "login_token": "forged"})  # fmt: skip
    assert answer.status_code == 403
    assert "__Host-vagut-workspace" not in " ".join(answer.headers.get_list("set-cookie"))


def test_next_goes_only_inside_the_workspace(browser, secrets):
    answer = log_in(browser, "haninge", code_now(secrets["haninge"]),
                    next_path="https://evil.example/")  # fmt: skip
    assert answer.headers["location"] == "/workspace/"


def test_failed_logins_slow_down_then_lock_the_account_and_mail_its_owner(
    browser, secrets, session
):
    statuses = [log_in(browser, "haninge", "000000", password="wrong").status_code
                for _ in range(4)]  # fmt: skip
    assert statuses[:3] == [401, 401, 401] and statuses[3] == 429  # wait before the 4th
    assert "sekunder" in log_in(browser, "haninge", code_now(secrets["haninge"])).text

    def locked_until():
        until = session.scalar(select(Coordinator.locked_until)
                               .where(Coordinator.username == "haninge"))  # fmt: skip
        session.rollback()  # SQLite has one connection: give it back to the service
        return until

    for _ in range(20):  # let every wait pass, and go on failing
        session.execute(update(Coordinator).where(Coordinator.username == "haninge")
                        .values(next_login_at=None))  # fmt: skip
        session.commit()
        log_in(browser, "haninge", "000000", password="wrong")
        if locked_until():
            break
    assert locked_until() is not None
    locked = log_in(browser, "haninge", code_now(secrets["haninge"]))  # even the right password
    assert locked.status_code == 401 and "låst" in locked.text
    mails = session.scalars(select(OutboxMail).where(OutboxMail.recipient == "haninge@example.org"))
    assert any("låst" in mail.subject for mail in mails)


# ---------------------------------------------------------------- enrolling


def test_the_first_login_enrols_the_second_factor_and_gives_recovery_codes(browser, staff):
    answer = log_in(browser, "fallback", "")
    assert answer.status_code == 303 and answer.headers["location"] == "/workspace/enrol"
    assert browser.get("/workspace/").headers["location"] == "/workspace/enrol"  # nothing else
    page = browser.get("/workspace/enrol")
    assert "<svg" in page.text and "<img" not in page.text  # the QR code is drawn here
    secret = re.search(r'id="secret" class="secret">([A-Z2-7 ]+)<', page.text).group(1)
    secret = secret.replace(" ", "")
    wrong = browser.post("/workspace/enrol", data={"code": "000000", "csrf": csrf_of(page)})
    assert wrong.status_code == 400
    done = browser.post("/workspace/enrol",
                        data={"code": code_now(secret), "csrf": csrf_of(page)})  # fmt: skip
    codes = re.findall(r"<code>([A-Z0-9]{5}-[A-Z0-9]{5})</code>", done.text)
    assert len(codes) == 10
    assert browser.get("/workspace/").status_code == 200

    browser.cookies.clear()  # a recovery code stands in for the app, once
    assert log_in(browser, "fallback", codes[0]).status_code == 303
    browser.cookies.clear()
    assert log_in(browser, "fallback", codes[0]).status_code == 401


# ---------------------------------------------------------------- the inbox and an intake


def test_the_inbox_shows_our_intakes_unread_first_and_never_another_municipalitys(browser, secrets):
    ours = submit_intake(browser)["reference"]
    theirs = submit_intake(browser, municipality_code="0117")["reference"]
    log_in(browser, "haninge", code_now(secrets["haninge"]))
    inbox = browser.get("/workspace/")
    assert ours in inbox.text and theirs not in inbox.text
    assert "oläst" in inbox.text and "Anhörig eller vän" in inbox.text
    assert browser.get(f"/workspace/intake/{theirs}").status_code == 404


def test_read_reply_and_close_and_the_person_reads_the_reply(browser, secrets, session):
    sent = submit_intake(browser, message="Min bror\u202e vill ut", language="ar",
                         contact_method="phone", phone="\u200e070-123 45 67")  # fmt: skip
    reference = sent["reference"]
    log_in(browser, "haninge", code_now(secrets["haninge"]))
    page = browser.get(f"/workspace/intake/{reference}")
    assert page.status_code == 200
    assert "<bdi>Min bror\u202e vill ut</bdi>" in page.text  # isolated, not reordering the page
    assert 'href="tel:070-1234567"' in page.text  # dialable: no invisible marks
    assert "arabiska" in page.text  # the language to answer in

    no_token = browser.post(f"/workspace/intake/{reference}/reply", data={"text": "Hej"})
    assert no_token.status_code == 403
    reply = {"text": "Vi hör av oss i dag.", "csrf": csrf_of(page)}
    replied = browser.post(f"/workspace/intake/{reference}/reply", data=reply)
    assert replied.status_code == 303

    thread = browser.post("/api/v1/followups/read", json={"receipt_code": sent["receipt_code"]})
    assert "Vi hör av oss i dag." in [m["message"] for m in thread.json()["messages"]]

    closed = browser.post(f"/workspace/intake/{reference}/close",
                          data={"outcome": "contact_made", "csrf": csrf_of(page)})  # fmt: skip
    assert closed.status_code == 303
    assert "avslutad" in browser.get(f"/workspace/intake/{reference}").text
    actions = [(e.action, e.detail) for e in session.scalars(
        select(AuditEvent).where(AuditEvent.reference == reference))]  # fmt: skip
    assert ("replied", None) in actions and ("closed", "contact_made") in actions
    assert all(e.hour.minute == 0 for e in session.scalars(select(AuditEvent)))


def test_hand_over_gives_the_intake_to_the_other_municipality(browser, secrets):
    reference = submit_intake(browser)["reference"]
    log_in(browser, "haninge", code_now(secrets["haninge"]))
    page = browser.get(f"/workspace/intake/{reference}")
    moved = browser.post(f"/workspace/intake/{reference}/handover",
                         data={"municipality_code": "0117", "csrf": csrf_of(page)})  # fmt: skip
    assert moved.status_code == 303
    assert browser.get(f"/workspace/intake/{reference}").status_code == 404
    browser.cookies.clear()
    log_in(browser, "osteraker", code_now(secrets["osteraker"]))
    assert reference in browser.get("/workspace/").text


# ---------------------------------------------------------------- sessions and every page


@pytest.mark.parametrize(
    "path",
    [
        "/workspace/logout",
        "/workspace/enrol",
        "/workspace/intake/VU-AAAA-AAAA/reply",
        "/workspace/intake/VU-AAAA-AAAA/close",
        "/workspace/intake/VU-AAAA-AAAA/handover",
    ],
)
def test_state_changing_routes_refuse_get(browser, path):
    assert browser.get(path).status_code in (302, 303, 405)
    if path != "/workspace/enrol":
        assert browser.get(path).status_code == 405


def test_logout_needs_the_csrf_token_and_ends_the_session(browser, secrets):
    log_in(browser, "haninge", code_now(secrets["haninge"]))
    inbox = browser.get("/workspace/")
    assert browser.post("/workspace/logout", data={"csrf": "forged"}).status_code == 403
    assert browser.get("/workspace/").status_code == 200
    out = browser.post("/workspace/logout", data={"csrf": csrf_of(inbox)})
    assert out.status_code == 303
    assert browser.get("/workspace/").status_code == 303


def test_a_session_idle_for_thirty_minutes_is_over(browser, secrets, session):
    log_in(browser, "haninge", code_now(secrets["haninge"]))
    assert browser.get("/workspace/").status_code == 200
    idle = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=31)
    session.execute(update(LoginSession).values(last_seen=idle))
    session.commit()
    answer = browser.get("/workspace/")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/workspace/login")


def test_every_workspace_page_is_no_store_unframeable_and_without_script(browser, secrets):
    reference = submit_intake(browser)["reference"]
    pages = [browser.get("/workspace/login")]
    log_in(browser, "haninge", code_now(secrets["haninge"]))
    pages += [browser.get("/workspace/"), browser.get(f"/workspace/intake/{reference}"),
              browser.get("/workspace/intake/VU-AAAA-AAAA")]  # fmt: skip
    for page in pages:
        assert page.headers["cache-control"] == "no-store"
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
        assert "script-src" not in page.headers["content-security-policy"]  # none allowed
        assert "<script" not in page.text


def test_the_notification_links_straight_to_the_intake(browser, secrets, session, settings):
    reference = submit_intake(browser)["reference"]
    mail = session.scalar(select(OutboxMail).where(OutboxMail.recipient == "haninge@example.org"))
    link = f"{settings.workspace_url.rstrip('/')}/workspace/intake/{reference}"
    assert link in mail.body
    answer = browser.get(f"/workspace/intake/{reference}")  # not logged in: log in first
    assert answer.headers["location"] == f"/workspace/login?next=/workspace/intake/{reference}"
    log_in(browser, "haninge", code_now(secrets["haninge"]),
           next_path=f"/workspace/intake/{reference}")  # fmt: skip
