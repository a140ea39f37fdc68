"""What a breach would find: canary values sent in every way a person could leak them must be
nowhere in the database (SQLite files, a pg_dump), the mail, or the logs of a real uvicorn."""

import datetime as dt

import httpx
from sqlalchemy import text

from intake_api import worker
from tests.intake_api.helpers import intake_body, login, mail_text, service_headers

CANARY_MESSAGE = "kanariefagel-meddelande-7f3a9"
CANARY_PHONE = "+46 70 173 49 56"
CANARY_PHONE_DIGITS = "701734956"
CANARY_REPLY = "kanariefagel-svar-c0ffee"
CANARY_FOLLOWUP = "kanariefagel-uppfoljning-b4d"
CANARY_IP = "203.0.113.77"
CANARY_AGENT = "KanarieAgent/9.9 (canary-ua-51d)"
CANARIES = [
    CANARY_MESSAGE,
    CANARY_PHONE_DIGITS,
    CANARY_REPLY,
    CANARY_FOLLOWUP,
    CANARY_IP,
    CANARY_AGENT,
    "canary-ua-51d",
]


def test_canaries_are_nowhere_in_database_mail_or_logs(
    live_server, database, settings, second_factors, smtp, client, capfd
):
    base, logs = live_server
    tracking = {"X-Forwarded-For": CANARY_IP, "X-Real-IP": CANARY_IP, "User-Agent": CANARY_AGENT}
    with httpx.Client(base_url=base, headers=tracking, timeout=30) as http:
        body = intake_body(message=CANARY_MESSAGE, contact_method="phone", phone=CANARY_PHONE)
        created = http.post("/api/v1/intakes", json=body, headers=service_headers())
        assert created.status_code == 201, created.text
        code = created.json()["receipt_code"]
        reference = created.json()["reference"]

        staff_headers = login(client, "haninge")
        detail = http.get(f"/api/v1/coordinator/intakes/{reference}", headers=staff_headers)
        assert detail.json()["phone"] == CANARY_PHONE
        assert detail.json()["messages"][0]["message"] == CANARY_MESSAGE
        reply = {"message": CANARY_REPLY}
        url = f"/api/v1/coordinator/intakes/{reference}/replies"
        assert http.post(url, json=reply, headers=staff_headers).status_code == 201
        followup = {"receipt_code": code, "message": CANARY_FOLLOWUP}
        assert (
            http.post(
                "/api/v1/followups/messages", json=followup, headers=service_headers()
            ).status_code
            == 201
        )
        thread = http.post(
            "/api/v1/followups/read", json={"receipt_code": code}, headers=service_headers()
        ).json()
        assert [m["message"] for m in thread["messages"]] == [
            CANARY_MESSAGE,
            CANARY_REPLY,
            CANARY_FOLLOWUP,
        ]
        # Error paths too: a canary in a malformed body, in a wrong code, in a bad phone.
        http.post("/api/v1/intakes", content=f'{{"m": "{CANARY_MESSAGE}', headers=service_headers())
        http.post(
            "/api/v1/followups/read",
            json={"receipt_code": CANARY_MESSAGE},
            headers=service_headers(),
        )
        bad_phone = intake_body(contact_method="phone", phone=CANARY_AGENT)
        assert http.post(
            "/api/v1/intakes", json=bad_phone, headers=service_headers()
        ).is_client_error

    assert worker.send_due_mail(database_session(settings), settings) >= 2
    mails = "\n".join(mail_text(m) for m in smtp.messages)
    assert reference in mails

    stored = database.raw_bytes()
    assert reference.encode() in stored  # the search does see what is stored in clear
    output = capfd.readouterr()
    everything = {
        "database": stored.decode("utf-8", "replace"),
        "mail": mails,
        "logs": "\n".join(logs.lines) + output.out + output.err,
    }
    assert any("uvicorn" in line for line in logs.lines)  # the collector did hear the server
    for canary in CANARIES:
        for where, content in everything.items():
            assert canary not in content, f"{canary!r} found in {where}"
        assert canary.encode("utf-16-le") not in stored


def database_session(settings):
    from intake_api.db import get_sessionmaker

    return get_sessionmaker(settings.database_url)()


def test_stored_times_are_rounded_to_the_hour(client, staff, session):
    assert client.post("/api/v1/intakes", json=intake_body(), headers=service_headers()).is_success
    hours = session.execute(text("SELECT created_hour, expires_hour FROM intakes")).one()
    message_hour = session.execute(text("SELECT created_hour FROM messages")).scalar_one()
    for value in (*hours, message_hour):
        moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
        assert (moment.minute, moment.second, moment.microsecond) == (0, 0, 0)


def test_retention_warns_then_deletes_everything(client, staff, session, settings, database):
    body = intake_body(message=CANARY_MESSAGE)
    code = client.post("/api/v1/intakes", json=body, headers=service_headers()).json()[
        "receipt_code"
    ]
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert worker.queue_retention_warnings(session, settings, now) == 0
    soon = now + dt.timedelta(days=settings.retention_days - settings.retention_warning_days + 1)
    assert worker.queue_retention_warnings(session, settings, soon) == 1
    subjects = session.execute(text("SELECT subject FROM outbox")).scalars().all()
    assert any(subject.startswith("Tas bort snart") for subject in subjects)
    assert worker.queue_retention_warnings(session, settings, soon) == 0  # once

    later = now + dt.timedelta(days=settings.retention_days, hours=2)
    assert worker.delete_expired(session, later) == 1
    for table in ("intakes", "messages", "intake_keys", "outbox"):
        assert session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 0
    session.commit()  # hand the connection back: SQLite has one per process
    gone = client.post(
        "/api/v1/followups/read", json={"receipt_code": code}, headers=service_headers()
    )
    assert gone.json()["code"] == "wrong_receipt_code"  # the code expired with its intake
    if database.kind == "sqlite":
        assert session.execute(text("PRAGMA secure_delete")).scalar_one() == 1
        session.close()
        assert CANARY_MESSAGE.encode() not in database.raw_bytes()
