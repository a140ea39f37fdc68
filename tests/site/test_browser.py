"""The site as a person uses it, in Debian's Chromium (driven by Playwright)."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.site.conftest import NEUTRAL

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("query", ["osteraker", "Åkersberga", "18400", "184 00", "Österakr"])
def test_directory_finds_osteraker(page, site_url, query):
    page.goto(f"{site_url}/kommun/")
    page.get_by_label("Kommun, ort eller postnummer").fill(query)
    result = page.locator("#vu-search-results a").first
    expect(result).to_contain_text("Österåker")
    result.click()
    expect(page).to_have_url(f"{site_url}/kommun/osteraker/")
    expect(page.locator(".vu-contact .vu-tel")).to_have_attribute("href", "tel:+46854081180")


def test_directory_says_when_a_postal_code_is_unknown(page, site_url):
    page.goto(f"{site_url}/en/kommun/")
    page.locator("#vu-search-input").fill("99999")
    expect(page.get_by_role("status")).to_contain_text("999 99")


def test_quick_exit_leaves_and_back_does_not_return(page, site_url):
    page.goto(f"{site_url}/")
    page.goto(f"{site_url}/kommun/haninge/")
    page.evaluate("sessionStorage.setItem('vagut.chat', 'something')")
    page.get_by_role("link", name="Lämna sidan snabbt").click()
    page.wait_for_url(NEUTRAL)
    page.go_back()
    assert page.url == f"{site_url}/"
    assert page.evaluate("sessionStorage.length") == 0


def test_escape_twice_is_a_quick_exit(page, site_url):
    page.goto(f"{site_url}/ar/foraldrar/")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(NEUTRAL)


def test_language_switcher_keeps_the_municipality(page, site_url):
    page.goto(f"{site_url}/kommun/haninge/")
    page.locator(".md-select button").focus()
    page.get_by_role("link", name="العربية").click()
    expect(page).to_have_url(f"{site_url}/ar/kommun/haninge/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.locator(".md-select button").focus()
    page.get_by_role("link", name="ትግርኛ").click()
    expect(page).to_have_url(f"{site_url}/ti/kommun/haninge/")


def test_112_is_visible_without_scrolling_on_a_small_phone(page, site_url):
    for path in ("/", "/ar/kommun/kiruna/", "/ti/prata-med-ditt-barn/"):
        page.goto(site_url + path)
        call = page.locator('.vu-emergency a[href="tel:112"]')
        expect(call).to_be_in_viewport()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360


PAGES = ["/", "/kommun/", "/kommun/haninge/", "/foraldrar/"]


@pytest.mark.parametrize("lang", ["sv", "ar", "ti"])
@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_violations(page, site_url, lang, path):
    prefix = "" if lang == "sv" else f"/{lang}"
    page.goto(f"{site_url}{prefix}{path}")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_pages_work_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site_url}/kommun/")
    expect(page.get_by_role("link", name="Österåker", exact=True)).to_be_visible()
    expect(page.locator("[data-directory-search]")).to_be_hidden()
    page.get_by_role("link", name="Österåker", exact=True).click()
    expect(page.locator("h1")).to_have_text(re.compile("Österåker"))
    context.close()
