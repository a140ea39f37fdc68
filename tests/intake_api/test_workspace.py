"""The coordinators' workspace, over HTTP as a browser uses it (cookies, forms, redirects), on the
migrated database: login with a mandatory second factor, enrolment, the inbox, an intake (read,
reply, close, hand over), CSRF, sessions, throttling, and what every page carries."""

import datetime as dt
import re

import pyotp
import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from intake_api import admin, coordinators, notify
from intake_api.config import get_settings
from intake_api.main import app
from intake_api.models import AuditEvent, Coordinator, Intake, OutboxMail, Status
from intake_api.models import Session as LoginSession
from intake_api.workspace import auth, inbox
from tests.intake_api.helpers import PASSWORDS, intake_body, proof_headers, service_headers
from vagut.municipalities import Contact


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


def test_the_session_table_does_not_keep_login_times_to_the_second(browser, secrets, session):
    log_in(browser, "haninge", code_now(secrets["haninge"]))
    browser.get("/workspace/")
    [stored] = session.query(LoginSession).all()
    assert (stored.expires_at.minute, stored.expires_at.second, stored.expires_at.microsecond) == (
        0, 0, 0)  # fmt: skip
    assert (stored.last_seen.second, stored.last_seen.microsecond) == (0, 0)


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


def test_guessed_usernames_use_up_the_global_budget_too(browser, secrets, monkeypatch):
    monkeypatch.setattr(auth, "FAILED_LOGINS_PER_MINUTE", 3)

    def guess(username):
        data = {"username": username, "password": "x", "login_token": login_form(browser)}
        return browser.post("/workspace/login", data=data).status_code

    guesses = [log_in(browser, "haninge", "123456", password="x").status_code]
    guesses += [guess(f"nobody{n}") for n in range(3)]
    assert guesses == [401, 401, 401, 429]


def test_a_flood_never_locks_out_a_coordinator_on_a_browser_that_logged_in_before(
    browser, secrets, monkeypatch
):
    assert log_in(browser, "haninge", code_now(secrets["haninge"])).status_code == 303
    assert browser.cookies.get("__Host-vagut-device")
    browser.cookies.delete("__Host-vagut-workspace")  # logged out, the device cookie kept
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as attacker:
        # A targeted attack: the account is locked for every browser new to it ...
        for _ in range(auth.LOCK_AFTER + auth.SLOW_AFTER):
            monkeypatch.setattr(auth, "_check_throttle", lambda *_: None)  # no waiting between
            log_in(attacker, "haninge", "000000", password="wrong guess")
        monkeypatch.undo()
        locked = log_in(attacker, "haninge", code_now(secrets["haninge"], 1))
        assert locked.status_code == 401 and "låst" in locked.text
        # ... and then a flood over all accounts uses up the global budget.
        monkeypatch.setattr(auth, "FAILED_LOGINS_PER_MINUTE", 3)
        for n in range(3):
            log_in(attacker, f"nobody{n}", "000000", password="x")
        assert log_in(attacker, "osteraker", code_now(secrets["osteraker"])).status_code == 429
    # The coordinator's own browser still gets in.
    mine = log_in(browser, "haninge", code_now(secrets["haninge"], 1))
    assert mine.status_code == 303 and browser.get("/workspace/").status_code == 200


def test_a_device_cookie_fits_only_its_account_and_has_a_budget_of_its_own(
    browser, secrets, monkeypatch
):
    log_in(browser, "haninge", code_now(secrets["haninge"]))
    device = browser.cookies.get("__Host-vagut-device")
    monkeypatch.setattr(auth, "FAILED_LOGINS_PER_MINUTE", 1)
    log_in(browser, "nobody", "000000", password="x")  # the global budget is used up
    # Haninge's device cookie does not pass another account, nor does a forged one Haninge's.
    assert log_in(browser, "osteraker", code_now(secrets["osteraker"])).status_code == 429

    def device_cookie(value):
        browser.cookies.delete("__Host-vagut-device")
        browser.cookies.set("__Host-vagut-device", value, domain="testserver.local")

    device_cookie(device[:-4] + "0000")
    assert log_in(browser, "haninge", code_now(secrets["haninge"], 1)).status_code == 429
    # The real one passes, but its own failures are counted: five a minute, then a wait.
    device_cookie(device)
    answers = [log_in(browser, "haninge", "000000", password="wrong").status_code
               for _ in range(auth.DEVICE_FAILURES_PER_MINUTE + 1)]  # fmt: skip
    assert answers == [401] * auth.DEVICE_FAILURES_PER_MINUTE + [429]


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


