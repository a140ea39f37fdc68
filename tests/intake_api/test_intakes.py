"""First contact and check-back through the HTTP API, on SQLite and PostgreSQL."""

import re

import pytest

from intake_api import directory, limits
from tests.intake_api.helpers import intake_body, proof_headers, service_headers


def create(client, **changes):
    answer = client.post("/api/v1/intakes", json=intake_body(**changes), headers=service_headers())
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_a_first_contact_answers_once_with_code_next_steps_and_contacts(client, staff):
    intake = create(client, language="ar", contact_method="phone", phone="070-123 45 67")
    assert re.fullmatch(r"\d{16}", intake["receipt_code"])
    assert re.fullmatch(r"VU-[A-Z0-9]{4}-[A-Z0-9]{4}", intake["reference"])
    assert intake["municipality"] == {"code": "0136", "name": "Haninge"}
    assert "112" in intake["next_steps"] and "هاتف" not in intake["receipt_code"]
    assert re.search(r"[\u0600-\u06ff]", intake["next_steps"])  # Arabic, as asked
    assert intake["contacts"] == [
        {
            "serves": "adults_leaving_crime",
            "phone": "08-606 70 50",
            "phone_display": "08-606 70 50",
            "tel": "tel:+4686067050",
            "email": "lamnakrim@haninge.se",
        }
    ]


def test_a_municipality_without_verified_contacts_gets_none_and_reaches_the_fallback(
    client, staff, session
):
    # Any municipality the data holds no contact for (most of them): the first such.
    code, municipality = next((c, m) for c, m in directory.municipalities().items()
                              if not m.contacts)  # fmt: skip
    intake = create(client, municipality_code=code)
    assert intake["contacts"] == []
    assert intake["municipality"]["name"] == municipality.name


def test_check_back_reads_the_thread_and_adds_a_message(client, staff):
    intake = create(client, message="Första meddelandet")
    code = intake["receipt_code"]
    spaced = " ".join(code[i : i + 4] for i in range(0, 16, 4))
    thread = client.post(
        "/api/v1/followups/read", json={"receipt_code": spaced}, headers=service_headers()
    ).json()
    assert thread["status"] == "new"
    assert [m["message"] for m in thread["messages"]] == ["Första meddelandet"]
    assert thread["messages"][0]["hour"].endswith(":00:00Z")  # coarse: to the hour
    added = client.post(
        "/api/v1/followups/messages",
        json={"receipt_code": code, "message": "Och en sak till"},
        headers=proof_headers(client, "checkback"),
    )
    assert added.status_code == 201
    assert [m["author"] for m in added.json()["messages"]] == ["person", "person"]


def test_arabic_indic_digits_are_a_valid_code(client, staff):
    code = create(client)["receipt_code"]
    arabic = code.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert (
        client.post(
            "/api/v1/followups/read", json={"receipt_code": arabic}, headers=service_headers()
        ).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (intake_body(municipality_code="9999"), 422, "unknown_municipality"),
        (intake_body(municipality_code="abc"), 422, "unknown_municipality"),
        (intake_body(role="boss"), 422, "invalid_input"),
        (intake_body(age_group=18), 422, "invalid_input"),
        (intake_body(contact_method="phone"), 422, "phone_required_iff_phone"),
        (intake_body(phone="070-123 45 67"), 422, "phone_required_iff_phone"),
        (intake_body(contact_method="phone", phone="not a number"), 422, "phone_invalid"),
        (intake_body(message="x" * 4001), 422, "invalid_input"),
        (intake_body(name="Anna"), 422, "invalid_input"),  # no name is ever asked or taken
        ([1, 2], 422, "invalid_input"),
    ],
)
def test_bad_input_gets_a_4xx_with_a_message(client, staff, body, status, code):
    answer = client.post("/api/v1/intakes", json=body, headers=service_headers())
    assert (answer.status_code, answer.json()["code"]) == (status, code)
    assert answer.json()["detail"]


def test_errors_speak_the_accept_language_language(client, staff):
    def detail(accept_language):
        headers = service_headers(**{"Accept-Language": accept_language})
        body = intake_body(municipality_code="9999")
        return client.post("/api/v1/intakes", json=body, headers=headers).json()["detail"]

    assert detail("de-DE, ar;q=0.8") == "لا نجد بلدية بهذا الرمز."
    assert detail("ckb-IQ").startswith("هیچ شارەوانییەک")
    assert detail("xx") == detail("") == "Vi hittar ingen kommun med den koden."


def test_malformed_and_oversized_bodies(client, staff):
    headers = service_headers(**{"Content-Type": "application/json"})
    malformed = client.post("/api/v1/intakes", content=b'{"role": ', headers=headers)
    assert (malformed.status_code, malformed.json()["code"]) == (422, "malformed_json")
    huge = client.post("/api/v1/intakes", content=b" " * 70_000, headers=headers)
    assert (huge.status_code, huge.json()["code"]) == (413, "too_large")


def test_submissions_need_the_service_token_or_proof_of_work(client, staff, settings):
    body = intake_body()
    assert client.post("/api/v1/intakes", json=body).json()["code"] == "proof_required"
    wrong = client.post("/api/v1/intakes", json=body, headers={"Authorization": "Bearer nope"})
    assert (wrong.status_code, wrong.json()["code"]) == (401, "wrong_service_token")

    challenge = client.get("/api/v1/challenges").json()
    assert challenge["difficulty"] == settings.pow_difficulty_bits
    nonce = limits.solve(challenge["challenge"], challenge["difficulty"])
    proof = {"X-Pow-Challenge": challenge["challenge"], "X-Pow-Nonce": nonce}
    assert client.post("/api/v1/intakes", json=body, headers=proof).status_code == 201
    again = client.post("/api/v1/intakes", json=body, headers=proof)
    assert again.json()["code"] == "challenge_used"

    fresh = client.get("/api/v1/challenges").json()["challenge"]
    unsolved = {"X-Pow-Challenge": fresh, "X-Pow-Nonce": "x"}
    answer = client.post("/api/v1/intakes", json=body, headers=unsolved).json()
    assert answer["code"] in {"challenge_unsolved", "challenge_invalid"}
    forged = {"X-Pow-Challenge": fresh[:-2] + "00", "X-Pow-Nonce": "1"}
    assert client.post("/api/v1/intakes", json=body, headers=forged).json()["code"] == (
        "challenge_invalid"
    )


def test_without_any_coordinator_a_first_contact_is_refused_not_dropped(client):
    answer = client.post("/api/v1/intakes", json=intake_body(), headers=service_headers())
    assert (answer.status_code, answer.json()["code"]) == (503, "no_coordinator")
    assert "114 14" in answer.json()["detail"]


def test_security_headers_on_every_answer(client, staff):
    for answer in (
        client.get("/api/openapi.json"),
        client.post("/api/v1/followups/read", json={}, headers=service_headers()),
        client.get("/nothing-here"),
    ):
        assert answer.headers["cache-control"] == "no-store"
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert "default-src 'none'" in answer.headers["content-security-policy"]
        assert "server" not in answer.headers


def test_cors_allows_the_development_site_only(client):
    def preflight(origin):
        return client.options(
            "/api/v1/intakes",
            headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
        ).headers.get("access-control-allow-origin")

    assert preflight("http://127.0.0.1:8000") == "http://127.0.0.1:8000"
    assert preflight("https://evil.example") is None
