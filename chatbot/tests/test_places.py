"""The chat's view of the shared place finder and the compiled directory (the finder itself is
tested on the shared case table in tests/places/, in Python and in the browser)."""

import re

import pytest

from vagut_chat import places

M = places.municipalities()


def name(code):
    return M[code].name


def test_all_290_municipalities_are_loaded():
    assert len(M) == 290


@pytest.mark.parametrize(
    "text, expected",
    [
        ("osteraker", "Österåker"),
        ("Österåker", "Österåker"),
        ("OSTERAKER", "Österåker"),
        ("jag bor i haninge", "Haninge"),
        ("Haninge kommun", "Haninge"),
        ("136 40", "Haninge"),
        ("13640", "Haninge"),
        ("upplands vasby", "Upplands Väsby"),
        ("Upplands-Väsby", "Upplands Väsby"),
        ("I live in Malmo", "Malmö"),
        ("goteborg", "Göteborg"),
        ("vivo en Örebro", "Örebro"),
    ],
)
def test_sure_matches(text, expected):
    match = places.find(text)
    assert match.exact and name(match.exact) == expected


@pytest.mark.parametrize("text, expected", [("osterakr", "Österåker"), ("Hannige", "Haninge")])
def test_typos_become_a_question(text, expected):
    match = places.find(text)
    assert match.exact is None
    assert name(match.candidates[0]) == expected


def test_without_the_typo_search_only_sure_hits_are_found():
    assert places.find("osterakr", typos=False).candidates == []
    assert name(places.find("jag bor i osteraker", typos=False).exact) == "Österåker"


def test_a_locality_in_two_municipalities_is_a_question():
    match = places.find("gustavsberg")
    assert match.exact is None and len(match.candidates) >= 2


@pytest.mark.parametrize("text", ["jag vill vara anonym", "hej", "hello", "are you a bot"])
def test_ordinary_words_are_not_places(text):
    match = places.find(text)
    assert match.exact is None and not match.candidates


def test_every_contact_comes_formatted_with_its_source():
    for municipality in M.values():
        for contact in municipality.contacts:
            assert contact.source.title and contact.source.date
            assert not contact.phone or contact.tel.startswith("tel:")


def test_osteraker_number_has_the_site_digits():
    contact = M["0117"].contacts[0]
    assert re.sub(r"\D", "", contact.phone_display) == "0854081180"
    assert contact.tel == "tel:+46854081180"


def test_a_district_is_an_answer_and_names_the_place():
    match = places.find("jag bor i Rinkeby")
    assert name(match.exact) == "Stockholm" and match.label == "Rinkeby"


def test_haninge_email_and_number():
    contact = M["0136"].contacts[0]
    assert contact.email == "lamnakrim@haninge.se"
    assert re.sub(r"\D", "", contact.phone_display) == "086067050"
    assert contact.serves == "adults_leaving_crime"


# --- names written in Arabic script (Arabic, Persian, Sorani) and Ge'ez (Tigrinya) ----------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("يوتيبوري", "Göteborg"),  # as it sounds
        ("غوتنبرغ", "Göteborg"),  # letter by letter
        ("ستوكهولم", "Stockholm"),
        ("استکهلم", "Stockholm"),  # Persian
        ("مالمو", "Malmö"),
        ("انا في مالمو", "Malmö"),
        ("لينشوبينغ", "Linköping"),  # k before ö sounds "sh"
        ("فيستروس", "Västerås"),
        ("أوريبرو", "Örebro"),
        ("فكشو", "Växjö"),
        ("سودرتاليا", "Södertälje"),
        ("هانينغه", "Haninge"),  # a final ه is a vowel
        ("بوتشيركا", "Botkyrka"),
        ("نحن بكارلستاد", "Karlstad"),
        ("لە ستۆکهۆڵم دەژیم", "Stockholm"),  # Sorani
        ("ماڵمۆ", "Malmö"),
        ("ئۆرێبرۆ", "Örebro"),  # Sorani: the initial vowel written on ئ
        ("ئۆپسالا", "Uppsala"),
        ("ስቶክሆልም", "Stockholm"),  # Tigrinya, Ge'ez script
        ("ኣብ ማልሞ እነብር", "Malmö"),
        ("ሊንሾፒንግ", "Linköping"),
        ("ቨስተሮስ", "Västerås"),
    ],
)
def test_a_name_in_another_script_is_a_question_about_the_right_municipality(text, expected):
    match = places.find(text)
    assert match.exact is None  # a guess from the sound: always confirmed by the person
    assert match.candidates and name(match.candidates[0]) == expected


