"""The widget's REST channel (components/channels.py): a button's payload carries the page's
language, typed text is left to the NLU pipeline."""

import json

import pytest

from components.channels import language_switch, with_page_language
from components.receipt_codes import ReceiptCodes
from components.typed_buttons import typed_buttons
from vagut_chat.choices import fold_answer
from vagut_chat.i18n import t


@pytest.mark.parametrize(
    ("text", "page", "expected"),
    [
        ("/greet", "ar", '/greet{"language": "ar"}'),
        ("/faq", "ckb", '/faq{"language": "ku"}'),  # the page's code for Central Kurdish
        ('/choose{"choice":"adult"}', "ti", '/choose{"choice": "adult", "language": "ti"}'),
        ('/greet{"language":"fr"}', "ar", '/greet{"language":"fr"}'),  # already said: kept
        ("hej", "ar", "hej"),  # typed: the NLU pipeline reads the metadata
        ("/greet", None, "/greet"),  # no page language: as it was
        ("/greet", "xx", "/greet"),  # not one of ours
        ("/greet{broken", "ar", "/greet{broken"),  # not a payload Rasa would take either
        (None, "ar", None),
    ],
)
def test_a_payload_gets_the_page_language(text, page, expected):
    assert with_page_language(text, page) == expected


def test_the_payload_stays_json_with_unicode_as_written():
    payload = with_page_language('/choose{"choice":"ገለ"}', "ti")
    assert json.loads(payload[len("/choose"):]) == {"choice": "ገለ", "language": "ti"}


@pytest.mark.parametrize(
    ("text", "page", "answered"),
    [
        ("kan du svara på svenska istället?", "tr", "sv"),
        ("can you write in english", "fa", "en"),
        ("af soomaali ma ku hadli kartaa? faransii ma aqaan", "fr", "so"),
        ("مرحبا، انا عربي وما بحكي تركي", "tr", "ar"),
        ("اخي الصغير صار يبيع مخدرات شو لازم اعمل", "en", "ar"),
    ],
)
def test_a_reply_in_another_language_says_so_with_a_way_back(text, page, answered):
    """Issue 14: the chat switches, says so in that language, offers a button back, and tells
    the widget to keep the language."""
    notice, keep = language_switch(text, {"language": page})
    assert notice["text"] == t(answered, "reply.language_switched")
    assert notice["buttons"][0]["payload"] == f'/greet{{"language": "{page}"}}'
    assert keep == {"custom": {"language": answered}}


def test_a_reply_in_the_pages_language_adds_nothing():
    assert language_switch("jag bor i Haninge", {"language": "sv"}) == []
    assert language_switch("٧٢٠١ ٣٣٨٥ ٩٩٤٦ ١٠٥٧", {"language": "sv"}) == []
    # The button back: the page's language again, no notice.
    assert language_switch('/greet{"language": "tr"}', {"language": "sv"}) == [
        {"custom": {"language": "tr"}}]


def test_a_typed_button_is_the_button_in_every_language():
    buttons = typed_buttons()
    assert buttons["avbryt"] == ("stop", None)
    assert buttons["annuler"] == ("stop", None)
    assert buttons["الغاء"] == ("stop", None)
    assert buttons["hoppa over"] == ("choose", "skip")
    assert buttons["atla"] == ("choose", "skip")
    assert buttons["skicka"] == ("affirm", None)
    # the menu's first contact, typed on a municipality's page too (the site's journey test)
    assert buttons["anonym forsta kontakt"] == ("start_contact", None)
    assert buttons[fold_answer("تواصل أولي مجهول الهوية")] == ("start_contact", None)


def test_a_receipt_code_anywhere_is_checking_back():
    from rasa.shared.nlu.training_data.message import Message

    messages = [Message(data={"text": text, "intent": {"name": "inform_place", "confidence": 0.9}})
                for text in ("٣٣٠٥٨٨١٢٦٧٤٠٩٩٢١", "min kod 5530-1298-7746-0381", "136 40")]
    ReceiptCodes({}).process(messages)
    assert [m.get("intent")["name"] for m in messages] == ["check_back", "check_back",
                                                           "inform_place"]