def test_the_inbox_shows_a_hundred_at_a_time(browser, secrets, monkeypatch):
    monkeypatch.setattr(inbox, "PAGE_SIZE", 2)
    references = [submit_intake(browser)["reference"] for _ in range(3)]
    log_in(browser, "haninge", code_now(secrets["haninge"]))
    first, second = browser.get("/workspace/"), browser.get("/workspace/?view=open&page=2")
    listed = [re.findall(r"/workspace/intake/(VU-[A-Z0-9-]+)", p.text) for p in (first, second)]
    assert len(listed[0]) == 2 and len(listed[1]) == 1
    assert sorted(listed[0] + listed[1]) == sorted(references)
    assert "Sida 1 av 2" in first.text and 'rel="next"' in first.text


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
    # The override is gone before sealing, and what is left is isolated from the page.
    assert "<bdi>Min bror vill ut</bdi>" in page.text
    assert 'href="tel:070-1234567"' in page.text  # dialable: no invisible marks
    assert "arabiska" in page.text  # the language to answer in

    no_token = browser.post(f"/workspace/intake/{reference}/reply", data={"text": "Hej"})
    assert no_token.status_code == 403
    reply = {"text": "Vi hör av oss i dag.", "csrf": csrf_of(page)}
    replied = browser.post(f"/workspace/intake/{reference}/reply", data=reply)
    assert replied.status_code == 303

    code = {"receipt_code": sent["receipt_code"]}
    thread = browser.post("/api/v1/followups/read", json=code, headers=service_headers())
    assert "Vi hör av oss i dag." in [m["message"] for m in thread.json()["messages"]]

    closed = browser.post(f"/workspace/intake/{reference}/close",
                          data={"outcome": "contact_made", "csrf": csrf_of(page)})  # fmt: skip
    assert closed.status_code == 303
    assert "avslutad" in browser.get(f"/workspace/intake/{reference}").text
    actions = [(e.action, e.detail) for e in session.scalars(
        select(AuditEvent).where(AuditEvent.reference == reference))]  # fmt: skip
    assert ("replied", None) in actions and ("closed", "contact_made") in actions
    assert all(e.hour.minute == 0 for e in session.scalars(select(AuditEvent)))


def test_a_coordinator_closes_a_flood_at_once_and_a_real_person_in_it_opens_theirs_again(
    browser, secrets, settings, session
):
    settings.burst_intakes_per_hour = 2
    sent = [submit_intake(browser) for _ in range(5)]
    assert log_in(browser, "haninge", code_now(secrets["haninge"])).status_code == 303
    inbox = browser.get("/workspace/").text
    assert inbox.count('class="tag burst"') == 3 and "Stäng 3 olästa som kom i en skur" in inbox
    up_to = re.search(r'name="up_to" value="([^"]+)"', inbox).group(1)
    form = {"csrf": csrf_of(browser.get("/workspace/")), "up_to": up_to, "confirm": "yes"}
    closed = browser.post("/workspace/close-bursts", data=form)
    assert closed.status_code == 303
    assert "3 olästa från skuren är avslutade" in browser.get(closed.headers["location"]).text
    session.expire_all()
    statuses = {i.reference: (i.status, i.outcome) for i in session.query(Intake)}
    assert sorted(statuses.values()) == [("closed", "automated")] * 3 + [("new", None)] * 2
    session.rollback()  # SQLite's one connection, back to the pool for the request below

    real = sent[-1]  # the last came in the burst: a real person among the flood writes again
    browser.post("/api/v1/followups/messages", headers=service_headers(),
                json={"receipt_code": real["receipt_code"], "message": "Jag finns"})  # fmt: skip
    session.expire_all()
    assert session.query(Intake).filter_by(reference=real["reference"]).one().status == Status.new


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
        "/workspace/account/password",
        "/workspace/account/second-factor",
        "/workspace/handover-all",
    ],
)
def test_state_changing_routes_refuse_get_and_a_post_without_the_csrf_token(browser, secrets, path):
    if path != "/workspace/enrol":  # GET /enrol is the enrolment page
        assert browser.get(path).status_code == 405
    log_in(browser, "haninge", code_now(secrets["haninge"]))
    fields = {"text": "x", "outcome": "other", "municipality_code": "0117", "code": "123456",
              "old": "x", "new": "x", "repeated": "x"}  # fmt: skip
    for csrf in ("", "forged"):
        answer = browser.post(path, data={**fields, "csrf": csrf})
        assert answer.status_code in (403, 303), (path, answer.status_code)
        if path != "/workspace/enrol":  # an enrolled account is sent on from /enrol
            assert answer.status_code == 403, path
    contacts = browser.post("/workspace/contacts", data={"municipality_code": "0136"})
    assert contacts.status_code == 403


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


