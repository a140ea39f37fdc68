"""Nobody is locked out by someone else: under a flood of wrong receipt codes or of first
contacts, the real person's check-back and first contact still get through, the flooder's own
requests get dearer, and the coordinators get a digest instead of a mail per intake."""

import concurrent.futures
import datetime as dt
import re
import time

import httpx
import pytest

from intake_api import limits, worker
from intake_api.clock import hour_of, utcnow
from intake_api.models import Intake
from tests.intake_api.helpers import intake_body, mail_text, proof_headers, service_headers


def _wrong(code: str) -> str:
    return "1" * 16 if code != "1" * 16 else "2" * 16


def _difficulty(client, purpose: str) -> int:
    return client.get("/api/v1/challenges", params={"for": purpose}).json()["difficulty"]


def _form_token(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]+)"', page).group(1)


def test_after_60_wrong_codes_in_a_minute_the_right_code_reads_its_thread_at_once(
    client, staff, settings
):
    settings.calm_wrong_codes_per_minute = 5
    sent = client.post(
        "/api/v1/intakes", json=intake_body(message="Hej"), headers=service_headers()
    )
    code = sent.json()["receipt_code"]
    before_the_flood = proof_headers(client, "checkback")
    calm = _difficulty(client, "checkback")
    assert calm == settings.pow_difficulty_bits

    # Through the chatbot, 60 wrong codes (and malformed ones, which cost the server nothing):
    # they price the chatbot's path only, never a browser's proof.
    for guess in [_wrong(code), "123", "abcd" * 4] * 20:
        answer = client.post("/api/v1/followups/read", json={"receipt_code": guess},
                             headers=service_headers())  # fmt: skip
        assert (answer.status_code, answer.json()["code"]) == (403, "wrong_receipt_code")
    assert _difficulty(client, "checkback") == calm
    # With a proof of work each: the flooder's next proof is dearer (one bit per doubling of the
    # rate above the calm rate, at most INTAKE_POW_MAX_EXTRA_BITS) ...
    for _ in range(60):
        answer = client.post("/api/v1/followups/read", json={"receipt_code": _wrong(code)},
                             headers=proof_headers(client, "checkback"))  # fmt: skip
        assert (answer.status_code, answer.json()["code"]) == (403, "wrong_receipt_code")
    assert _difficulty(client, "checkback") == calm + 4  # 60 / 5 = 12: ceil(log2 12) = 4
    # ... and a cheap proof fetched before the flood no longer counts: fetch another.
    outdated = client.post("/api/v1/followups/read", json={"receipt_code": code},
                           headers=before_the_flood)  # fmt: skip
    assert (outdated.status_code, outdated.json()["code"]) == (403, "challenge_outdated")

    # The person with the right code: through the chat, with a proof, and on the form.
    started = time.monotonic()
    for headers in (service_headers(), proof_headers(client, "checkback")):
        thread = client.post("/api/v1/followups/read", json={"receipt_code": code}, headers=headers)
        assert thread.status_code == 200 and thread.json()["messages"][0]["message"] == "Hej"
    page = client.get("/api/v1/form?lang=sv").text
    check = {"receipt_code": code, "check_token": _form_token(page, "check_token")}
    assert client.post("/api/v1/form/check", data=check).status_code == 200
    assert time.monotonic() - started < 5
    # Intakes are priced by their own load, not by the guessing.
    assert _difficulty(client, "intake") == settings.pow_difficulty_bits


def test_the_no_javascript_forms_wait_grows_with_its_own_load_and_holds_what_was_typed(
    client, staff, settings, session
):
    settings.form_min_seconds = 2.0
    settings.calm_intakes_per_minute = 2
    page = client.get("/api/v1/form?lang=en").text
    form = {"form_token": _form_token(page, "form_token"), "lang": "en",
            "municipality_code": "0136", "role": "self", "concern": "leaving_crime",
            "age_group": "adult", "contact_method": "receipt_code", "language": "en",
            "message": "Please do not lose this"}  # fmt: skip
    too_fast = client.post("/api/v1/form", data=form)
    assert too_fast.status_code == 429 and "Please do not lose this" in too_fast.text
    assert int(too_fast.headers.get("retry-after", "1")) >= 1

    for _ in range(8):  # through the chatbot: the form's wait does not change
        client.post("/api/v1/intakes", json=intake_body(), headers=service_headers())
    assert limits.form_wait_seconds(session, settings, limits.Purpose.intake) == 2.0
    for _ in range(8):  # through the form, 4 times the calm rate: a wait 4 times as long
        limits.reserve_intake(session, settings, limits.Path.form)
    session.commit()
    assert limits.form_wait_seconds(session, settings, limits.Purpose.intake) == 8.0
    settings.form_max_wait_seconds = 5.0
    assert limits.form_wait_seconds(session, settings, limits.Purpose.intake) == 5.0


