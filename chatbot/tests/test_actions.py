"""The custom actions, run as the action server runs them: a Tracker from a JSON snapshot and a
CollectingDispatcher. The intake service is either a real closed port (down) or a small local
HTTP server that answers like the contract says (the real service is in the black-box test)."""

import asyncio
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.checkback import ActionCheckBack, ValidateCheckbackForm
from actions.common import choice_titles
from actions.contact_form import (
    ActionAskMunicipalityCode,
    ActionCancelContact,
    ActionChangeField,
    ActionContactSummary,
    ActionSubmitIntake,
    ValidateContactForm,
    parse_phone,
)
from actions.municipality import ActionFindMunicipality, ActionLocalContact
from vagut_chat import places
from vagut_chat.choices import match_choice
from vagut_chat.receipt_codes import find_receipt_code
from vagut_chat.i18n import t


def run(action, tracker, domain):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain))
    return dispatcher.messages, events


def texts(messages):
    return "\n".join(m.get("text") or "" for m in messages)


def digits(text):
    return re.sub(r"\D", "", text)


def slots(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


# --- language ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "metadata, text, current, expected",
    [
        ({"language": "ar"}, "hej", "sv", "ar"),  # the page's language wins
        ({"language": "ckb"}, "hello", "sv", "ku"),
        ({}, "مرحبا", "sv", "ar"),
        ({}, "سڵاو، دەمەوێت تاوان جێبهێڵم", "sv", "ku"),
        ({}, "ሰላም", "sv", "ti"),
        ({}, "Haninge", "so", "so"),  # nothing to go on: keep the language
        # The person's language, when plainly another than the page's (issue 14):
        ({"language": "en"}, "اخي الصغير صار يبيع مخدرات شو لازم اعمل", "en", "ar"),
        ({"language": "tr"}, "kan du svara på svenska istället?", "tr", "sv"),
        ({"language": "sv"}, "ሓወይ ኣብ kiruna እዩ ዝነብር", "sv", "ti"),
        ({"language": "ar"}, "i want to leave the gang and i need help", "ar", "en"),
        # ... but not for a place name, a word or two, or between the Arabic-script languages:
        ({"language": "en"}, "I want to get out of crime. I live in Åkersberga", "en", "en"),
        ({"language": "en"}, "Österåker", "en", "en"),
        ({"language": "es"}, "hej", "es", "es"),
        ({"language": "fa"}, "برادرم تو گوتنبرگ زندگی میکنه", "fa", "fa"),
        # Persian's own letters (ی گ) and none of Arabic's (ي ك ة), in a sentence: Persian.
        ({"language": "ar"}, "برادرم تو گوتنبرگ زندگی میکنه", "ar", "fa"),
        ({"language": "ar"}, "ئەمە نهێنییە", "ar", "ku"),  # Sorani's own letters
        ({"language": "ar"}, "Haninge", "ar", "ar"),
        ({"language": "xx"}, "i want to leave the gang", "sv", "en"),
    ],
)
def test_language_slot(metadata, text, current, expected):
    """What components.language puts in the `language` entity, and so in the slot (the slot
    keeps its value when there is no entity)."""
    from rasa.shared.nlu.training_data.message import Message

    from components.language import PageLanguage

    message = Message(data={"text": text, "metadata": metadata})
    PageLanguage({}).process([message])
    found = [e["value"] for e in message.get("entities") or [] if e["entity"] == "language"]
    assert (found[0] if found else current) == expected


# --- municipality -----------------------------------------------------------------------------


def test_osteraker_gives_the_verified_number(tracker_from, domain):
    tracker = tracker_from("start", text="osteraker", intent="inform_place")
    messages, events = run(ActionFindMunicipality(), tracker, domain)
    assert "0854081180" in digits(texts(messages))
    assert "112" in texts(messages)
    assert slots(events) == {"municipality_code": "0117"}


def test_haninge_in_arabic_gives_number_and_email(tracker_from, domain):
    tracker = tracker_from("start", text="Haninge", intent="inform_place", slots={"language": "ar"})
    messages, _ = run(ActionFindMunicipality(), tracker, domain)
    assert "086067050" in digits(texts(messages))
    assert "lamnakrim@haninge.se" in texts(messages)
    assert "هكذا تتواصل مع Haninge" in texts(messages)


