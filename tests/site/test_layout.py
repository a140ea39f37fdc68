"""The page's frame at phone and desktop widths: the quick exit above everything, the chat
included, and nothing wider than a 320 px screen (issue 15, items 2 and 3)."""

import pytest
from playwright.sync_api import expect

from tests.site.conftest import NEUTRAL, new_context

pytestmark = pytest.mark.browser

LANGUAGES = ["sv", "en", "ar", "fa", "so", "ti", "ku", "tr", "es", "fr"]

# What is at the quick exit's own centre: the button itself (or its text), or what covers it.
AT_CENTRE = """(selector) => {
  const button = document.querySelector(selector);
  const box = button.getBoundingClientRect();
  const x = box.left + box.width / 2, y = box.top + box.height / 2;
  const found = document.elementFromPoint(x, y);
  return {
    covered_by: found === null ? null
      : found.closest(selector) === button ? "" : found.outerHTML.slice(0, 120),
    inside: x >= 0 && y >= 0 && x <= innerWidth && y <= innerHeight,
  };
}"""


def _prefix(lang: str) -> str:
    return "" if lang == "sv" else f"/{lang}"


def _open_chat(page) -> None:
    """The chat opens also when its server cannot be reached (it says so in the panel)."""
    page.locator("main [data-chat-open]").first.click()
    expect(page.locator("[data-chat-panel]")).to_be_visible()


@pytest.mark.parametrize("lang", ["sv", "ar", "ti"])
@pytest.mark.parametrize("width", [320, 360, 1280])
def test_quick_exit_is_not_covered_by_the_open_chat(browser, site_url, lang, width):
    context = new_context(browser)
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 740 if width < 1000 else 800})
    page.goto(f"{site_url}{_prefix(lang)}/kommun/haninge/")
    _open_chat(page)
    for selector in ("a[data-quick-exit]", "[data-chat-quick-exit]"):
        result = page.evaluate(AT_CENTRE, selector)
        assert result["inside"], f"{selector} is off screen at {width} px in {lang}"
        assert result["covered_by"] == "", f"{selector} covered at {width} px in {lang}: {result}"
    context.close()


@pytest.mark.parametrize("lang", ["sv", "ar", "ti"])
def test_the_chats_own_quick_exit_leaves_like_the_pages(browser, site_url, lang):
    context = new_context(browser)
    page = context.new_page()
    page.goto(f"{site_url}/")
    page.goto(f"{site_url}{_prefix(lang)}/kommun/haninge/")
    _open_chat(page)
    page_exit = page.locator("a[data-quick-exit]")
    chat_exit = page.locator("[data-chat-panel] [data-chat-quick-exit]")
    expect(chat_exit).to_have_accessible_name(page_exit.inner_text().strip())
    page.evaluate("sessionStorage.setItem('vagut.chat.test', 'something')")
    chat_exit.click()
    page.wait_for_url(NEUTRAL)
    page.go_back()
    assert page.url == f"{site_url}/"  # the page left was replaced in the history
    assert page.evaluate("sessionStorage.length") == 0
    context.close()


# One page of each template: home, a guidance page, the directory, a municipality page.
TEMPLATES = ["/", "/foraldrar/", "/kommun/", "/kommun/haninge/"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_nothing_is_wider_than_a_320_px_screen(browser, site_url, lang):
    context = new_context(browser)
    page = context.new_page()
    page.set_viewport_size({"width": 320, "height": 640})
    too_wide = {}
    for path in TEMPLATES:
        page.goto(f"{site_url}{_prefix(lang)}{path}")
        widths = page.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth]")
        if max(widths) > 320:
            too_wide[path] = widths
    context.close()
    assert not too_wide, f"wider than 320 px in {lang} (html, body): {too_wide}"


@pytest.mark.parametrize("lang", ["sv", "ar", "ti"])
@pytest.mark.parametrize("slug", ["haninge", "goteborg"])
def test_the_local_number_is_the_biggest_tap_target(browser, site_url, lang, slug):
    """Issue 15: the local number was smaller than the 112 and 114 14 cards."""
    context = new_context(browser)
    page = context.new_page()
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{site_url}{_prefix(lang)}/kommun/{slug}/")
    areas = page.evaluate("""() => [...document.querySelectorAll('main a[href^="tel:"]')]
      .map(a => { const r = a.getBoundingClientRect();
                  return [a.matches('.vu-contact .vu-tel'), r.width * r.height, r.height]; })""")
    context.close()
    local = [area for is_local, area, _ in areas if is_local]
    others = [area for is_local, area, _ in areas if not is_local]  # 112, 114 14, in text too
    assert local and others
    assert min(local) >= max(others) * 0.9, (local, others)  # as big as the biggest national
    assert all(height >= 44 for is_local, _, height in areas if is_local)  # a thumb's width
