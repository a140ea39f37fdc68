"""Black-box: the real Rasa server and action server (started by scripts/run), the real intake
service (started from the main environment: `uv run python -m intake_api.dev`), talked to over
HTTP only, as the site's widget does. Ports are free ones, the intake database a temporary file.

Run by scripts/test; alone: .venv/bin/python -m pytest tests/blackbox (needs a trained model;
scripts/run trains if needed).
"""

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import requests

from vagut_chat.i18n import strings

CHATBOT_DIR = Path(__file__).resolve().parents[2]
REPO_ROOT = CHATBOT_DIR.parent
STARTUP_SECONDS = float(os.environ.get("CHATBOT_STARTUP_TIMEOUT", "300"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the process stopped:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError(f"{url} did not come up in {seconds:.0f} s:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("blackbox")
    token = secrets.token_hex(24)
    intake_port, smtp_port = free_port(), free_port()
    rasa_port, actions_port = free_port(), free_port()
    processes = []

    uv = shutil.which("uv") or str(Path.home() / ".local/bin/uv")
    if not (REPO_ROOT / "intake_api" / "dev.py").exists():
        pytest.fail("the intake service (intake_api/dev.py) is not in this repository yet")
    intake_log = tmp / "intake.log"
    intake_env = {
        **os.environ,
        "INTAKE_ENVIRONMENT": "development",
        "INTAKE_DATABASE_URL": f"sqlite:///{tmp / 'intake.db'}",
        "INTAKE_SERVICE_TOKEN": token,
        "INTAKE_SECRET_KEY": secrets.token_hex(32),
    }
    for key in ("VIRTUAL_ENV", "PYTHONPATH"):
        intake_env.pop(key, None)
    intake = subprocess.Popen(
        [uv, "run", "--frozen", "python", "-m", "intake_api.dev", "--port", str(intake_port),
         "--smtp-port", str(smtp_port)],
        cwd=REPO_ROOT, env=intake_env, stdout=intake_log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    processes.append(intake)

    chat_log = tmp / "chatbot.log"
    chat_env = {
        **os.environ,
        "CHATBOT_RASA_PORT": str(rasa_port),
        "CHATBOT_ACTIONS_PORT": str(actions_port),
        "VAGUT_INTAKE_URL": f"http://127.0.0.1:{intake_port}",
        "VAGUT_INTAKE_TOKEN": token,
        "RASA_TELEMETRY_ENABLED": "false",
    }
    chat = subprocess.Popen(
        [str(CHATBOT_DIR / "scripts" / "run")], cwd=CHATBOT_DIR, env=chat_env,
        stdout=chat_log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )
    processes.append(chat)
    try:
        wait_for(f"http://127.0.0.1:{intake_port}/api/openapi.json", intake, intake_log, 120)
        wait_for(f"http://127.0.0.1:{rasa_port}/", chat, chat_log, STARTUP_SECONDS)
        wait_for(f"http://127.0.0.1:{actions_port}/health", chat, chat_log, 60)
        yield {"rasa": f"http://127.0.0.1:{rasa_port}", "logs": [chat_log, intake_log]}
    finally:
        for process in reversed(processes):
            stop(process)


class Chat:
    """One conversation, as the widget holds it: a random sender id and the page's language."""

    sent = []  # every text sent in this test run, to look for in the logs afterwards

    def __init__(self, base: str, language: str):
        self.url = f"{base}/webhooks/rest/webhook"
        self.sender = uuid.uuid4().hex
        self.language = language

    def say(self, text: str, municipality: str = "") -> list:
        """`municipality`: the code of the municipality page the widget is on, as it sends it."""
        Chat.sent.append(text)
        metadata = {"language": self.language}
        if municipality:
            metadata["municipality"] = municipality
        response = requests.post(
            self.url,
            json={"sender": self.sender, "message": text, "metadata": metadata},
            timeout=60,
        )
        response.raise_for_status()
        return response.json()


def all_text(messages) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


@pytest.mark.parametrize(
    "language, text",
    [
        ("sv", "hjälp de hotar mig med kniv just nu"),
        ("en", "someone here has a gun and is threatening me"),
        ("ar", "شخص يهددني الآن بسكين"),
        ("so", "qof ayaa hadda i hanjabaya, mindi ayuu haystaa"),
    ],
)
def test_danger_gets_112_first(stack, language, text):
    replies = Chat(stack["rasa"], language).say(text)
    first = replies[0]["text"]
    assert re.search(r"\d[\d ]*\d", first).group(0) == "112", first


@pytest.mark.parametrize("language, text", [("sv", "xqzv blorp krrr"), ("fa", "ززز ققق ببب")])
def test_a_message_not_understood_gets_112_first_too(stack, language, text):
    replies = Chat(stack["rasa"], language).say(text)
    first = replies[0]["text"]
    assert re.search(r"\d[\d ]*\d", first).group(0) == "112", first
    assert "114 14" in all_text(replies)


def test_danger_reply_is_in_the_page_language(stack):
    replies = Chat(stack["rasa"], "ar").say("someone has a knife")
    assert "اتصل الآن بالرقم 112" in replies[0]["text"]


def test_the_persons_language_is_followed_when_plainly_another_than_the_pages(stack):
    """Issue 14: Arabic written on an English page was answered in English."""
    replies = all_text(Chat(stack["rasa"], "en").say("اخي الصغير صار يبيع مخدرات شو لازم اعمل"))
    assert re.search(r"[\u0600-\u06FF]", replies) and "you" not in replies.lower(), replies
    swedish = all_text(Chat(stack["rasa"], "tr").say("kan du svara på svenska istället?"))
    assert re.search(r"[åäö]", swedish), swedish


def test_osteraker_gives_its_number(stack):
    replies = Chat(stack["rasa"], "sv").say("osteraker")
    digits = re.sub(r"\D", "", all_text(replies))
    assert "0854081180" in digits


@pytest.mark.parametrize(
    "language, text",
    [
        ("en", "I want to get out of crime. I live in Åkersberga"),
        ("sv", "min son vill lämna gänget, vi bor i Åkersberga, vem ringer vi"),
        ("fr", "on habite au 184 40 et mon frère veut sortir de la bande"),
    ],
)
def test_a_question_that_names_a_place_is_answered_for_that_place(stack, language, text):
    """Issue 14: a place inside a sentence got the general answer."""
    replies = all_text(Chat(stack["rasa"], language).say(text))
    assert "0854081180" in re.sub(r"\D", "", replies), replies


def test_on_a_municipalitys_page_who_do_i_call_is_about_that_municipality(stack):
    """Issue 14: the widget sends the page's municipality; the chat asked which one."""
    replies = all_text(Chat(stack["rasa"], "en").say("who do I call?", municipality="2584"))
    assert "Kiruna" in replies and "114 14" in replies, replies


def test_a_relative_is_not_answered_as_the_person_leaving(stack):
    """Issue 14: "my brother wants to leave the gang" got "you do not have to do it alone"."""
    chat = Chat(stack["rasa"], "ar")
    replies = all_text(chat.say("أخي يريد أن يترك العصابة"))
    assert "جيد أنك تريد المساعدة" in replies, replies


def test_a_municipality_without_a_verified_contact_gets_the_national_way_in(stack):
    replies = Chat(stack["rasa"], "en").say("Kiruna")
    text = all_text(replies)
    assert "114 14" in text and "avhopparsamordningen" in text and "112" in text


def test_full_first_contact_in_arabic_reaches_the_intake_service(stack):
    chat = Chat(stack["rasa"], "ar")
    steps = [
        ("أريد التواصل مع البلدية دون ذكر اسمي", "/choose"),
        ('/choose{"choice":"relative"}', None),
        ("Haninge", "/choose"),
        ('/choose{"choice":"worried_about_child"}', "/choose"),
        ("عمره 15", "/choose"),
        ('/choose{"choice":"receipt_code"}', None),
        ("ابني يقضي وقته مع أشخاص أكبر منه ولديه هاتف إضافي", "/affirm"),
    ]
    for text, expected_payload in steps:
        replies = chat.say(text)
        assert replies, text
        if expected_payload:
            payloads = [b["payload"] for m in replies for b in m.get("buttons", [])]
            assert any(p.startswith(expected_payload) for p in payloads), (text, replies)
    summary = all_text(replies)
    assert "Haninge" in summary and "قريب أو صديق" in summary

    replies = chat.say("نعم")
    text = all_text(replies)
    code = re.search(r"رمز الإيصال الخاص بك: ([\d ]+)", text)
    assert code, text
    receipt = re.sub(r"\D", "", code.group(1))
    assert len(receipt) == 16
    assert re.search(r"VU-[A-Z0-9]{4}-[A-Z0-9]{4}", text)
    # About a child under 18: Haninge's line is for adults, so the way in for children instead.
    assert "086067050" not in re.sub(r"\D", "", text)
    assert "للأطفال والشباب" in text

    # Checking back with the code, in a new conversation, shows the case.
    later = Chat(stack["rasa"], "ar")
    later.say("عندي رمز إيصال")
    replies = later.say(code.group(1))
    assert "Haninge" in all_text(replies)


def first_number(replies) -> str:
    return re.search(r"\d[\d ]*\d", replies[0]["text"]).group(0)


def payloads(replies) -> list:
    return [b["payload"] for m in replies for b in m.get("buttons", [])]


@pytest.mark.parametrize(
    "language, start, danger, summary_role",
    [
        ("sv", "jag vill göra en anonym kontakt", "han e hemma nu med en pistol o hotar oss",
         "Anhörig eller vän"),
        ("ar", "أريد التواصل مع البلدية دون ذكر اسمي", "هو بالبيت هلق ومعه مسدس وعم يهددنا",
         "قريب أو صديق"),
    ],
)
def test_danger_in_the_middle_of_the_form_gets_112_first_and_the_form_goes_on(
    stack, language, start, danger, summary_role
):
    chat = Chat(stack["rasa"], language)
    chat.say(start)
    chat.say('/choose{"choice":"relative"}')
    chat.say("Haninge")  # now the form asks what it is about (step 3)

    replies = chat.say(danger)
    assert first_number(replies) == "112", replies
    assert "tel:112" in payloads(replies)
    assert "/resume" in payloads(replies)  # "go on where you were?"

    replies = chat.say("/resume")
    assert any(p.startswith('/choose{"choice":"worried_about_child"') for p in payloads(replies))
    chat.say('/choose{"choice":"worried_about_child"}')
    chat.say('/choose{"choice":"under_18"}')
    chat.say('/choose{"choice":"receipt_code"}')
    summary = all_text(chat.say('/choose{"choice":"skip"}'))
    assert "Haninge" in summary and summary_role in summary, summary  # nothing was lost


def test_danger_stays_in_the_conversation_and_the_form_does_not_start(stack):
    chat = Chat(stack["rasa"], "sv")
    assert first_number(chat.say("de står utanför med kniv")) == "112"
    for text in ("jag kan inte ringa, de hör mig", "vad ska jag göra",
                 "jag vill göra en anonym kontakt"):
        replies = chat.say(text)
        assert first_number(replies) == "112", (text, replies)
        assert not any(p.startswith("/choose") for p in payloads(replies)), text


@pytest.mark.parametrize(
    "language, text",
    [
        ("ar", "ما بدي عيش بعد هيك، تعبت من كل شي"),
        ("fa", "دیگه نمیخوام زنده باشم"),
        ("so", "ma rabo inaan noolaado"),
        ("tr", "artik yasamak istemiyorum"),
        ("sv", "alla vore bättre utan mig"),
    ],
)
def test_suicidal_thoughts_get_112_then_the_suicide_line_and_bris(stack, language, text):
    replies = Chat(stack["rasa"], language).say(text)
    assert first_number(replies) == "112", replies
    assert {"tel:112", "tel:90101", "tel:116111"} <= set(payloads(replies))
    assert "90101" in all_text(replies) and "116 111" in all_text(replies)


def test_danger_while_checking_back_pauses_it_and_it_goes_on(stack):
    chat = Chat(stack["rasa"], "ti")
    chat.say("/check_back")
    replies = chat.say("ሽጉጥ ሒዙ ይፈራርሓና ኣሎ")
    assert first_number(replies) == "112", replies
    replies = chat.say("/resume")
    assert "16" in all_text(replies)  # asks for the 16-digit receipt code again


@pytest.mark.parametrize("language", ["sv", "ar"])
def test_a_receipt_code_is_read_as_one_after_a_wrong_one_and_as_a_first_message(stack, language):
    """Issue 14: after one wrong code the next was read as a postal code, and a code pasted as
    the first message got "no municipality found". Both must go to the check-back."""
    table = strings(language)
    chat = Chat(stack["rasa"], language)
    chat.say("/check_back")
    for code in ("1111 2222 3333 4444", "5555666677778888"):
        replies = all_text(chat.say(code))
        assert table["action.checkback_not_found"] in replies, replies
        assert table["action.place_not_found"] not in replies
    pasted = Chat(stack["rasa"], language)
    replies = all_text(pasted.say("9999 8888 7777 6666"))
    assert table["action.checkback_not_found"] in replies, replies
    assert table["action.place_not_found"] not in replies


def test_a_misspelled_municipality_in_the_form_is_offered_to_confirm(stack):
    chat = Chat(stack["rasa"], "sv")
    chat.say("jag vill skriva anonymt till kommunen")
    chat.say('/choose{"choice":"relative"}')
    replies = chat.say("osterakr")
    payloads = [b["payload"] for m in replies for b in m.get("buttons", [])]
    assert '/inform_place{"municipality_code":"0117"}' in payloads, replies  # Österåker?


def test_a_place_named_in_arabic_script_is_offered_in_the_form(stack):
    chat = Chat(stack["rasa"], "ar")
    chat.say("أريد التواصل مع البلدية دون ذكر اسمي")
    chat.say('/choose{"choice":"relative"}')
    replies = chat.say("يوتيبوري")  # Göteborg, written as it sounds
    payloads = [b["payload"] for m in replies for b in m.get("buttons", [])]
    goteborg = '/inform_place{"municipality_code":"1480"}'
    assert goteborg in payloads, replies
    replies = chat.say(goteborg)  # the person confirms: the form goes on to the next question
    payloads = [b["payload"] for m in replies for b in m.get("buttons", [])]
    assert any(p.startswith("/choose") for p in payloads), replies


@pytest.mark.parametrize("language", ["ar", "ti", "ku", "fr"])
def test_the_greeting_and_the_menu_are_in_the_page_language(stack, language):
    """Buttons send payloads, and Rasa skips the NLU pipeline for them: the channel
    (components/channels.py) gives them the page's language, so nothing is Swedish here."""
    chat = Chat(stack["rasa"], language)
    table = strings(language)
    greeting = chat.say("/greet")
    assert table["reply.greet"] in all_text(greeting), greeting
    menu = chat.say("/faq")
    titles = [b["title"] for m in menu for b in m.get("buttons", [])]
    assert table["button.anonymous"] in titles, titles
    assert strings("sv")["button.anonymous"] not in titles


def test_cors_allows_the_local_site(stack):
    response = requests.options(
        f"{stack['rasa']}/webhooks/rest/webhook",
        headers={"Origin": "http://127.0.0.1:8000", "Access-Control-Request-Method": "POST"},
        timeout=10,
    )
    assert response.headers.get("Access-Control-Allow-Origin") == "http://127.0.0.1:8000"


def test_the_tracker_api_is_not_exposed(stack):
    response = requests.get(f"{stack['rasa']}/conversations/x/tracker", timeout=10)
    assert response.status_code in (403, 404, 405)


def test_zz_no_message_text_in_the_logs(stack):
    """Runs last (by name): nothing anyone wrote appears in the servers' logs."""
    logs = "\n".join(path.read_text(encoding="utf-8", errors="replace") for path in stack["logs"])
    free_text = [t for t in Chat.sent if not t.startswith("/") and len(t) > 12]
    assert free_text
    leaked = [t for t in free_text if t in logs]
    assert leaked == []