@pytest.mark.parametrize(
    "text, lang, code",
    [
        ("I want to get out of crime. I live in Åkersberga", "en", "0117"),
        ("malmoda yasiyoruz kuzenim ceteden cikmak istiyor kimi arasin", "tr", "1280"),
        ("ሓወይ ኣብ kiruna እዩ ዝነብር ካብ ጉጅለ ክወጽእ ይደሊ", "ti", "2584"),
        ("براکەم لە sodertalje دەژی و دەیەوێت واز بهێنێت", "ku", "0181"),
        ("برادرم تو goteborg زندگی میکنه و میخواد از باند بیرون بیاد", "fa", "1480"),
        ("on habite au 137 40, qui appeler ?", "fr", "0136"),
        ("min son hänger med fel gäng i Rinkeby, vad gör jag", "sv", "0180"),
    ],
)
def test_a_question_that_names_a_place_gets_that_places_contacts(
    tracker_from, domain, text, lang, code
):
    tracker = tracker_from("start", text=text, intent="leave_crime", slots={"language": lang})
    messages, events = run(ActionLocalContact(), tracker, domain)
    assert texts(messages).startswith(t(lang, "action.always"))  # 112 first
    assert places.municipalities()[code].name in texts(messages)
    assert slots(events) == {"municipality_code": code}


@pytest.mark.parametrize(
    "text", ["jag vill hoppa av", "glöm det bara", "my son is in a gang, what do i do", "/faq"]
)
def test_a_question_without_a_place_gets_nothing_more(tracker_from, domain, text):
    tracker = tracker_from("start", text=text, intent="leave_crime", slots={"language": "sv"})
    messages, events = run(ActionLocalContact(), tracker, domain)
    assert messages == [] and events == []


def test_who_do_i_call_on_a_municipalitys_page_is_about_that_municipality(tracker_from, domain):
    tracker = tracker_from("start", text="who do i call", intent="ask_contact",
                           slots={"language": "en"}, metadata={"language": "en",
                                                               "municipality": "2584"})
    messages, events = run(ActionFindMunicipality(), tracker, domain)
    assert "Kiruna" in texts(messages) and slots(events) == {"municipality_code": "2584"}
    assert texts(messages).startswith(t("en", "action.always"))


def test_the_form_on_a_municipalitys_page_offers_that_municipality(tracker_from, domain):
    tracker = tracker_from("start", text="/start_contact", slots={"language": "sv"},
                           metadata={"language": "sv", "municipality": "2584"})
    messages, _ = run(ActionAskMunicipalityCode(), tracker, domain)
    assert messages[0]["text"] == t("sv", "action.place_confirm", municipality="Kiruna")
    assert messages[0]["buttons"][0]["payload"] == '/inform_place{"municipality_code":"2584"}'


def test_social_services_only_are_given_with_the_national_way_in_too(tracker_from, domain):
    """Issue 15: where the data holds social services or the socialjour but no line for leaving
    crime, the chat gives them, labelled, and still the way in through 114 14."""
    code = next(c for c, m in places.municipalities().items() if m.contacts and not m.dedicated)
    municipality = places.municipalities()[code]
    tracker = tracker_from("start", text=municipality.name, intent="inform_place",
                           slots={"language": "en"})  # fmt: skip
    messages, _ = run(ActionFindMunicipality(), tracker, domain)
    text = texts(messages)
    assert text.startswith(t("en", "action.always")) and "114 14" in text
    for contact in municipality.contacts:
        assert t("en", f"action.serves_{contact.serves}") in text
        assert not contact.phone_display or contact.phone_display in text


def test_no_verified_contact_gives_the_national_way_in(tracker_from, domain):
    tracker = tracker_from("start", text="Kiruna", intent="inform_place", slots={"language": "en"})
    messages, events = run(ActionFindMunicipality(), tracker, domain)
    text = texts(messages)
    assert "114 14" in text and "avhopparsamordningen" in text and "112" in text
    assert slots(events) == {"municipality_code": "2584"}


@pytest.mark.parametrize("place", ["Kiruna", "Österåker"])
@pytest.mark.parametrize("lang", ["sv", "en", "ar", "fa", "so", "ti", "ku", "tr", "es", "fr"])
def test_a_municipalitys_contacts_put_112_first(tracker_from, domain, place, lang):
    tracker = tracker_from("start", text=place, intent="inform_place", slots={"language": lang})
    messages, _ = run(ActionFindMunicipality(), tracker, domain)
    assert "112" in messages[0]["text"]


# --- who reads a first contact (issues 11 and 16) ----------------------------------------------


