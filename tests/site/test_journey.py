"""The anonymous first contact from end to end (issue 11), in Debian's Chromium, against the real
services this session starts: the built site, the intake service with its outbox worker and a
mail catcher, and the Rasa and action servers. Nothing is mocked; the only answer the test gives
for a server is the quick exit's neutral page, a third-party site this machine cannot reach.

1. A relative opens /ar/kommun/haninge/, sees 112 and the local number, and makes an anonymous
   first contact about their brother in the chat, in Arabic; they get a receipt code.
2. The notification arrives, without content, with a link to the intake in the workspace.
3. The Haninge coordinator follows the link, logs in (password and TOTP), reads the Arabic
   message and replies.
4. In a new browser context the relative checks back with the code, in the chat and on the
   no-JavaScript page, reads the reply and writes a follow-up; the coordinator sees it, unread.
5. The quick exit in the middle of the chat leaves the site, and Back does not bring the chat
   back.
The same in Swedish for Österåker (whose coordinator finds the intake unread in the inbox), and
for Kiruna, which nobody serves: the fallback coordinator hands it over to Haninge.

Afterwards: a unique marker in every text people wrote, an X-Forwarded-For address and a user
agent sent with every request are in neither the SQLite files, nor any service's log, nor the
mails; the first contact's text is no longer in the chat's memory (the Rasa tracker) once it is
sent; and every request the browser made went to 127.0.0.1, but the quick exit's.
"""

import json
import re
import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pyotp
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.site.conftest import NEUTRAL, new_context
from vagut.i18n import strings

pytestmark = pytest.mark.browser

# In every text a person or coordinator writes. The first contacts' texts are far from the chat's
# danger threshold (0.25) whatever the marker: at most 0.07 over 80 random markers (measured with
# /model/parse on this model), so that they are read as the message, not answered with 112.
MARK = f"kanarie{secrets.token_hex(5)}"
FORWARDED_FOR = f"198.51.100.{secrets.randbelow(200) + 20}"
USER_AGENT = f"Mozilla/5.0 (Linux; Android 11) VagUtJourney/{secrets.token_hex(6)}"
CANARIES = (MARK, FORWARDED_FOR, USER_AGENT)

HANINGE_TEL = "tel:+4686067050"
OSTERAKER_TEL = "tel:+46854081180"


@dataclass(frozen=True)
class Account:
    username: str
    email: str
    password: str
    totp_secret: str

    def code(self) -> str:
        return pyotp.TOTP(self.totp_secret).now()


@dataclass
class Record:
    """What the journey leaves for the checks after it."""

    requests: list[dict] = field(default_factory=list)
    first_contacts: list[dict] = field(default_factory=list)  # sender id, text, reference
    check_backs: list[dict] = field(default_factory=list)  # sender id, receipt code
    without_canaries: list[str] = field(default_factory=list)  # requests that lacked them
    quick_exits: int = 0
    seconds: float = 0.0
    done: bool = False


@pytest.fixture(scope="module")
def record() -> Record:
    return Record()


@pytest.fixture(scope="module")
def accounts(intake_service) -> dict[str, Account]:
    """Haninge's and Österåker's coordinators and a fallback, made in the service's database
    with the admin tool's function, each with a second factor."""
    from intake_api import coordinators
    from intake_api.db import get_sessionmaker
    from intake_api.workspace.auth import enrol_with_password

    settings = intake_service.settings
    made = {}
    with get_sessionmaker(settings.database_url)() as session:
        for username, codes, fallback in (
            ("haninge", ["0136"], False),
            ("osteraker", ["0117"], False),
            ("fallback", [], True),
        ):
            password = f"Journey {secrets.token_urlsafe(12)} 2026"
            email = f"{username}@example.org"
            coordinators.create_coordinator(
                session, settings, username, email, password, codes, is_fallback=fallback
            )
            secret = enrol_with_password(session, settings, username, password)
            made[username] = Account(username, email, password, secret)
    return made


# ---------------------------------------------------------------- the browser


