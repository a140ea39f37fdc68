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


@pytest.mark.parametrize("lang", ["sv", "ar", "ti"])
def test_axe_finds_no_violations_with_the_chat_open(page, site_url, chatbot, lang):
    prefix = "" if lang == "sv" else f"/{lang}"
    page.goto(f"{site_url}{prefix}/kommun/kiruna/")
    page.locator("main [data-chat-open]").first.click()
    expect(page.locator("[data-chat-log]")).not_to_be_empty(timeout=20_000)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