def test_where_the_municipality_has_no_coordinator_the_offer_names_the_national_one(
    tracker_from, domain
):
    tracker = tracker_from("start", text="Kiruna", intent="inform_place", slots={"language": "sv"})
    text = texts(run(ActionFindMunicipality(), tracker, domain)[0])
    assert t("sv", "action.reader_fallback", municipality="Kiruna") in text
    assert "Väg uts nationella samordnare" in text and "samordnaren i Kiruna" not in text


@pytest.mark.parametrize("lang", ["sv", "ar", "ti"])
def test_where_the_municipality_has_its_own_coordinator_the_offer_names_it(
    tracker_from, domain, lang
):
    tracker = tracker_from("start", text="Haninge", intent="inform_place", slots={"language": lang})
    text = texts(run(ActionFindMunicipality(), tracker, domain)[0])
    assert t(lang, "action.reader_local", municipality="Haninge") in text
    assert t(lang, "action.reader_fallback", municipality="Haninge") not in text


def test_only_haninge_and_osteraker_have_their_own_coordinator():
    known = places.municipalities()
    local = sorted(known[code].name for code in known if places.has_local_coordinator(code))
    assert local == ["Haninge", "Österåker"]


def test_the_summary_says_who_will_read_it(tracker_from, domain):
    haninge = run(ActionContactSummary(), tracker_from("contact_summary"), domain)[0][-1]["text"]
    assert t("ar", "action.reader_local", municipality="Haninge") in haninge
    kiruna_tracker = tracker_from("contact_summary", slots={"municipality_code": "2584"})
    kiruna = run(ActionContactSummary(), kiruna_tracker, domain)[0][-1]["text"]
    assert t("ar", "action.reader_fallback", municipality="Kiruna") in kiruna
    assert t("ar", "action.reader_local", municipality="Kiruna") not in kiruna


def test_a_typo_asks_for_confirmation_with_buttons(tracker_from, domain):
    tracker = tracker_from("start", text="osterakr", intent="inform_place")
    messages, events = run(ActionFindMunicipality(), tracker, domain)
    assert events == []
    assert "Menar du Österåker?" in texts(messages)
    payloads = [b["payload"] for m in messages for b in m.get("buttons", [])]
    assert '/inform_place{"municipality_code":"0117"}' in payloads


def test_a_name_in_arabic_script_asks_for_confirmation_in_arabic(tracker_from, domain):
    tracker = tracker_from("start", text="انا في مالمو", intent="inform_place",
                           slots={"language": "ar"})
    messages, events = run(ActionFindMunicipality(), tracker, domain)
    assert events == []
    payloads = [b["payload"] for m in messages for b in m.get("buttons", [])]
    assert '/inform_place{"municipality_code":"1280"}' in payloads  # Malmö, to confirm
    assert "Malmö" in texts(messages)


def test_a_confirmation_button_is_trusted(tracker_from, domain):
    tracker = tracker_from(
        "start",
        text='/inform_place{"municipality_code":"0117"}',
        intent="inform_place",
        entities=[{"entity": "municipality_code", "value": "0117"}],
    )
    messages, events = run(ActionFindMunicipality(), tracker, domain)
    assert slots(events) == {"municipality_code": "0117"}


def test_asking_without_a_place_asks_for_one(tracker_from, domain):
    tracker = tracker_from("start", text="vem kan jag ringa", intent="ask_contact")
    messages, events = run(ActionFindMunicipality(), tracker, domain)
    assert messages[0]["response"] == "utter_ask_place" and events == []


# --- the form ---------------------------------------------------------------------------------


def test_typed_answers_map_to_choices():
    assert match_choice("role", "jag är mamma", choice_titles("role")) == "relative"
    assert match_choice("role", "Relative or friend", choice_titles("role")) == "relative"
    assert match_choice("role", "2", choice_titles("role")) == "relative"
    assert match_choice("age_group", "han är 15", choice_titles("age_group")) == "under_18"
    assert match_choice("age_group", "أقل من 18", choice_titles("age_group")) == "under_18"
    assert match_choice("contact_method", "ring mig", choice_titles("contact_method")) == "phone"
    assert match_choice("concern", "banana", choice_titles("concern")) is None
    # What issue 14 saw refused again and again:
    assert match_choice("contact_method", "kvittokod", choice_titles("contact_method")) == (
        "receipt_code")  # fmt: skip
    for text in ("soy la tía de un chico de 17", "jag är hans moster", "I am his aunt",
                 "je suis sa voisine", "teyzesiyim", "انا عمته"):  # fmt: skip
        assert match_choice("role", text, choice_titles("role")) == "relative", text


