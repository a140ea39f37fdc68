"""The chat widget on a municipality page, against the real Rasa and action servers."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.site.conftest import NEUTRAL

pytestmark = pytest.mark.browser


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


@pytest.mark.parametrize(
    ("path", "message"),
    [("/kommun/haninge/", "osteraker"), ("/ar/kommun/haninge/", "osteraker")],
)
def test_widget_opens_and_finds_osteraker(page, site_url, chatbot, path, message):
    page.goto(site_url + path)
    page.locator("main [data-chat-open]").first.click()
    panel = page.locator("[data-chat-panel]")
    expect(panel).to_be_visible()
    expect(panel).to_have_attribute("role", "dialog")
    log = page.locator("[data-chat-log]")
    expect(log).to_have_attribute("role", "log")
    expect(log).not_to_be_empty(timeout=20_000)  # the greeting from the real server
    page.locator("[data-chat-input]").fill(message)
    page.locator("[data-chat-send]").click()
    expect(log.locator('a[href="tel:+46854081180"]').first).to_be_visible(timeout=20_000)
    assert "0854081180" in digits(log.inner_text())
    sender = page.evaluate("sessionStorage.getItem('vagut.chat.sender')")
    assert sender and page.evaluate("document.cookie") == ""


def test_quick_exit_forgets_the_chat(page, site_url, chatbot):
    page.goto(site_url + "/kommun/haninge/")
    page.locator("main [data-chat-open]").first.click()
    expect(page.locator("[data-chat-log]")).not_to_be_empty(timeout=20_000)
    assert page.evaluate("sessionStorage.length") > 0
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(NEUTRAL)
    assert page.evaluate("sessionStorage.length") == 0


def test_closing_the_chat_forgets_the_transcript_in_the_browser(page, site_url, chatbot):
    """What the privacy note says: the browser keeps nothing of a conversation once it is
    closed (a receipt code in the log would otherwise come back for whoever opens it next)."""
    log = _open_chat(page, site_url, chatbot)
    _send(page, "osteraker")
    expect(log.locator('a[href="tel:+46854081180"]').first).to_be_visible(timeout=20_000)
    first_sender = page.evaluate("sessionStorage.getItem('vagut.chat.sender')")
    page.locator("[data-chat-close]").click()
    expect(page.locator("[data-chat-panel]")).to_be_hidden()
    assert page.evaluate("sessionStorage.getItem('vagut.chat.log')") is None
    page.reload()
    page.locator("main [data-chat-open]").first.click()
    expect(log).not_to_be_empty(timeout=20_000)  # a new greeting
    assert log.locator('a[href="tel:+46854081180"]').count() == 0
    assert "osteraker" not in log.inner_text().lower()
    assert page.evaluate("sessionStorage.getItem('vagut.chat.sender')") != first_sender


@pytest.mark.parametrize("lang", ["sv", "ar", "ti"])
def test_axe_finds_no_violations_with_the_chat_open(page, site_url, chatbot, lang):
    prefix = "" if lang == "sv" else f"/{lang}"
    page.goto(f"{site_url}{prefix}/kommun/kiruna/")
    page.locator("main [data-chat-open]").first.click()
    expect(page.locator("[data-chat-log]")).not_to_be_empty(timeout=20_000)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def _hold_chat_requests(page, chatbot):
    """Hold every message the widget posts until the test lets it through: a chat server that is
    slow to answer, without touching the real one."""
    held = []
    page.route(chatbot + "/webhooks/rest/webhook", lambda route: held.append(route))
    return held


def _release_next(page, held, count):
    for _ in range(100):
        if len(held) >= count:
            held[count - 1].continue_()
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"message {count} was never posted")


def _open_chat(page, site_url, chatbot):
    page.goto(site_url + "/kommun/haninge/")
    page.locator("main [data-chat-open]").first.click()
    log = page.locator("[data-chat-log]")
    expect(log).not_to_be_empty(timeout=20_000)  # the greeting, before any request is held
    return log


def _send(page, text):
    page.locator("[data-chat-input]").fill(text)
    page.locator("[data-chat-input]").press("Enter")


def test_a_message_written_while_a_reply_is_pending_is_delivered(page, site_url, chatbot):
    log = _open_chat(page, site_url, chatbot)
    held = _hold_chat_requests(page, chatbot)
    _send(page, "hej")
    page.wait_for_timeout(200)  # the widget posts the first message
    _send(page, "osteraker")
    expect(log.locator(".vagut-chat__message--user")).to_have_count(2)  # both shown at once
    expect(page.locator("[data-chat-input]")).to_have_value("")
    page.wait_for_timeout(300)
    assert len(held) == 1  # the second waits for the first reply, in order
    held[0].continue_()
    _release_next(page, held, 2)  # ... and is posted once that reply is in
    # The second message reaches the real server once the first reply is in: Österåker's number.
    expect(log.locator('a[href="tel:+46854081180"]').first).to_be_visible(timeout=20_000)


def test_a_slow_reply_shows_112_and_the_form_within_seconds(page, site_url, chatbot):
    log = _open_chat(page, site_url, chatbot)
    held = _hold_chat_requests(page, chatbot)
    _send(page, "de står utanför med kniv")
    notice = log.locator(".vagut-chat__message--notice")
    expect(notice).to_be_visible(timeout=6_000)
    expect(notice.locator('a[href="tel:112"]')).to_be_visible()
    expect(notice.locator("a.vagut-chat__form-link")).to_have_attribute(
        "href", re.compile(r"\?lang=sv$")
    )
    held[0].continue_()
    # The danger reply from the real server: 112 first, and a button that calls it.
    expect(log.locator('a.vagut-chat__call[href="tel:112"]').first).to_be_visible(timeout=20_000)


def test_on_a_municipality_page_the_chat_knows_the_municipality(page, site_url, chatbot):
    """Issue 14: the opener carries data-municipality, and the chat asked which municipality."""
    page.goto(site_url + "/en/kommun/kiruna/")
    page.locator("main [data-chat-open]").first.click()
    log = page.locator("[data-chat-log]")
    expect(log).not_to_be_empty(timeout=20_000)
    _send(page, "who do I call?")
    # Kiruna's answer (the national way in, as it has no verified contact) and the offer.
    expect(log.locator(".vagut-chat__message--bot").last).to_contain_text("Kiruna", timeout=20_000)
    expect(log).to_contain_text("114 14")


def test_a_long_reply_is_shown_from_its_first_sentence(page, site_url, chatbot):
    """Issue 14: the log jumped to the end of each reply, past its first sentence on a phone."""
    page.set_viewport_size({"width": 320, "height": 568})
    log = _open_chat(page, site_url, chatbot)
    before = log.locator(".vagut-chat__message--bot").count()
    _send(page, "osteraker")  # a reply of several messages: 112, the contacts, the offer
    replies = log.locator(".vagut-chat__message--bot")
    page.wait_for_function(
        f"document.querySelectorAll('.vagut-chat__message--bot').length >= {before + 3}",
        timeout=20_000,
    )
    expect(page.locator(".vagut-chat__typing")).to_be_hidden()  # the whole reply is in
    first_top = replies.nth(before).bounding_box()["y"]
    log_top = log.bounding_box()["y"]
    assert log_top <= first_top <= log_top + 40, (first_top, log_top)


def test_the_full_screen_chat_keeps_keyboard_focus_inside(page, site_url, chatbot):
    """Issue 14: on a phone the panel covers the page; Tab left it for what cannot be seen."""
    page.set_viewport_size({"width": 320, "height": 568})
    _open_chat(page, site_url, chatbot)
    for _ in range(25):
        page.keyboard.press("Tab")
        assert page.evaluate("!!document.activeElement.closest('[data-chat-panel]')")
    for _ in range(25):
        page.keyboard.press("Shift+Tab")
        assert page.evaluate("!!document.activeElement.closest('[data-chat-panel]')")


def test_the_chat_switches_language_when_asked_and_keeps_it(page, site_url, chatbot):
    """Issue 14: "kan du svara på svenska?" on an English page: the reply is Swedish, says so
    with a button back, the panel speaks Swedish, and the next message is sent as Swedish."""
    page.goto(site_url + "/en/kommun/kiruna/")
    page.locator("[data-chat-open]").first.click()
    log = page.locator("[data-chat-log]")
    panel = page.locator("[data-chat-panel]")
    expect(log).not_to_be_empty(timeout=20_000)
    _send(page, "kan du svara på svenska?")
    expect(log).to_contain_text("Jag skriver på svenska nu.", timeout=20_000)
    expect(panel).to_have_attribute("lang", "sv")
    expect(page.locator("[data-chat-send]")).to_have_text("Skicka")
    assert page.evaluate("sessionStorage.getItem('vagut.chat.language')") == "sv"
    # The button back: English again, and nothing kept.
    log.get_by_role("button", name="Tillbaka till English").click()
    expect(panel).to_have_attribute("lang", "en", timeout=20_000)
    expect(page.locator("[data-chat-send]")).to_have_text("Send")
    assert page.evaluate("sessionStorage.getItem('vagut.chat.language')") is None
    # Asked again, the chat keeps Swedish for a message too short to say its language.
    _send(page, "svenska tack")
    expect(panel).to_have_attribute("lang", "sv", timeout=20_000)
    _send(page, "ja")
    expect(log.locator(".vagut-chat__message--bot").last).to_contain_text("Välj", timeout=20_000)