def test_600_form_posts_leave_a_real_intake_through_and_the_coordinator_a_digest(
    client, staff, settings, session, smtp
):
    settings.burst_intakes_per_hour = 5
    settings.notifications_per_hour = 3
    for _ in range(600):
        page = client.get("/api/v1/form").text
        flood = {"form_token": _form_token(page, "form_token"), "municipality_code": "0136",
                 "role": "self", "concern": "other", "age_group": "unknown",
                 "contact_method": "receipt_code", "message": "spam"}  # fmt: skip
        assert client.post("/api/v1/form", data=flood).status_code == 201

    real = client.post("/api/v1/intakes", json=intake_body(message="Jag behöver hjälp"),
                       headers=proof_headers(client, "intake"))  # fmt: skip
    assert real.status_code == 201
    # The flood prices the form (its wait), not the person's proof of work.
    assert limits.price_bits(session, settings, limits.Purpose.intake, limits.Path.form) > 0
    session.rollback()  # SQLite's one connection, back to the pool for the request below
    assert _difficulty(client, "intake") == settings.pow_difficulty_bits

    # The coordinator: a mail for each of the first three, then one digest when the hour ends.
    assert worker.send_due_mail(session, settings) == 3
    end_of_hour = hour_of(utcnow()) + dt.timedelta(hours=1, seconds=1)
    assert worker.send_due_mail(session, settings, end_of_hour) == 1
    assert smtp.wait_for(4, timeout=10)
    haninge = [m for m in smtp.messages if m["To"] == "haninge@example.org"]
    assert len(haninge) == 4
    digest = mail_text(haninge[-1])
    assert "598" in haninge[-1]["Subject"]  # 601 less the three mailed one by one
    assert "Haninge: 598" in digest and "595" in digest  # arrived in the burst
    assert "spam" not in digest and "hjälp" not in digest

    stored = session.query(Intake).filter_by(municipality_code="0136").count()
    assert stored == 601  # kept, not dropped
    assert session.query(Intake).filter_by(burst=True).count() == 595
    # The person paid a proof of work: theirs is not marked, so closing the burst spares it.
    person = session.query(Intake).filter_by(reference=real.json()["reference"]).one()
    assert person.burst is False


def test_each_way_in_has_its_own_storage_ceiling(client, staff, settings):
    settings.max_intakes_per_day_from_chat = 3
    for _ in range(3):
        assert client.post("/api/v1/intakes", json=intake_body(),
                           headers=service_headers()).status_code == 201  # fmt: skip
    full = client.post("/api/v1/intakes", json=intake_body(), headers=service_headers())
    assert (full.status_code, full.json()["code"]) == (503, "service_full")
    assert "112" in full.json()["detail"]
    with_proof = client.post("/api/v1/intakes", json=intake_body(),
                             headers=proof_headers(client, "intake"))  # fmt: skip
    assert with_proof.status_code == 201
    page = client.get("/api/v1/form").text
    by_form = {"form_token": _form_token(page, "form_token"), "municipality_code": "0136",
               "role": "self", "concern": "other", "age_group": "unknown",
               "contact_method": "receipt_code"}  # fmt: skip
    assert client.post("/api/v1/form", data=by_form).status_code == 201


def test_the_ceiling_holds_exactly_under_concurrency(live_server, staff, settings):
    """Check and count are one statement: 20 at once against 10 places gives 10, not 12."""
    url, _log = live_server
    settings.max_intakes_per_day_from_chat = 10

    def send(_: int) -> int:
        return httpx.post(f"{url}/api/v1/intakes", json=intake_body(),
                          headers=service_headers(), timeout=30).status_code  # fmt: skip

    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        statuses = list(pool.map(send, range(20)))
    assert statuses.count(201) == 10 and statuses.count(503) == 10


@pytest.mark.parametrize("purpose", ["intake", "checkback"])
def test_a_challenge_for_one_purpose_does_not_serve_another(client, staff, purpose):
    other = {"intake": "checkback", "checkback": "intake"}[purpose]
    proof = proof_headers(client, other)
    if purpose == "intake":
        answer = client.post("/api/v1/intakes", json=intake_body(), headers=proof)
    else:
        answer = client.post("/api/v1/followups/read", json={"receipt_code": "1" * 16},
                             headers=proof)  # fmt: skip
    assert (answer.status_code, answer.json()["code"]) == (403, "challenge_invalid")


def test_the_worker_clears_counters_of_days_before_yesterday(session):
    from intake_api.models import Counter

    today = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    old, recent = today - dt.timedelta(days=3), today - dt.timedelta(days=1)
    session.add_all([Counter(name="intake:form", window=old, count=9),
                     Counter(name="intake:form", window=recent, count=7)])  # fmt: skip
    session.commit()
    worker.delete_expired(session)
    assert [c.window for c in session.query(Counter)] == [recent]


def test_a_sent_digest_is_not_kept(client, staff, settings, session, smtp):
    from intake_api.models import OutboxMail

    settings.notifications_per_hour = 0  # every new intake folds into the digest
    client.post("/api/v1/intakes", json=intake_body(), headers=service_headers())
    end_of_hour = hour_of(utcnow()) + dt.timedelta(hours=1, seconds=1)
    assert worker.send_due_mail(session, settings, end_of_hour) == 1
    assert session.query(OutboxMail).filter_by(kind="digest").count() == 1
    worker.delete_expired(session)
    assert session.query(OutboxMail).filter_by(kind="digest").count() == 0