def test_form_takes_the_municipality_by_name(tracker_from, domain):
    tracker = tracker_from("in_form")
    dispatcher = CollectingDispatcher()
    result = asyncio.run(
        ValidateContactForm().extract_municipality_code(dispatcher, tracker, domain)
    )
    assert result == {"municipality_code": "0117", "place_candidates": None}


def test_form_offers_a_municipality_named_in_arabic_script(tracker_from, domain):
    tracker = tracker_from("in_form", text="يوتيبوري", slots={"language": "ar"})
    result = asyncio.run(
        ValidateContactForm().extract_municipality_code(CollectingDispatcher(), tracker, domain)
    )
    assert result["municipality_code"] is None
    assert result["place_candidates"][0] == "1480"  # Göteborg, offered as a button


def test_the_whole_form_validation_passes_the_place_candidates_on(tracker_from, domain):
    """Through rasa_sdk's own run(), which keeps only the form's slots unless told."""
    tracker = tracker_from("in_form", text="osterakr", slots={"language": "sv"})
    events = asyncio.run(ValidateContactForm().run(CollectingDispatcher(), tracker, domain))
    assert slots(events)["place_candidates"][0] == "0117"  # Österåker, to offer as a button
    assert slots(events)["municipality_code"] is None


def test_form_asks_again_on_an_unknown_answer(tracker_from, domain):
    tracker = tracker_from("in_form", text="banana", slots={"requested_slot": "concern"})
    dispatcher = CollectingDispatcher()
    result = asyncio.run(ValidateContactForm().extract_concern(dispatcher, tracker, domain))
    assert result == {"concern": None}
    assert "Please pick one of the options" in dispatcher.messages[0]["text"]


@pytest.mark.parametrize(
    ("slot", "text", "intent", "expected"),
    [
        ("concern", "قلقانة على ابني", "worried_child", "worried_about_child"),
        ("concern", "vill bli hederlig", "leave_crime", "leaving_crime"),
        ("role", "oğlum için yazıyorum", "worried_child", "relative"),
        ("role", "ገበን ክገድፍ እደሊ", "leave_crime", "self"),
    ],
)
def test_a_typed_answer_no_keyword_matched_is_read_by_its_intent(
    tracker_from, domain, slot, text, intent, expected
):
    """Issue 14: in every language, what people type for an option is accepted."""
    tracker = tracker_from("in_form", text=text, intent=intent, slots={"requested_slot": slot})
    dispatcher = CollectingDispatcher()
    result = asyncio.run(getattr(ValidateContactForm(), f"extract_{slot}")(dispatcher, tracker, domain))
    assert result == {slot: expected} and dispatcher.messages == []


def test_an_answer_typed_in_a_sentence_is_taken_after_the_line_with_112(tracker_from, domain):
    """Issue 10: more words than an answer may hide danger nobody listed; 112 leads."""
    text = "han är 16 och de tog honom i en bil"
    tracker = tracker_from("in_form", text=text, slots={"requested_slot": "age_group"})
    dispatcher = CollectingDispatcher()
    result = asyncio.run(ValidateContactForm().extract_age_group(dispatcher, tracker, domain))
    assert result == {"age_group": "under_18"}
    assert [m["text"] for m in dispatcher.messages] == [t("en", "action.always")]


def test_a_short_answer_the_classifier_took_for_danger_is_taken_after_112(tracker_from, domain):
    """The danger policy lets the form take a plain option that only the classifier read as
    danger ("انا نفسي", myself); the form puts 112 before it, however short."""
    tracker = tracker_from("in_form", text="انا نفسي", intent="danger",
                           slots={"requested_slot": "role"})
    dispatcher = CollectingDispatcher()
    result = asyncio.run(ValidateContactForm().extract_role(dispatcher, tracker, domain))
    assert result == {"role": "self"}
    assert [m["text"] for m in dispatcher.messages] == [t("en", "action.always")]


