"""The workspace in Debian's Chromium, against a real uvicorn on loopback: a coordinator enrols,
logs in, reads and answers, with axe-core finding no violations on any page and no page wider
than a 320 px phone."""

import re

import httpx
import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect, sync_playwright

from intake_api import coordinators
from intake_api.workspace import auth
from tests.intake_api.helpers import PASSWORDS, intake_body, service_headers
from tests.site.conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.parametrize("database", ["sqlite"], indirect=True)


@pytest.fixture
def chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def check(page, width: int) -> None:
    """What every workspace page must be: accessible, and no wider than the screen."""
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


@pytest.mark.parametrize("width", [320, 1280])
def test_a_coordinator_s_pages_are_accessible_and_fit_a_small_phone(
    live_server, chromium, session, settings, staff, width
):
    base, _ = live_server
    with httpx.Client(base_url=base) as http:
        body = intake_body(language="ar", message="أخي يريد أن يترك العصابة")
        assert http.post("/api/v1/intakes", json=body, headers=service_headers()).is_success
    secret = auth.enrol_with_password(session, settings, "haninge", PASSWORDS["haninge"])
    _, link = coordinators.invite_coordinator(session, settings, "kiruna", "k@example.org",
                                              ["2584"])  # fmt: skip
    session.rollback()  # SQLite has one connection: leave it to the service

    # The pages carry no script, and their CSP would refuse one; axe is injected by the test.
    context = chromium.new_context(viewport={"width": width, "height": 800}, locale="sv-SE")
    page = context.new_page()
    page.goto(f"{base}/workspace/login")
    check(page, width)
    page.get_by_label("Användarnamn").fill("haninge")
    page.get_by_label("Lösenord").fill(PASSWORDS["haninge"])
    page.get_by_label("Kod från din autentiseringsapp").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", name="Inkorg")).to_be_visible()
    check(page, width)

    page.get_by_role("link", name=re.compile(r"^VU-")).click()
    expect(page.locator("bdi", has_text="أخي يريد أن يترك العصابة")).to_be_visible()
    check(page, width)
    page.get_by_label("Ditt svar").fill("مرحبا، نحن هنا. Vi hör av oss.")
    page.get_by_role("button", name="Skicka svaret").click()
    expect(page.get_by_role("status")).to_contain_text("Svaret är skickat")
    check(page, width)

    for path in ("/workspace/account", "/workspace/contacts", "/workspace/?view=closed"):
        page.goto(base + path)
        check(page, width)
    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible()

    # The invited coordinator: the link, a password, the second factor, the recovery codes.
    page.goto(link.replace(settings.workspace_url.rstrip("/"), base))
    check(page, width)
    page.get_by_label("Nytt lösenord").fill("norrsken-over-malmberget")
    page.get_by_label("Samma lösenord igen").fill("norrsken-over-malmberget")
    page.get_by_role("button", name="Spara lösenordet").click()
    expect(page.locator("figure.qr svg")).to_be_visible()
    check(page, width)
    new_secret = page.locator("#secret").inner_text().replace(" ", "")
    page.get_by_label("Sex siffror från appen").fill(pyotp.TOTP(new_secret).now())
    page.get_by_role("button", name="Bekräfta").click()
    expect(page.get_by_role("heading", name="Dina engångskoder")).to_be_visible()
    check(page, width)
    context.close()