# ---------------------------------------------------------------- the enrolment link


def test_an_invitation_link_sets_the_password_and_enrols_once(browser, session, settings, staff):
    _, link = coordinators.invite_coordinator(
        session, settings, "kiruna", "kiruna@example.org", ["2584"]
    )
    mail = session.scalar(select(OutboxMail).where(OutboxMail.recipient == "kiruna@example.org"))
    assert link in mail.body and "kiruna" in mail.body
    # Until the password is set, what arrives for Kiruna goes to the fallback, who can read it.
    assert [c.username for c in notify.coordinators_for(session, "2584")] == ["fallback"]
    session.rollback()  # SQLite has one connection: give it back to the service

    path = link.removeprefix(settings.workspace_url.rstrip("/"))
    page = browser.get(path)
    assert page.status_code == 200 and "kiruna" in page.text
    token = re.search(r'name="login_token" value="([^"]+)"', page.text).group(1)
    for weak, why in (("kort", "för kort"), ("password12345", "för vanligt"),
                      ("kiruna-fjall-2026", "användarnamn")):  # fmt: skip
        refused = browser.post(path, data={"password": weak, "repeated": weak,
                                           "login_token": token})  # fmt: skip
        assert refused.status_code == 400 and why in refused.text
        token = re.search(r'name="login_token" value="([^"]+)"', refused.text).group(1)
    differ = browser.post(
        path,
        data={
            "password": "norrsken-over-malmberget",
            "repeated": "norrsken-over-malmberge",
            "login_token": token,
        },
    )
    assert differ.status_code == 400
    token = re.search(r'name="login_token" value="([^"]+)"', differ.text).group(1)
    done = browser.post(
        path,
        data={
            "password": "norrsken-over-malmberget",
            "repeated": "norrsken-over-malmberget",
            "login_token": token,
        },
    )
    assert done.status_code == 303 and done.headers["location"] == "/workspace/enrol"
    enrol = browser.get("/workspace/enrol")
    secret = re.search(r'id="secret" class="secret">([A-Z2-7 ]+)<', enrol.text).group(1)
    browser.post("/workspace/enrol", data={"code": code_now(secret.replace(" ", "")),
                                           "csrf": csrf_of(enrol)})  # fmt: skip
    assert browser.get("/workspace/").status_code == 200

    browser.cookies.clear()
    assert browser.get(path).status_code == 404  # once only
    session.expire_all()
    assert [c.username for c in notify.coordinators_for(session, "2584")] == ["kiruna"]
    session.rollback()
    assert log_in(browser, "kiruna", code_now(secret.replace(" ", ""), 1),
                  password="norrsken-over-malmberget").status_code == 303  # fmt: skip