@pytest.mark.parametrize(
    ("slot", "text", "expected"),
    [
        ("role", "أنا أشتغل مدرس بمدرسة", "professional"),
        ("role", "دوستشم", "relative"),
        ("role", "annesiyim", "relative"),
        ("role", "saaxiibkiis ayaan ahay", "relative"),
        ("role", "ዓርኩ እየ", "relative"),
        ("concern", "شتێکی تر", "other"),
        ("concern", "oğlum çeteye karıştı", "worried_about_child"),
        ("age_group", "فوق ال ١٨", "adult"),
        ("age_group", "ka yar 18", "under_18"),
        ("age_group", "ما اعرف عمره", "unknown"),
        ("contact_method", "اتصلوا فيني", "phone"),
        ("contact_method", "llámame", "phone"),
        ("contact_method", "ring inte, jag vill ha kod", "receipt_code"),
        ("contact_method", "لا تتصلوا، رمز الإيصال أحسن", "receipt_code"),
        ("contact_method", "ኣይትደውሉለይ፡ ኮድ ይሓይሽ", "receipt_code"),
        ("contact_method", "aramayın, kod istiyorum", "receipt_code"),
        ("contact_method", "ring inte, han hör", None),
    ],
)
def test_typed_answers_with_their_grammar_and_negations(slot, text, expected):
    """Issue 14: suffixes and prefixes (annesi-yim, بـ-رمز), other digits, "don't call"."""
    assert match_choice(slot, text, choice_titles(slot)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("femton", "under_18"), ("sjutton år", "under_18"), ("seventeen", "under_18"),
        ("tiene dieciséis", "under_18"), ("dix-sept ans", "under_18"), ("on yedi yasinda", "under_18"),
        ("lix iyo toban jir", "under_18"), ("خمستعش سنة", "under_18"), ("عمره سبعتاشر", "under_18"),
        ("شونزده سالشه", "under_18"), ("پازدە ساڵ", "under_18"), ("ዓሰርተ ሓሙሽተ", "under_18"),
        ("dix huit", "adult"), ("tjugotre", "adult"), ("veintidós años", "adult"),
        ("nineteen", "adult"), ("ዓቢ ሰብ እዩ", "adult"), ("بزرگسال", "adult"),
    ],
)
def test_ages_written_in_words(text, expected):
    assert match_choice("age_group", text, choice_titles("age_group")) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("yo", "self"), ("soy yo", "self"), ("انا", "self"), ("ez bi xwe", "self"), ("ኣነ", "self"),
     ("انا امه", "relative"), ("ez diya wî me", "relative"), ("moi je suis sa mère", "relative"),
     ("un pote à lui", "relative"), ("sa sœur", "relative"), ("walaashiis", "relative"),
     ("ሓብቱ እየ", "relative")],
)
def test_i_alone_is_myself_and_i_am_his_mother_is_a_relative(text, expected):
    assert match_choice("role", text, choice_titles("role")) == expected


def test_an_unsure_intent_does_not_answer_for_the_person(tracker_from, domain):
    tracker = tracker_from("in_form", text="hmm kanske", slots={"requested_slot": "concern"})
    tracker.latest_message["intent"] = {"name": "leave_crime", "confidence": 0.3}
    result = asyncio.run(
        ValidateContactForm().extract_concern(CollectingDispatcher(), tracker, domain)
    )
    assert result == {"concern": None}


def test_on_a_municipality_page_wanting_out_gets_that_municipalitys_contacts(tracker_from, domain):
    tracker = tracker_from("start", text="jag vill hoppa av, vem hjälper mig", intent="leave_crime",
                           slots={"language": "sv"},
                           metadata={"language": "sv", "municipality": "0117"})  # fmt: skip
    messages, events = run(ActionLocalContact(), tracker, domain)
    assert "0854081180" in digits(texts(messages)) and slots(events) == {"municipality_code": "0117"}


def test_phone_is_asked_only_when_chosen(tracker_from, domain):
    form = ValidateContactForm()
    names = domain["forms"]["contact_form"]["required_slots"]
    dispatcher = CollectingDispatcher()
    without = asyncio.run(
        form.required_slots(names, dispatcher, tracker_from("in_form"), domain)
    )
    with_phone = asyncio.run(
        form.required_slots(
            names, dispatcher, tracker_from("in_form", slots={"contact_method": "phone"}), domain
        )
    )
    assert "phone" not in without and "phone" in with_phone


def test_phone_numbers():
    assert parse_phone("070-123 45 67") == "+46701234567"
    assert parse_phone("+46 8 606 70 50") == "+4686067050"
    assert parse_phone("12") is None


def test_summary_shows_every_answer(tracker_from, domain):
    messages, _ = run(ActionContactSummary(), tracker_from("contact_summary"), domain)
    # About a child under 18: first what may follow, so that nobody sends it without knowing.
    assert messages[0]["text"] == t("ar", "action.summary_under_18")
    text = messages[1]["text"]
    assert "Haninge" in text and "قريب أو صديق" in text and "أقل من 18" in text
    assert [b["payload"] for b in messages[1]["buttons"]] == ["/affirm", "/change", "/stop"]