def browser_context(browser, record: Record, name: str, locale: str) -> BrowserContext:
    """A browser context that sends the canaries with every request and records every request."""
    context = new_context(
        browser,
        locale=locale,
        user_agent=USER_AGENT,
        extra_http_headers={"X-Forwarded-For": FORWARDED_FOR},
    )

    def seen(request) -> None:
        record.requests.append({
            "context": name,
            "url": request.url,
            "navigation": request.is_navigation_request(),
            "type": request.resource_type,
        })  # fmt: skip
        sent = (request.headers.get("x-forwarded-for"), request.headers.get("user-agent"))
        if sent != (FORWARDED_FOR, USER_AGENT):
            record.without_canaries.append(request.url)

    context.on("request", seen)
    return context


def local_number_shown(page: Page, tel: str, digits: str) -> None:
    number = page.locator(f"main a.vu-tel[href='{tel}']")
    expect(number).to_be_visible()
    assert re.sub(r"\D", "", number.inner_text()) == digits


# ---------------------------------------------------------------- the chat widget


def chat(lang: str) -> dict[str, str]:
    return strings("chat", lang)


def open_chat(page: Page, launcher: str = "main [data-chat-open]") -> None:
    page.locator(launcher).first.click()
    expect(page.locator("[data-chat-panel]")).to_be_visible()
    expect(page.locator("[data-chat-log] .vagut-chat__message--bot").first).to_be_visible(
        timeout=20_000
    )
    wait_for_reply(page, 0)


def bot_count(page: Page) -> int:
    return page.locator("[data-chat-log] .vagut-chat__message--bot").count()


def wait_for_reply(page: Page, before: int) -> str:
    """Waits until the bot has answered (more bot messages, nothing pending); their text."""
    page.wait_for_function(
        """before => {
            const log = document.querySelector('[data-chat-log]');
            const bot = log.querySelectorAll('.vagut-chat__message--bot').length;
            return bot > before && log.getAttribute('aria-busy') !== 'true';
        }""",
        arg=before,
        timeout=20_000,
    )
    replies = page.locator("[data-chat-log] .vagut-chat__message--bot").all_inner_texts()
    return "\n".join(replies[before:])


def say(page: Page, text: str) -> str:
    before = bot_count(page)
    page.locator("[data-chat-input]").fill(text)
    page.locator("[data-chat-input]").press("Enter")
    return wait_for_reply(page, before)


def choose(page: Page, title: str) -> str:
    before = bot_count(page)
    page.locator("[data-chat-log]").get_by_role("button", name=title, exact=True).click()
    return wait_for_reply(page, before)


def first_contact(page: Page, lang: str, start: str, place: str, concern: str, age: str,
                  message: str, municipality: str) -> tuple[str, str]:  # fmt: skip
    """The chat's first-contact form, as a person fills it in; the reference and receipt code."""
    s = chat(lang)
    say(page, start)
    choose(page, s["button.role_relative"])
    say(page, place)
    choose(page, s[f"button.concern_{concern}"])
    choose(page, s[f"button.age_{age}"])
    choose(page, s["button.method_receipt_code"])
    summary = say(page, message)
    assert municipality in summary and message in summary, summary
    sent = choose(page, s["button.send"])
    reference = re.search(r"VU-[A-Z0-9]{4}-[A-Z0-9]{4}", sent)
    code = re.search(r"(?<!\d)\d{4} \d{4} \d{4} \d{4}(?!\d)", sent)
    assert reference and code, sent
    assert municipality in sent
    # The code reads left to right on one line on every page, right-to-left ones included.
    shown = page.locator("[data-chat-log] .vagut-chat__code").last
    expect(shown).to_have_text(code.group(0))
    expect(shown).to_have_attribute("dir", "ltr")
    assert shown.evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"
    # One tap copies it, digits only (a long press on a phone selects one group of four).
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    copy = page.locator("[data-chat-log] [data-chat-copy]").last
    copy.click()
    expect(copy).to_have_text(chat(lang)["widget.copied"])
    assert page.evaluate("navigator.clipboard.readText()") == code.group(0).replace(" ", "")
    return reference.group(0), code.group(0)