def test_an_expired_invitation_link_is_refused(browser, session, settings, staff):
    coordinator, link = coordinators.invite_coordinator(
        session, settings, "kiruna", "kiruna@example.org", ["2584"]
    )
    coordinator.enrolment_expires = dt.datetime(2020, 1, 1)
    session.commit()
    path = link.removeprefix(settings.workspace_url.rstrip("/"))
    assert browser.get(path).status_code == 404
    assert browser.get("/workspace/welcome/not-a-real-token").status_code == 404


# ---------------------------------------------------------------- the account


@pytest.fixture
def recovery(session, secrets, staff):
    """Recovery codes for Haninge, to log in more than once within one TOTP step."""
    codes = auth.new_recovery_codes(session, session.get(Coordinator, staff["haninge"]))
    session.commit()
    return codes


def second_browser(settings):
    return TestClient(app, base_url="https://testserver", follow_redirects=False)


def test_changing_the_password_needs_a_fresh_code_and_ends_other_sessions(
    browser, secrets, recovery, settings
):
    with second_browser(settings) as other:
        assert log_in(other, "haninge", recovery[0]).status_code == 303
        assert log_in(browser, "haninge", recovery[1]).status_code == 303
        page = browser.get("/workspace/account")
        change = {"old": PASSWORDS["haninge"], "new": "ny-och-lang-fras-2026",
                  "repeated": "ny-och-lang-fras-2026", "csrf": csrf_of(page)}  # fmt: skip
        no_code = browser.post("/workspace/account/password", data={**change, "code": recovery[2]})
        assert no_code.status_code == 400  # a recovery code is not a fresh code
        weak = {**change, "new": "password1234", "repeated": "password1234"}
        assert (
            browser.post(
                "/workspace/account/password", data={**weak, "code": code_now(secrets["haninge"])}
            ).status_code
            == 400
        )
        done = browser.post("/workspace/account/password",
                            data={**change, "code": code_now(secrets["haninge"])})  # fmt: skip
        assert done.status_code == 303
        assert browser.get("/workspace/").status_code == 200  # this session goes on
        assert other.get("/workspace/").status_code == 303  # the other is over
    browser.cookies.clear()
    assert log_in(browser, "haninge", recovery[3]).status_code == 401  # old password
    assert log_in(browser, "haninge", recovery[3],
                  password="ny-och-lang-fras-2026").status_code == 303  # fmt: skip


def test_a_new_second_factor_needs_the_old_one_and_ends_other_sessions(
    browser, secrets, recovery, settings
):
    with second_browser(settings) as other:
        log_in(other, "haninge", recovery[0])
        log_in(browser, "haninge", recovery[1])
        page = browser.get("/workspace/account")
        wrong = browser.post("/workspace/account/second-factor",
                             data={"code": "000000", "csrf": csrf_of(page)})  # fmt: skip
        assert wrong.status_code == 400
        moved = browser.post(
            "/workspace/account/second-factor",
            data={"code": code_now(secrets["haninge"]), "csrf": csrf_of(page)},
        )
        assert moved.headers["location"] == "/workspace/enrol"
        assert browser.get("/workspace/").headers["location"] == "/workspace/enrol"
        assert other.get("/workspace/").status_code == 303
    browser.cookies.clear()
    assert log_in(browser, "haninge", recovery[2]).status_code == 303  # old codes are gone...
    assert browser.get("/workspace/").headers["location"] == "/workspace/enrol"  # ...enrol anew


# ---------------------------------------------------------------- leaving, and the admin