def test_change_asks_which_then_reopens_the_form(tracker_from, domain):
    messages, events = run(ActionChangeField(), tracker_from("contact_summary", text="/change"), domain)
    assert len(messages[0]["buttons"]) == 7 and events == []
    tracker = tracker_from(
        "contact_summary", text='/change{"field":"contact"}', entities=[{"entity": "field", "value": "contact"}]
    )
    _, events = run(ActionChangeField(), tracker, domain)
    assert slots(events) == {"contact_method": None, "phone": None}
    assert events[-1] == FollowupAction("contact_form")


def test_cancel_forgets_the_answers(tracker_from, domain):
    messages, events = run(ActionCancelContact(), tracker_from("contact_summary"), domain)
    assert ActiveLoop(None) in events
    assert slots(events)["message"] is None and slots(events)["role"] is None
    assert messages[0]["response"] == "utter_contact_cancelled"


def test_a_typed_stop_gets_112_first(tracker_from, domain):
    tracker = tracker_from("contact_summary", text="sluta nu de kommer", intent="stop")
    messages, _ = run(ActionCancelContact(), tracker, domain)
    assert messages[0]["text"] == t("ar", "action.always")  # the fixture's language
    assert messages[1]["response"] == "utter_contact_cancelled"


def test_a_typed_yes_gets_112_first_even_when_sending_fails(
    tracker_from, domain, monkeypatch, unused_port
):
    monkeypatch.setenv("VAGUT_INTAKE_URL", f"http://127.0.0.1:{unused_port}")
    tracker = tracker_from("contact_summary", text="ja skicka", intent="affirm")
    messages, _ = run(ActionSubmitIntake(), tracker, domain)
    assert messages[0]["text"] == t("ar", "action.always")


# --- submitting -------------------------------------------------------------------------------


