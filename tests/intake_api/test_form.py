"""The no-JavaScript page: translated, right-to-left where it should be, strict CSP, and it does
the first contact and the check-back."""

import re

import pytest

from vagut.languages import LANGUAGE_CODES


def _token(page: str) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', page).group(1)


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

    thread = client.post("/api/v1/form/check", data={"receipt_code": code, "lang": "en"})
    assert thread.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in thread.text and "<script>" not in thread.text
    more = {"receipt_code": code, "lang": "en", "message": "One more thing"}
    assert "One more thing" in client.post("/api/v1/form/check", data=more).text
    wrong = client.post("/api/v1/form/check", data={"receipt_code": "0" * 16, "lang": "en"})
    assert wrong.status_code == 403 and "That code is not right" in wrong.text


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