def test_hand_over_all_needs_a_fresh_code_and_then_the_account_can_go(
    browser, secrets, session, settings, capsys
):
    references = [submit_intake(browser)["reference"] for _ in range(2)]
    with pytest.raises(SystemExit, match="only one who can read 2 open"):
        admin.run(["deactivate", "haninge"], settings)
    log_in(browser, "haninge", code_now(secrets["haninge"]))
    inbox = browser.get("/workspace/")
    data = {"municipality_code": "0117", "csrf": csrf_of(inbox)}
    assert (
        browser.post("/workspace/handover-all", data={**data, "code": "000000"}).status_code == 400
    )
    assert all(ref in browser.get("/workspace/").text for ref in references)  # nothing moved
    done = browser.post("/workspace/handover-all",
                        data={**data, "code": code_now(secrets["haninge"], 1)})  # fmt: skip
    assert done.status_code == 303 and "n=2" in done.headers["location"]
    admin.run(["deactivate", "haninge"], settings)
    assert browser.get("/workspace/").status_code == 303  # the session ended with the account
    browser.cookies.clear()
    log_in(browser, "osteraker", code_now(secrets["osteraker"]))
    assert all(ref in browser.get("/workspace/").text for ref in references)
    admin.run(["audit", "--user", "haninge"], settings)
    trail = capsys.readouterr().out
    assert all("handed_over" in line for line in trail.splitlines() if references[0] in line)
    assert references[0] in trail and "0117" in trail


def test_the_admin_resets_a_lost_second_factor(browser, secrets, session, settings):
    log_in(browser, "haninge", code_now(secrets["haninge"]))
    admin.run(["reset-2fa", "haninge"], settings)
    assert browser.get("/workspace/").status_code == 303  # logged out everywhere
    mails = session.scalars(select(OutboxMail).where(OutboxMail.recipient == "haninge@example.org"))
    assert any("andra faktor" in mail.subject for mail in mails)
    session.rollback()
    browser.cookies.clear()
    answer = log_in(browser, "haninge", "")
    assert answer.headers["location"] == "/workspace/enrol"


def test_the_audit_trail_says_who_did_what_to_the_hour_without_content(
    browser, secrets, settings, capsys
):
    reference = submit_intake(browser, message="Hemlig text om min son")["reference"]
    log_in(browser, "haninge", code_now(secrets["haninge"]))
    page = browser.get(f"/workspace/intake/{reference}")
    browser.post(f"/workspace/intake/{reference}/reply",
                 data={"text": "Vårt svar, också hemligt", "csrf": csrf_of(page)})  # fmt: skip
    capsys.readouterr()
    admin.run(["audit", "--reference", reference], settings)
    trail = capsys.readouterr().out
    assert re.search(rf"\d{{4}}-\d\d-\d\d \d\d:00  haninge +opened +{reference}", trail)
    assert "replied" in trail and "hemlig" not in trail.lower()


# ---------------------------------------------------------------- public contact data


def test_a_coordinator_proposes_a_contact_and_the_admin_gets_it_as_yaml(
    browser, secrets, settings, capsys
):
    log_in(browser, "haninge", code_now(secrets["haninge"]))
    page = browser.get("/workspace/contacts")
    assert "08-606 70 50" in page.text  # what the site says today
    proposal = {"municipality_code": "0136", "serves": "young_people_and_parents",
                "phone": "08-606 00 00", "email": "", "hours": "Vardagar 8-16",
                "source_url": "https://www.haninge.se/stod", "source_title": "Stöd till unga",
                "source_date": "2026-11", "note": "Nytt nummer", "csrf": csrf_of(page)}  # fmt: skip
    unreachable = browser.post("/workspace/contacts", data={**proposal, "phone": ""})
    assert unreachable.status_code == 400
    assert "Ett telefonnummer eller en e-postadress" in unreachable.text
    assert 'value="https://www.haninge.se/stod"' in unreachable.text  # nothing typed is lost
    undated = browser.post("/workspace/contacts", data={**proposal, "source_date": "nyligen"})
    assert undated.status_code == 400 and "datum som sidan visar" in undated.text
    elsewhere = browser.post("/workspace/contacts", data={**proposal, "municipality_code": "0117"})
    assert elsewhere.status_code == 400
    assert browser.post("/workspace/contacts", data=proposal).status_code == 303

    capsys.readouterr()
    admin.run(["proposals", "--yaml"], settings)
    out = capsys.readouterr().out
    assert "content/municipalities/0136-haninge.yml" in out
    [contact] = yaml.safe_load(out)
    Contact.model_validate(contact)  # ready for content/: the same rules
    assert contact["phone"] == "08-606 00 00" and contact["source"]["date"] == "2026-11"
    proposal_id = re.search(r"id ([0-9a-f]{32})", out).group(1)
    admin.run(["proposals", "--done", proposal_id], settings)
    capsys.readouterr()
    admin.run(["proposals"], settings)
    assert "no proposals" in capsys.readouterr().out