class _Intake(BaseHTTPRequestHandler):
    received = []
    status = 201

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append((self.path, dict(self.headers), body))
        if self.path == "/api/v1/intakes":
            answer = {
                "reference": "VU-AB12-CD34",
                "receipt_code": "1234567812345678",
                "next_steps": "سيقرأ المنسق رسالتك.",
                "municipality": {"code": body["municipality_code"], "name": "Haninge"},
                "contacts": [{"serves": "adults_leaving_crime", "phone": "08-606 70 50",
                              "phone_display": "08-606 70 50", "tel": "+4686067050",
                              "email": "lamnakrim@haninge.se"}],
            }
        else:
            answer = {
                "reference": "VU-AB12-CD34",
                "status": "answered",
                "status_text": "تمت الإجابة",
                "municipality": {"code": "0136", "name": "Haninge"},
                "messages": [
                    {"author": "person", "message": "hello", "hour": "2026-11-23T10:00:00Z"},
                    {"author": "coordinator", "message": "We can meet tomorrow.", "hour": "2026-11-23T12:00:00Z"},
                ],
            }
        if type(self).status >= 400:
            answer = {"detail": "no", "code": "refused"}
        payload = json.dumps(answer).encode()
        self.send_response(type(self).status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def intake_service(monkeypatch):
    _Intake.received = []
    _Intake.status = 201
    server = HTTPServer(("127.0.0.1", 0), _Intake)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("VAGUT_INTAKE_URL", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setenv("VAGUT_INTAKE_TOKEN", "t" * 40)
    yield _Intake
    server.shutdown()


def test_submit_sends_the_contract_and_shows_the_receipt_code(tracker_from, domain, intake_service):
    messages, events = run(ActionSubmitIntake(), tracker_from("contact_summary"), domain)
    path, headers, body = intake_service.received[0]
    assert path == "/api/v1/intakes"
    assert headers["Authorization"] == "Bearer " + "t" * 40
    assert body == {
        "municipality_code": "0136",
        "role": "relative",
        "concern": "worried_about_child",
        "age_group": "under_18",
        "language": "ar",
        "contact_method": "receipt_code",
        "message": "ابني يقضي وقته مع أشخاص أكبر منه",
    }
    text = texts(messages)
    assert "1234 5678 1234 5678" in text and "VU-AB12-CD34" in text
    assert "سيقرأ المنسق رسالتك." in text  # the service's next_steps: who reads it, for sure
    assert "Haninge" not in text.split("سيقرأ")[0]  # nothing before it claims who got it
    assert slots(events)["message"] is None  # forgotten once sent
    assert slots(events)["municipality_code"] == "0136"
    # About a child: the line for adults is not offered, the way in for children is.
    assert "606 70 50" not in text and t("ar", "action.under_18_route") in text


def test_a_typed_yes_at_the_summary_gets_112_before_the_receipt(
    tracker_from, domain, intake_service
):
    """ "ja skicka, de är här nu" may be danger in words nobody listed: 112 leads the answer."""
    tracker = tracker_from("contact_summary", text="نعم أرسل، هم هنا الآن", intent="affirm")
    messages, _ = run(ActionSubmitIntake(), tracker, domain)
    assert messages[0]["text"] == t("ar", "action.always")
    assert texts(messages).count(t("ar", "action.always")) == 1


def test_after_an_adults_first_contact_the_adult_line_is_given(tracker_from, domain, intake_service):
    tracker = tracker_from("contact_summary", slots={"age_group": "adult"})
    messages, _ = run(ActionSubmitIntake(), tracker, domain)
    text = texts(messages)
    assert "606 70 50" in text and t("ar", "action.under_18_route") not in text


def test_submit_when_the_service_is_down_says_so_and_keeps_the_answers(
    tracker_from, domain, monkeypatch, unused_port
):
    monkeypatch.setenv("VAGUT_INTAKE_URL", f"http://127.0.0.1:{unused_port}")
    messages, events = run(ActionSubmitIntake(), tracker_from("contact_summary"), domain)
    text = texts(messages)
    assert "114 14" in text and "112" in text
    assert "لم يُرسل أي شيء" in text
    assert events == []  # nothing forgotten: the person can press Send again
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/stop"]


def test_submit_refused(tracker_from, domain, intake_service):
    intake_service.status = 422
    messages, events = run(ActionSubmitIntake(), tracker_from("contact_summary"), domain)
    assert "لم تقبل الخدمة" in texts(messages) and events == []


def test_submit_with_a_missing_answer_goes_back_to_the_form(tracker_from, domain, intake_service):
    tracker = tracker_from("contact_summary", slots={"age_group": None})
    messages, events = run(ActionSubmitIntake(), tracker, domain)
    assert intake_service.received == [] and events == [FollowupAction("contact_form")]


def test_check_back_shows_the_answer_and_forgets_the_code(tracker_from, domain, intake_service):
    tracker = tracker_from("start", slots={"receipt_code": "1234567812345678", "language": "en"})
    messages, events = run(ActionCheckBack(), tracker, domain)
    assert intake_service.received[0][2] == {"receipt_code": "1234567812345678"}
    text = texts(messages)
    assert "We can meet tomorrow." in text and "The coordinator" in text
    assert slots(events) == {"receipt_code": None}


def test_receipt_codes_are_found_in_text(tracker_from, domain):
    assert find_receipt_code("min kod är 1234 5678 1234 5678") == "1234567812345678"
    assert find_receipt_code("1234-5678-1234-5678") == "1234567812345678"
    assert find_receipt_code("٧٢٠١ ٣٣٨٥ ٩٩٤٦ ١٠٥٧") == "7201338599461057"
    assert find_receipt_code("کدم ۲۹۰۳۴۴۱۸۷۷۶۵۱۰۲۰ است") == "2903441877651020"
    assert find_receipt_code("070 123 45 67") is None
    tracker = tracker_from("start", text="abc", slots={"requested_slot": "receipt_code"})
    dispatcher = CollectingDispatcher()
    result = asyncio.run(ValidateCheckbackForm().extract_receipt_code(dispatcher, tracker, domain))
    assert result == {"receipt_code": None} and "16" in dispatcher.messages[0]["text"]


@pytest.fixture
def unused_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    "asked, text",
    [
        ("contact_method", "ring inte han hör, han e hemma nu"),  # a choice it cannot use
        ("municipality_code", "de står här nu vad gör jag"),
        ("phone", "jag kan inte ge numret de tog min telefon"),
    ],
)
def test_a_typed_message_the_form_cannot_use_gets_112_first(tracker_from, domain, asked, text):
    """It may be danger in words the danger finder does not know: 112 leads the reply."""
    tracker = tracker_from("in_form", slots={"requested_slot": asked}, text=text,
                           intent="nlu_fallback")
    dispatcher = CollectingDispatcher()
    extract = getattr(ValidateContactForm(), f"extract_{asked}")
    asyncio.run(extract(dispatcher, tracker, domain))
    first = dispatcher.messages[0]["text"]
    assert re.search(r"\d+", first).group(0) == "112", first


def test_a_typed_message_that_is_no_receipt_code_gets_112_first(tracker_from, domain):
    tracker = tracker_from("in_form", slots={"requested_slot": "receipt_code"},
                           text="de är här nu", intent="nlu_fallback")
    dispatcher = CollectingDispatcher()
    asyncio.run(ValidateCheckbackForm().extract_receipt_code(dispatcher, tracker, domain))
    assert re.search(r"\d+", dispatcher.messages[0]["text"]).group(0) == "112"


@pytest.mark.parametrize(
    "text", ["ring inte han hör", "don't call, he'll hear", "aramayın duyar", "ring mig inte"]
)
def test_dont_call_is_never_read_as_call_me(text):
    assert match_choice("contact_method", text, choice_titles("contact_method")) is None


@pytest.mark.parametrize("text", ["vet inte", "no se", "je ne sais pas", "ma garanayo"])
def test_dont_know_is_still_an_answer_to_the_age_question(text):
    assert match_choice("age_group", text, choice_titles("age_group")) == "unknown"


def test_the_questions_answered_beside_a_place_are_the_guidance_rules():
    """vagut_chat.topics.GUIDANCE names the intents that data/rules/guidance.yml answers with
    utter_<intent> and then the place's contacts."""
    import yaml

    from vagut_chat.topics import GUIDANCE
    from vagut_chat.paths import CHATBOT_DIR

    rules = yaml.safe_load((CHATBOT_DIR / "data" / "rules" / "guidance.yml").read_text())["rules"]
    answered = set()
    for rule in rules:
        intents = [step["intent"] for step in rule["steps"] if "intent" in step]
        actions = [step["action"] for step in rule["steps"] if "action" in step]
        if intents and actions[:2] == [f"utter_{intents[0]}", "action_local_contact"]:
            answered.add(intents[0])
    assert answered == GUIDANCE


@pytest.mark.parametrize(
    ("page", "text", "expected"),
    [
        ("en", "Hej, kan vi ta det på svenska istället? Min son har hamnat i dåligt sällskap", "sv"),
        ("es", "salaan, wiilkayga ayaa la socda burcad, maxaan sameeyaa", "so"),
        ("fa", "مرحبا، ابني عمره ١٥ وصار يطلع مع عصابة، شو لازم اعمل؟", "ar"),
        ("ku", "سلام، پسرم با یه گروه خلافکار می‌گرده، نمی‌دونم چیکار کنم", "fa"),
        ("fr", "merhaba oglum kotu arkadaslarla takiliyor, ne yapmaliyim bilmiyorum", "tr"),
        ("fa", "سلام", "fa"),
        ("en", "I live in Åkersberga", "en"),
        ("sv", "min son bor i malmö", "sv"),
        ("fa", "برادرم تو goteborg زندگی میکنه", "fa"),
        ("sv", "merhaba, oglum icin cok endiseliyim, Malmö'de oturuyoruz", "tr"),  # ö of a place
        ("sv", "kan du skriva på somaliska? min mamma läser inte svenska", "so"),  # not svenska
        ("es", "ok on revient au francais stp", "fr"),  # back to French
        ("en", "tamam turkce devam edelim", "tr"),
        ("ti", "ብእንግሊዝኛ ጽሓፈለይ በጃኻ፡ ትግርኛ ምንባብ ኣይክእልን", "en"),  # not "can't read"
        ("sv", "je parle arabe, ecrivez moi en francais svp", "fr"),  # the one by "write"
        ("ku", "بە عەرەبی بنووسە، دایکم کوردی نازانێت", "ar"),  # not the Kurdish she can't read
    ],
)
def test_a_message_plainly_in_another_language_switches(page, text, expected):
    """Arabic on a Persian page, Persian on a Kurdish one (no Sorani letter in a sentence),
    Somali and Turkish on Latin pages with a word or two that the page's language shares."""
    from vagut_chat.langdetect import language_of

    assert language_of({"language": page}, text) == expected


def test_who_do_i_call_in_a_place_also_answers_the_question_beside_it(tracker_from, domain):
    """"vivo en Tensta y quiero salir de todo esto, a quien llamo?" is ask_contact, with
    leave_crime beside it: 'it is possible to leave crime' before Stockholm's contacts."""
    text = "vivo en Tensta y quiero salir de todo esto, a quien llamo?"
    tracker = tracker_from("start", text=text, intent="ask_contact", slots={"language": "es"})
    tracker.latest_message["intent_ranking"] = [
        {"name": "ask_contact", "confidence": 0.5}, {"name": "leave_crime", "confidence": 0.4}]
    messages, events = run(ActionFindMunicipality(), tracker, domain)
    assert messages[0].get("response") == "utter_leave_crime"
    assert "Stockholm" in texts(messages)
    assert slots(events) == {"municipality_code": "0180"}
