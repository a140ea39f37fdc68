"""A municipality's page and a guidance page printed (Chromium's print emulation, the media
query a real print uses): the leaflet of issue 15 in left-to-right and right-to-left pages."""

import re

import pytest
from playwright.sync_api import expect

from tests.site.conftest import new_context
from tests.site.test_layout import _open_chat, _prefix

pytestmark = pytest.mark.browser

# A4 (210 mm) less the print style's margins (2 x 15 mm), at the 96 px an inch CSS prints at.
A4_CONTENT_WIDTH = round(180 / 25.4 * 96)  # 680 px
HIDDEN_ON_PAPER = [
    ".md-header",  # navigation, language menu
    ".md-sidebar--primary",
    ".md-footer",
    "a[data-quick-exit]",
    ".vu-chat-launch",  # the footer's chat button, form link and history note
    "main [data-chat-open]",
    "[data-print]",
    ".vu-read-more",
]


@pytest.fixture
def paper(browser):
    context = new_context(browser)
    page = context.new_page()
    page.set_viewport_size({"width": A4_CONTENT_WIDTH, "height": 1000})
    yield page
    context.close()


@pytest.mark.parametrize("lang", ["sv", "ar", "ti"])
@pytest.mark.parametrize("slug", ["haninge", "goteborg"])
def test_a_printed_municipality_page_is_a_leaflet(paper, site_url, lang, slug):
    paper.goto(f"{site_url}{_prefix(lang)}/kommun/{slug}/")
    qr = paper.locator(".vu-leaflet .vu-leaflet__qr")
    expect(qr).to_be_hidden()  # on screen: no code nobody needs there
    expect(paper.locator("[data-print]")).to_be_visible()
    paper.emulate_media(media="print")
    expect(paper.locator(".vu-contact .vu-tel").first).to_be_visible()
    for number in ("tel:112", "tel:11414"):
        expect(paper.locator(f'.vu-national a.vu-tel--big[href="{number}"]')).to_be_visible()
    expect(paper.locator('.vu-emergency a[href="tel:112"]')).to_be_visible()
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 120 and abs(box["width"] - box["height"]) < 1  # 3.5 cm, square
    expect(paper.locator(".vu-leaflet__url")).to_contain_text(f"/kommun/{slug}/")
    for selector in HIDDEN_ON_PAPER:
        for element in paper.locator(selector).all():
            expect(element).to_be_hidden()
    # The local number is still the biggest on paper.
    sizes = paper.evaluate("""() => [...document.querySelectorAll('main a[href^="tel:"]')]
      .map(a => [a.matches('.vu-contact .vu-tel'), parseFloat(getComputedStyle(a).fontSize)])""")
    local = [size for is_local, size in sizes if is_local]
    assert local and min(local) >= max(size for is_local, size in sizes if not is_local)
    widths = paper.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth]")
    assert max(widths) <= A4_CONTENT_WIDTH, f"wider than A4 in {lang}: {widths}"


@pytest.mark.parametrize("lang", ["sv", "ar", "ku", "ti"])
@pytest.mark.parametrize("path", ["/foraldrar/", "/lamna-kriminalitet/", "/hjalp/"])
def test_a_printed_guidance_page_has_the_code_and_fits_on_a4(paper, site_url, lang, path):
    paper.goto(f"{site_url}{_prefix(lang)}{path}")
    paper.emulate_media(media="print")
    expect(paper.locator(".vu-leaflet__qr")).to_be_visible()
    expect(paper.locator('.vu-emergency a[href="tel:112"]')).to_be_visible()  # 112 on paper
    expect(paper.locator('.vu-emergency a[href="tel:11414"]')).to_be_visible()
    for selector in (".md-header", ".md-sidebar--primary", "a[data-quick-exit]", ".vu-chat-launch"):
        expect(paper.locator(selector)).to_be_hidden()
    widths = paper.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth]")
    assert max(widths) <= A4_CONTENT_WIDTH, f"wider than A4 in {lang}: {widths}"


def test_the_open_chat_is_not_printed(browser, site_url):
    context = new_context(browser)
    page = context.new_page()
    page.goto(f"{site_url}/ar/kommun/haninge/")
    _open_chat(page)
    page.emulate_media(media="print")
    expect(page.locator("[data-chat-panel]")).to_be_hidden()
    expect(page.locator(".vu-leaflet__qr")).to_be_visible()
    context.close()


def test_the_print_button_prints(page, site_url):
    page.goto(f"{site_url}/so/kommun/kiruna/")
    page.evaluate("window.print = () => { window.printed = true; }")
    page.locator("[data-print]").click()
    assert page.evaluate("window.printed") is True


def test_a4_pdf_of_a_municipality_page(browser, site_url):
    """Chromium's own A4 print: the page prints, on a sensible number of sheets."""
    context = new_context(browser)
    page = context.new_page()
    page.goto(f"{site_url}/ar/kommun/goteborg/")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    context.close()
    assert pdf.startswith(b"%PDF")
    sheets = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert 1 <= sheets <= 3, sheets