# ---------------------------------------------------------------- the person writes again


def test_a_closed_intake_opens_again_when_the_person_writes(browser, secrets):
    sent = submit_intake(browser)
    reference = sent["reference"]
    log_in(browser, "haninge", code_now(secrets["haninge"]))
    page = browser.get(f"/workspace/intake/{reference}")
    browser.post(f"/workspace/intake/{reference}/close",
                 data={"outcome": "no_answer", "csrf": csrf_of(page)})  # fmt: skip
    assert reference not in browser.get("/workspace/").text
    wrote = browser.post(
        "/api/v1/followups/messages",
        json={"receipt_code": sent["receipt_code"], "message": "Hallå igen"},
        headers=proof_headers(browser, "checkback"),
    )
    assert wrote.status_code == 201
    inbox = browser.get("/workspace/").text
    assert reference in inbox and "oläst" in inbox
    assert "Hallå igen" in browser.get(f"/workspace/intake/{reference}").text


# ---------------------------------------------------------------- the response clock


@pytest.mark.parametrize(
    ("arrived_utc", "due_utc"),
    [
        # Friday 15:00 in Stockholm (winter, UTC+1): due by the end of Monday, local time.
        (dt.datetime(2026, 12, 4, 14), dt.datetime(2026, 12, 7, 23)),
        # Tuesday 23:30 local (22:30 UTC): due by the end of Wednesday.
        (dt.datetime(2026, 12, 8, 22, 30), dt.datetime(2026, 12, 9, 23)),
        # Sunday: the next working day is Monday.
        (dt.datetime(2026, 6, 14, 10), dt.datetime(2026, 6, 15, 22)),  # summer, UTC+2
    ],
)
def test_the_answer_is_due_by_the_end_of_the_next_working_day_in_local_time(arrived_utc, due_utc):
    assert inbox.answer_due(arrived_utc, "Europe/Stockholm") == due_utc
    assert not inbox.overdue("read", arrived_utc, due_utc - dt.timedelta(minutes=1),
                             "Europe/Stockholm")  # fmt: skip
    assert inbox.overdue("read", arrived_utc, due_utc, "Europe/Stockholm")
    assert not inbox.overdue("answered", arrived_utc, due_utc, "Europe/Stockholm")


def test_an_unanswered_intake_past_the_goal_is_marked(browser, secrets, session):
    reference = submit_intake(browser)["reference"]
    session.execute(update(Intake).values(created_hour=dt.datetime(2026, 1, 2, 9)))
    session.commit()
    log_in(browser, "haninge", code_now(secrets["haninge"]))
    assert "svar dröjer" in browser.get("/workspace/").text
    assert "Målet är att svara senast nästa arbetsdag" in browser.get(
        f"/workspace/intake/{reference}").text  # fmt: skip


def test_every_action_on_another_municipalitys_intake_is_404(browser, secrets):
    theirs = submit_intake(browser, municipality_code="0117")["reference"]
    log_in(browser, "haninge", code_now(secrets["haninge"]))
    csrf = csrf_of(browser.get("/workspace/"))
    for action, data in (("reply", {"text": "x"}), ("close", {"outcome": "other"}),
                         ("handover", {"municipality_code": "0136"})):  # fmt: skip
        answer = browser.post(f"/workspace/intake/{theirs}/{action}", data={**data, "csrf": csrf})
        assert answer.status_code == 404, action
    assert browser.get(f"/workspace/intake/{theirs}").status_code == 404


def test_a_session_ends_after_eight_hours_even_when_busy(browser, secrets, session):
    log_in(browser, "haninge", code_now(secrets["haninge"]))
    past = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=1)
    session.execute(update(LoginSession).values(expires_at=past))
    session.commit()
    assert browser.get("/workspace/").status_code == 303