def sender_id(page: Page) -> str:
    sender = page.evaluate("sessionStorage.getItem('vagut.chat.sender')")
    assert sender and re.fullmatch(r"[0-9a-f]{32}", sender), sender
    return sender


# ---------------------------------------------------------------- mail and the workspace


def mail_for(intake_service, recipient: str, reference: str, seconds: float = 15) -> str:
    """The notification to `recipient` about `reference`, as its reader sees it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for message in list(intake_service.mail.messages):
            if message["To"] != recipient:
                continue
            text = "\n".join(
                [f"Subject: {message['Subject']}"]
                + [p.get_content() for p in message.walk() if p.get_content_maintype() == "text"]
            )
            if reference in text:
                return text
        time.sleep(0.2)
    raise AssertionError(f"no mail to {recipient} about {reference} in {seconds} s")


def intake_link(mail: str, intake_service, reference: str) -> str:
    link = f"{intake_service.url}/workspace/intake/{reference}"
    assert link in re.findall(r"https?://[^\s<>\"]+", mail), mail
    return link


def log_in(page: Page, account: Account) -> None:
    expect(page.locator("form[action='/workspace/login']")).to_be_visible()
    page.locator("#username").fill(account.username)
    page.locator("#password").fill(account.password)
    page.locator("#code").fill(account.code())
    page.locator("form[action='/workspace/login'] button[type=submit]").click()
    page.wait_for_load_state()
    assert "/workspace/login" not in page.url, page.locator("main").inner_text()


def workspace_cookie(context: BrowserContext) -> dict:
    cookies = [c for c in context.cookies() if c["name"] == "__Host-vagut-workspace"]
    assert len(cookies) == 1, context.cookies()
    return cookies[0]


def reply(page: Page, text: str) -> None:
    page.locator("#text").fill(text)
    page.locator("form[action$='/reply'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"\?notice=replied$"))
    expect(page.locator("article.message.coordinator").last).to_contain_text(text)


def inbox_row(page: Page, reference: str):
    return page.locator("tbody tr").filter(has=page.get_by_role("link", name=reference))


# ---------------------------------------------------------------- checking back


def check_back_in_chat(page: Page, lang: str, code: str) -> str:
    s = chat(lang)
    buttons = page.locator("[data-chat-log]").get_by_role("button", name=s["button.check_back"])
    if buttons.count():
        asked = choose(page, s["button.check_back"])
    else:
        asked = say(page, s["button.check_back"])
    assert s["reply.ask_receipt_code"] in asked, asked
    return say(page, code)


def check_back_without_javascript(page: Page, lang: str, code: str) -> None:
    """From the site's link to the intake service's plain page, the code into its check form."""
    page.locator("[data-chat-close]").click()  # the chat covers the page on a phone
    expect(page.locator("[data-chat-panel]")).to_be_hidden()
    page.locator("main a[href*='/api/v1/form']").first.click()
    # From a municipality page, the form comes with that municipality chosen.
    expect(page).to_have_url(re.compile(rf"/api/v1/form\?lang={lang}&municipality=\d{{4}}$"))
    page.locator("#receipt_code").fill(code)
    page.wait_for_timeout(FORM_WAIT_MS)
    page.locator("form[action$='/form/check'] button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(strings("api", lang)["form.thread_title"])


# The form's check-back token works from 1 s after its page was served (INTAKE_CHECK_MIN_SECONDS,
# as in production): a person takes longer than that to type; a test waits as long.
FORM_WAIT_MS = 1_200


def write_followup(page: Page, text: str) -> None:
    page.locator("#message").fill(text)
    page.wait_for_timeout(FORM_WAIT_MS)
    page.locator("form[action$='/form/check'] button[type=submit]").click()
    expect(page.locator("article.message.person").last).to_contain_text(text)


def quick_exit_in_the_middle_of_the_chat(page: Page, site: str, prefix: str, slug: str,
                                         lang: str, record: Record) -> None:  # fmt: skip
    """Halfway through a new first contact, the quick exit: the site is left, its history entry
    replaced, and what the chat kept in the tab is gone."""
    s = chat(lang)
    page.goto(f"{site}{prefix}/")
    page.goto(f"{site}{prefix}/kommun/{slug}/")
    open_chat(page)
    say(page, s["button.start_contact"])
    choose(page, s["button.role_relative"])  # the form now asks for the municipality
    half_written = f"{MARK} halfway"
    page.locator("[data-chat-input]").fill(half_written)
    assert page.evaluate("sessionStorage.length") > 0
    # With the chat open, 112 is one tap away in it, and the quick exit is not covered by it.
    page.locator("[data-chat-panel] a[href='tel:112']").first.click(trial=True, timeout=2_000)
    page.locator("[data-quick-exit]").click(timeout=2_000)
    record.quick_exits += 1
    page.wait_for_url(NEUTRAL)
    expect(page).to_have_title("Väder")

    page.go_back()
    assert page.url == f"{site}{prefix}/", page.url  # the chat's page is no longer in history
    expect(page.locator("[data-chat-panel]")).to_have_count(0)
    assert page.evaluate("sessionStorage.length") == 0
    open_chat(page, ".vu-chat-launch [data-chat-open]")  # a new chat, nothing of the last
    log = page.locator("[data-chat-log]")
    expect(log.locator("[data-restored]")).to_have_count(0)
    expect(log.locator(".vagut-chat__message--user")).to_have_count(0)
    assert page.locator("[data-chat-input]").input_value() == ""


# ---------------------------------------------------------------- the journey


def reads_the_reply_and_writes_again(
    browser, record, who, locale, page_url, code, reference, reply_text, followup
):
    """In a new browser context, the relative checks back in the chat and on the no-JS page,
    reads the reply, and writes a follow-up. Returns the context and its page."""
    context = browser_context(browser, record, who, locale)
    page = context.new_page()
    page.goto(page_url)
    open_chat(page)
    lang = locale.split("-")[0]
    answer = check_back_in_chat(page, lang, code)
    assert reference in answer and reply_text in answer, answer
    record.check_backs.append({"sender": sender_id(page), "code": code})
    check_back_without_javascript(page, lang, code)
    expect(page.locator("article.message.coordinator")).to_contain_text(reply_text)
    write_followup(page, followup)
    return context, page


def sees_the_followup(desk, intake_service, reference, followup):
    """The coordinator finds the intake unread again (the person wrote since) and reads it."""
    desk.goto(f"{intake_service.url}/workspace/")
    row = inbox_row(desk, reference)
    expect(row).to_have_class(re.compile(r"\bunread\b"))
    row.get_by_role("link", name=reference).click()
    expect(desk.locator("article.message.person").last).to_contain_text(followup)


def test_the_anonymous_first_contact_journey(
    browser, site_url, chatbot, intake_service, accounts, record
):
    started = time.monotonic()
    haninge_desk = browser_context(browser, record, "haninge coordinator", "sv-SE")
    haninge_page = haninge_desk.new_page()

    # ------------------------------------------------ Arabic, Haninge
    relative = browser_context(browser, record, "relative ar", "ar")
    page = relative.new_page()
    page.goto(f"{site_url}/ar/kommun/haninge/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("a[href='tel:112']").first).to_be_visible()
    local_number_shown(page, HANINGE_TEL, "086067050")
    open_chat(page)
    ar_message = f"أخي الأكبر يريد أن يبتعد عن أصدقائه القدامى ويبدأ حياة جديدة. {MARK}"
    reference, code = first_contact(
        page, "ar", "أريد التواصل مع البلدية دون ذكر اسمي", "Haninge", "leaving_crime",
        "adult", ar_message, "Haninge",
    )  # fmt: skip
    expect(page.locator("[data-chat-log]")).to_contain_text(code)
    record.first_contacts.append({"sender": sender_id(page), "text": ar_message,
                                  "reference": reference})  # fmt: skip
    relative.close()

    mail = mail_for(intake_service, accounts["haninge"].email, reference)
    assert "Haninge" in mail
    for secret in (ar_message, MARK, code, code.replace(" ", ""), "أخي"):
        assert secret not in mail, secret
    link = intake_link(mail, intake_service, reference)

    haninge_page.goto(link)  # not logged in: the workspace asks first, and remembers the intake
    expect(haninge_page).to_have_url(f"{intake_service.url}/workspace/login?next="
                                     f"/workspace/intake/{reference}")  # fmt: skip
    log_in(haninge_page, accounts["haninge"])
    expect(haninge_page).to_have_url(link)
    cookie = workspace_cookie(haninge_desk)
    assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    expect(haninge_page.locator("article.message.person[lang=ar]")).to_contain_text(ar_message)
    ar_reply = f"شكرًا لتواصلك. يمكن لأخيك أن يتصل بنا على الرقم 08-606 70 50. {MARK}"
    reply(haninge_page, ar_reply)

    ar_followup = f"شكرًا! سيتصل بكم أخي يوم الإثنين. {MARK}"
    again, page = reads_the_reply_and_writes_again(
        browser, record, "relative ar, later", "ar", f"{site_url}/ar/kommun/haninge/", code,
        reference, ar_reply, ar_followup,
    )  # fmt: skip
    sees_the_followup(haninge_page, intake_service, reference, ar_followup)

    quick_exit_in_the_middle_of_the_chat(page, site_url, "/ar", "haninge", "ar", record)
    again.close()

    # ------------------------------------------------ Swedish, Österåker
    relative = browser_context(browser, record, "relative sv", "sv-SE")
    page = relative.new_page()
    page.goto(f"{site_url}/kommun/osteraker/")
    expect(page.locator("a[href='tel:112']").first).to_be_visible()
    local_number_shown(page, OSTERAKER_TEL, "0854081180")
    open_chat(page)
    sv_message = f"Min bror vill sluta umgås med sina gamla kompisar och börja plugga. {MARK}"
    reference, code = first_contact(
        page, "sv", "jag vill göra en anonym kontakt", "Österåker", "leaving_crime", "adult",
        sv_message, "Österåker",
    )  # fmt: skip
    record.first_contacts.append({"sender": sender_id(page), "text": sv_message,
                                  "reference": reference})  # fmt: skip
    relative.close()

    mail = mail_for(intake_service, accounts["osteraker"].email, reference)
    assert "Österåker" in mail and MARK not in mail and code.replace(" ", "") not in mail
    link = intake_link(mail, intake_service, reference)

    osteraker_desk = browser_context(browser, record, "osteraker coordinator", "sv-SE")
    desk = osteraker_desk.new_page()
    desk.goto(f"{intake_service.url}/workspace/")  # the day starts in the inbox
    log_in(desk, accounts["osteraker"])
    expect(desk).to_have_url(f"{intake_service.url}/workspace/")
    row = inbox_row(desk, reference)
    expect(row).to_have_class(re.compile(r"\bunread\b"))
    expect(row.get_by_role("link", name=reference)).to_have_attribute(
        "href", f"/workspace/intake/{reference}"
    )
    row.get_by_role("link", name=reference).click()
    expect(desk).to_have_url(link)
    expect(desk.locator("article.message.person[lang=sv]")).to_contain_text(sv_message)
    sv_reply = f"Hej! Välkommen att ringa oss på 08-540 81 180, vi kan ses i veckan. {MARK}"
    reply(desk, sv_reply)

    sv_followup = f"Tack, han ringer er på måndag. {MARK}"
    again, page = reads_the_reply_and_writes_again(
        browser, record, "relative sv, later", "sv-SE", f"{site_url}/kommun/osteraker/", code,
        reference, sv_reply, sv_followup,
    )  # fmt: skip
    sees_the_followup(desk, intake_service, reference, sv_followup)

    quick_exit_in_the_middle_of_the_chat(page, site_url, "", "osteraker", "sv", record)
    again.close()
    osteraker_desk.close()

    # ------------------------------------------------ Kiruna: nobody serves it
    relative = browser_context(browser, record, "relative kiruna", "sv-SE")
    page = relative.new_page()
    page.goto(f"{site_url}/kommun/kiruna/")
    expect(page.locator("a[href='tel:112']").first).to_be_visible()
    expect(page.locator("main a.vu-tel[href='tel:11414']")).to_be_visible()
    expect(page.locator("main .vu-no-contact")).to_be_visible()
    open_chat(page)
    kiruna_message = f"Min bror i Kiruna vill sluta med det han gör och börja plugga. {MARK}"
    reference, code = first_contact(
        page, "sv", "jag vill göra en anonym kontakt", "Kiruna", "leaving_crime", "adult",
        kiruna_message, "Kiruna",
    )  # fmt: skip
    record.first_contacts.append({"sender": sender_id(page), "text": kiruna_message,
                                  "reference": reference})  # fmt: skip
    relative.close()

    mail = mail_for(intake_service, accounts["fallback"].email, reference)
    assert "Kiruna" in mail and MARK not in mail
    link = intake_link(mail, intake_service, reference)
    fallback_desk = browser_context(browser, record, "fallback coordinator", "sv-SE")
    desk = fallback_desk.new_page()
    desk.goto(link)
    log_in(desk, accounts["fallback"])
    expect(desk).to_have_url(link)
    expect(desk.locator("article.message.person[lang=sv]")).to_contain_text(kiruna_message)
    desk.locator("#municipality_code").select_option("0136")
    desk.locator("form[action$='/handover'] button[type=submit]").click()
    expect(desk).to_have_url(f"{intake_service.url}/workspace/?notice=handed_over")
    expect(inbox_row(desk, reference)).to_have_count(0)
    assert desk.goto(link).status == 404  # the fallback no longer holds its key
    fallback_desk.close()

    mail = mail_for(intake_service, accounts["haninge"].email, reference)
    assert MARK not in mail
    haninge_page.goto(f"{intake_service.url}/workspace/")
    row = inbox_row(haninge_page, reference)
    expect(row).to_have_class(re.compile(r"\bunread\b"))
    expect(row).to_contain_text("Haninge")
    row.get_by_role("link", name=reference).click()
    expect(haninge_page.locator("article.message.person")).to_contain_text(kiruna_message)
    haninge_desk.close()

    record.seconds = time.monotonic() - started
    record.done = True
    print(f"\njourney: {record.seconds:.1f} s, {len(record.requests)} requests")


# ---------------------------------------------------------------- after the journey


def _journey_ran(record: Record) -> None:
    assert record.done, "the journey did not run to its end"


def test_no_canary_in_the_database_the_logs_the_mails_or_the_chat(
    record, intake_service, chatbot_server
):
    _journey_ran(record)
    files = sorted(intake_service.database.parent.glob(intake_service.database.name + "*"))
    database = b"".join(path.read_bytes() for path in files)  # with the WAL, as a thief gets it
    logs = {path.name: path.read_bytes() for path in [*intake_service.logs, chatbot_server.log]}
    mails = b"\n".join(message.as_bytes() for message in intake_service.mail.messages)
    # These are the right files, and hold what they should: else finding nothing proves nothing.
    assert all(c["reference"].encode() in database for c in record.first_contacts)
    assert b"Application startup complete" in logs["intake.log"]
    assert b"chatbot: action server" in logs["chatbot.log"]
    assert all(c["reference"].encode() in mails for c in record.first_contacts)
    places = {"database": database, **logs, "mails": mails}
    canaries = [*CANARIES, *(c["text"] for c in record.first_contacts)]
    found = [
        (name, canary[:40])
        for name, content in places.items()
        for canary in canaries
        if any(encoded in content for encoded in _encodings(canary))
    ]
    # Nor does the chat keep where a message came from, or the browser that sent it.
    for conversation in [*record.first_contacts, *record.check_backs]:
        tracker = json.dumps(chatbot_server.tracker(conversation["sender"]), ensure_ascii=False)
        found += [(f"tracker {conversation['sender'][:6]}…", canary)
                  for canary in (FORWARDED_FOR, USER_AGENT) if canary in tracker]  # fmt: skip
    assert found == []


def _encodings(text: str) -> set[bytes]:
    """As UTF-8, UTF-16 and JSON (\\uXXXX) would store it."""
    return {
        text.encode(),
        text.encode("utf-16-le"),
        text.encode("utf-16-be"),
        json.dumps(text)[1:-1].encode(),
    }


def _where(value, needle: str, path: str = "") -> list[str]:
    """Where in a tracker (JSON) a text is: 'events[12].text', 'slots.message', ..."""
    if isinstance(value, str):
        return [path] if needle in value else []
    if isinstance(value, dict):
        items = [(f"{path}.{key}" if path else key, item) for key, item in value.items()]
    elif isinstance(value, list):
        items = [(f"{path}[{index}]", item) for index, item in enumerate(value)]
    else:
        return []
    found = []
    for item_path, item in items:
        found += _where(item, needle, item_path)
    if path.count("[") == 1 and found and isinstance(value, dict) and "event" in value:
        return [f"{path} ({value['event']}{':' + value['name'] if 'name' in value else ''})"]
    return found


def test_the_chat_forgets_a_first_contact_once_it_is_sent(record, chatbot_server):
    """chatbot/README.md: "the form's answers (message and phone number included)" are emptied
    from the conversation "as soon as they are sent". What Rasa keeps of each first-contact
    conversation (slots and events, through its HTTP API) must then hold the message no more."""
    _journey_ran(record)
    assert len(record.first_contacts) == 3
    kept = {}
    for contact in record.first_contacts:
        tracker = chatbot_server.tracker(contact["sender"])
        assert contact["reference"] in json.dumps(tracker)  # the conversation that sent it
        assert tracker["slots"].get("message") is None
        for canary in (contact["text"], *CANARIES):
            if where := _where(tracker, canary):
                kept[f"{contact['reference']} {canary[:20]}…"] = where
    assert kept == {}, "still in the chat's memory:\n" + "\n".join(
        f"  {what}: {', '.join(where)}" for what, where in kept.items()
    )


def test_the_chat_forgets_the_receipt_code_once_used(record, chatbot_server):
    """chatbot/README.md: "The receipt code is emptied from the conversation as soon as it has
    been used"."""
    _journey_ran(record)
    assert len(record.check_backs) == 2
    kept = {}
    for check in record.check_backs:
        tracker = chatbot_server.tracker(check["sender"])
        assert tracker["events"], "no conversation kept: finding nothing would prove nothing"
        assert tracker["slots"].get("receipt_code") is None
        for form in (check["code"], check["code"].replace(" ", "")):
            if where := _where(tracker, form):
                kept[f"{check['sender'][:6]}… {form}"] = where
    assert kept == {}, "still in the chat's memory:\n" + "\n".join(
        f"  {what}: {', '.join(where)}" for what, where in kept.items()
    )


def test_every_request_went_to_127_0_0_1_but_the_quick_exit(record):
    _journey_ran(record)
    assert len(record.requests) > 50
    assert record.without_canaries == []  # every request carried them: the search means something
    elsewhere = [r for r in record.requests if urlparse(r["url"]).hostname != "127.0.0.1"]
    assert record.quick_exits == 2
    # One navigation per quick exit, each from the context that made it, and nothing else.
    assert elsewhere == [
        {"context": "relative ar, later", "url": NEUTRAL, "navigation": True, "type": "document"},
        {"context": "relative sv, later", "url": NEUTRAL, "navigation": True, "type": "document"},
    ]
