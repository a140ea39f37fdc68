"""The no-JavaScript page: translated, right-to-left where it should be, strict CSP, and it does
the first contact and the check-back."""

import re

import pytest
from markupsafe import escape

from intake_api import coordinators
from intake_api.i18n import t
from intake_api.models import Coordinator
from tests.intake_api.helpers import intake_body, service_headers
from vagut.languages import LANGUAGE_CODES


def _token(page: str, name: str = "form_token") -> str:
    return re.search(rf'name="{name}" value="([^"]+)"', page).group(1)


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_the_page_in_every_language(client, lang):
    page = client.get(f"/api/v1/form?lang={lang}")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert "<script" not in page.text
    direction = "rtl" if lang in {"ar", "fa", "ku"} else "ltr"
    assert f'<html lang="{lang}" dir="{direction}">' in page.text
    assert page.text.count('<option value="0') >= 26  # the Stockholm county codes, at least
    # Before sending: what may follow a first contact about a child under 18 (issue 16).
    assert str(escape(t("form.before_send_under_18", lang))) in page.text


def test_first_contact_and_check_back_without_javascript(client, staff):
    page = client.get("/api/v1/form", headers={"Accept-Language": "fa"})
    assert 'lang="fa"' in page.text
    form = {
        "form_token": _token(page.text),
        "lang": "fa",
        "municipality_code": "0117",
        "role": "self",
        "concern": "leaving_crime",
        "age_group": "adult",
        "contact_method": "receipt_code",
        "language": "fa",
        "message": "<script>alert(1)</script>",
    }
    sent = client.post("/api/v1/form", data=form)
    assert sent.status_code == 201
    code = re.search(r'class="code" dir="ltr">([\d ]+)<', sent.text).group(1)
    assert "tel:+46854081180" in sent.text
    again = client.post("/api/v1/form", data=form)  # a reload resubmits: refused, in Persian
    assert again.status_code == 403 and "این فرم قبلاً فرستاده شده است" in again.text

    check = {"receipt_code": code, "lang": "en", "check_token": _token(page.text, "check_token")}
    thread = client.post("/api/v1/form/check", data=check)
    assert thread.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in thread.text and "<script>" not in thread.text
    assert client.post("/api/v1/form/check", data=check).status_code == 403  # a token works once
    more = {**check, "message": "One more thing", "check_token": _token(thread.text, "check_token")}
    written = client.post("/api/v1/form/check", data=more)
    assert "One more thing" in written.text
    wrong = {**more, "receipt_code": "0" * 16, "message": "Kept, not lost",
             "check_token": _token(written.text, "check_token")}  # fmt: skip
    refused = client.post("/api/v1/form/check", data=wrong)
    assert refused.status_code == 403 and "That code is not right" in refused.text
    # What was typed comes back, with a new token to try again with.
    assert "Kept, not lost" in refused.text and 'value="0000000000000000"' in refused.text
    assert _token(refused.text, "check_token") != wrong["check_token"]


def test_a_form_without_a_valid_token_is_refused(client, staff):
    form = {
        "form_token": "forged.1.2.abc",
        "municipality_code": "0136",
        "role": "self",
        "concern": "other",
        "age_group": "unknown",
        "contact_method": "receipt_code",
    }
    answer = client.post("/api/v1/form", data=form)
    assert answer.status_code == 403 and 'role="alert"' in answer.text
    missing_phone = {**form, "contact_method": "phone"}
    assert client.post("/api/v1/form", data=missing_phone).status_code == 422


# ---------------------------------------------------------------- who reads it (issues 11, 16)


def _send(client, code: str, lang: str = "sv"):
    page = client.get(f"/api/v1/form?lang={lang}")
    form = {
        "form_token": _token(page.text),
        "lang": lang,
        "municipality_code": code,
        "role": "relative",
        "concern": "worried_about_child",
        "age_group": "under_18",
        "contact_method": "receipt_code",
        "language": lang,
    }
    sent = client.post("/api/v1/form", data=form)
    assert sent.status_code == 201, sent.text
    return sent.text


def _said(key: str, lang: str, name: str) -> str:
    """A receipt sentence as the page shows it (escaped, as Jinja does: "Väg ut'un" in Turkish)."""
    return str(escape(t(f"next_steps.{key}", lang, municipality=name)))


@pytest.mark.parametrize("lang", ["sv", "ar", "tr"])
def test_the_receipt_says_the_fallback_reads_it_where_nobody_serves_the_municipality(
    client, staff, lang
):
    receipt = _send(client, "2584", lang)  # Kiruna: no coordinator of its own
    assert _said("received_fallback", lang, "Kiruna") in receipt
    assert _said("received_local", lang, "Kiruna") not in receipt
    if lang == "sv":
        assert "Väg uts nationella samordnare" in receipt
        assert "samordnare som arbetar med stöd för att lämna kriminalitet i Kiruna" not in receipt


@pytest.mark.parametrize("lang", ["sv", "ar", "tr"])
def test_the_receipt_names_the_municipalitys_own_coordinator_where_there_is_one(
    client, staff, lang
):
    receipt = _send(client, "0136", lang)  # Haninge: its own coordinator
    assert _said("received_local", lang, "Haninge") in receipt
    assert _said("received_fallback", lang, "Haninge") not in receipt
    if lang == "sv":
        assert "samordnare som arbetar med stöd för att lämna kriminalitet i Haninge" in receipt
        assert "nationella samordnare" not in receipt


def test_who_reads_it_is_decided_when_it_arrives(client, staff, session):
    """The database decides, not a list: a coordinator linked to Kiruna today is named today."""
    assert _said("received_fallback", "sv", "Kiruna") in _send(client, "2584")
    coordinators.link(session, session.get(Coordinator, staff["haninge"]), "2584")
    assert _said("received_local", "sv", "Kiruna") in _send(client, "2584")


def test_the_api_answer_says_the_same(client, staff):
    """The chat shows the API's next_steps: it must say the same as the form's receipt."""
    cases = [("2584", "received_fallback", "Kiruna"), ("0136", "received_local", "Haninge")]
    for code, key, name in cases:
        body = intake_body(municipality_code=code)
        answer = client.post("/api/v1/intakes", json=body, headers=service_headers())
        assert answer.status_code == 201, answer.text
        expected = t(f"next_steps.{key}", "sv", municipality=name)
        assert answer.json()["next_steps"].startswith(expected)


def test_the_form_page_does_not_promise_the_municipalitys_own_coordinator(client):
    page = client.get("/api/v1/form?lang=sv").text
    assert "Väg uts nationella samordnare" in page
    assert "första kontakt till kommunen" not in page


def test_the_municipality_page_that_links_here_preselects_its_municipality(client):
    page = client.get("/api/v1/form?lang=sv&municipality=0136").text
    assert '<option value="0136" selected>' in page
    assert (
        " selected>"
        not in client.get("/api/v1/form?municipality=9999")
        .text.split('name="municipality_code"')[1]
        .split("</select>")[0]
    )