@pytest.mark.parametrize(
    "text",
    [
        "أريد رقم الشؤون الاجتماعية في البلدية",  # a question with no place in it
        "ابني في مشكلة مع عصابة ولا أعرف ماذا أفعل",
        "اسكن في",  # filler only
    ],
)
def test_a_longer_arabic_message_gets_no_guess(text):
    match = places.find(text)
    assert match.exact is None and not match.candidates


def test_without_sounds_arabic_script_is_not_guessed():
    """The NLU component asks for no sound guesses (in a sentence some word sounds like a name)."""
    assert places.find("مالمو").candidates
    assert not places.find("مالمو", sounds=False).candidates


def test_a_greeting_that_sounds_like_a_name_is_not_a_place():
    assert not places.find("سلام").candidates  # sounds like Salem


@pytest.mark.parametrize("text, confidence, expected", [
    ("jag bor i Norrköping, hur når jag dom?", 0.55, "ask_contact"),  # unsure, and a place
    ("skicka ett anonymt meddelande till Lund", 0.99, "start_contact"),  # sure: the form
    ("hur når jag er?", 0.55, "start_contact"),  # no place
])
def test_an_unsure_start_contact_that_names_a_place_asks_for_its_contacts(text, confidence,
                                                                          expected):
    from rasa.shared.nlu.training_data.message import Message

    from components.places import PlaceOverride

    message = Message(data={"text": text, "metadata": {"language": "sv"}})
    message.set("intent", {"name": "start_contact", "confidence": confidence})
    message.set("intent_ranking", [{"name": "start_contact", "confidence": confidence}])
    PlaceOverride({**PlaceOverride.get_default_config()}).process([message])
    assert message.get("intent")["name"] == expected


def test_on_a_municipalitys_page_an_unsure_start_contact_asks_for_its_contacts():
    from rasa.shared.nlu.training_data.message import Message

    from components.places import PlaceOverride

    message = Message(data={"text": "vem kontaktar jag här?",
                            "metadata": {"language": "sv", "municipality": "0136"}})
    message.set("intent", {"name": "start_contact", "confidence": 0.6})
    PlaceOverride({**PlaceOverride.get_default_config()}).process([message])
    assert message.get("intent")["name"] == "ask_contact"


def _parsed(text, intent, overridden_by=None, confidence=1.0):
    from rasa.shared.nlu.training_data.message import Message

    from components.places import PlaceOverride

    message = Message(data={"text": text, "metadata": {"language": "sv"}})
    message.set("intent", {"name": intent, "confidence": confidence,
                           **({"overridden_by": overridden_by} if overridden_by else {})})
    PlaceOverride({**PlaceOverride.get_default_config()}).process([message])
    return message.get("intent")["name"]


def test_a_sure_place_and_nothing_else_is_no_danger_by_the_classifier_alone():
    """"knivsta" where the form asks for the municipality: the classifier had learnt "kniv"."""
    assert _parsed("knivsta", "danger", "danger_classifier") == "inform_place"
    assert _parsed("knivsta", "danger", "danger_keywords") == "danger"  # words: never undone
    assert _parsed("knivsta nu, hjälp", "danger", "danger_classifier") == "danger"


def test_a_postal_code_read_as_check_back_asks_for_the_places_contacts():
    assert _parsed("mitt postnummer är 553 35, vem ringer jag", "check_back",
                   confidence=0.5) == "ask_contact"
    assert _parsed("var är mitt svar", "check_back", confidence=0.5) == "check_back"
