"""Finding the municipality and showing its verified contacts, or the honest national way in."""

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    button,
    first_contact_reader,
    language,
    not_an_answer,
    page_municipality,
)
from vagut_chat import places
from vagut_chat.i18n import t
from vagut_chat.topics import question_beside_danger, topic_beside


def place_from_tracker(tracker: Tracker, asked: bool = True) -> places.Match:
    """A button's municipality_code entity first, then the words of the latest message (as an
    answer to "where?" unless `asked` is False)."""
    known = places.municipalities()
    for entity in (tracker.latest_message or {}).get("entities", []):
        if entity.get("entity") == "municipality_code" and str(entity.get("value")) in known:
            return places.Match(exact=str(entity.get("value")), via="button")
    text = (tracker.latest_message or {}).get("text") or ""
    if text.startswith("/"):
        return places.Match()
    return places.find(text, asked=asked)


def choose_buttons(
    lang: str, codes: List[str], match: Optional[places.Match] = None
) -> List[Dict[str, str]]:
    """One button per candidate ("Stockholm (Rinkeby)" where found as a district), then "none"."""
    known = places.municipalities()
    buttons = [
        {"title": match.named(c) if match else known[c].name,
         "payload": f'/inform_place{{"municipality_code":"{c}"}}'}
        for c in codes
    ]  # fmt: skip
    buttons.append(button(lang, "button.none_of_these", "/ask_contact"))
    return buttons


def contact_lines(lang: str, code: str) -> List[str]:
    """The verified contacts of one municipality, or the national fallback; 112 first, always."""
    municipality = places.municipalities()[code]
    if not municipality.contacts:
        return [
            t(lang, "action.always"),
            t(lang, "action.no_verified_contact", municipality=municipality.name),
        ]
    lines = [t(lang, "action.always"),
             t(lang, "action.contacts_intro", municipality=municipality.name)]  # fmt: skip
    if not municipality.dedicated:
        # Social services or the socialjour only: the national way in for leaving crime too.
        lines.append(t(lang, "action.no_verified_contact", municipality=municipality.name))
    for contact in municipality.contacts:
        part = [t(lang, f"action.serves_{contact.serves}")]
        if contact.label:
            part.append(contact.label)
        if contact.phone_display:
            part.append(t(lang, "action.contact_phone", phone=contact.phone_display))
        if contact.email:
            part.append(t(lang, "action.contact_email", email=contact.email))
        if contact.hours:
            part.append(t(lang, "action.contact_hours", hours=contact.hours))
        date = contact.source.date
        if date == "undated":
            date = t(lang, "action.source_undated", date=contact.source.read)
        part.append(t(lang, "action.contact_source", source=contact.source.title, date=date))
        if contact.is_stale():
            part.append(t(lang, "action.contact_stale", date=contact.source.date))
        lines.append("\n".join(part))
    return lines


class ActionFindMunicipality(Action):
    """Answers "who do I call" and bare place names: contacts when sure, a question when not."""

    def name(self) -> Text:
        return "action_find_municipality"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        lang = language(tracker)
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        text = (tracker.latest_message or {}).get("text") or ""
        if intent == "inform_place" or len(places.content_words(text)) <= SHORT:
            match = place_from_tracker(tracker, asked=intent == "inform_place")
        else:  # a sentence: only a sure name ("vilket nummer ... komma ur" is not Lomma)
            match = places.find(text, typos=False, sounds=False)
        code: Optional[str] = match.exact
        if code is None and not match.candidates:
            known = tracker.get_slot("municipality_code") or page_municipality(tracker)
            wants_number = intent in ("ask_contact", "affirm")  # yes to "shall I find it?"
            if wants_number and known in places.municipalities():
                code = known
            elif wants_number:
                dispatcher.utter_message(response="utter_ask_place")
                return []
            else:
                dispatcher.utter_message(text=not_an_answer(lang, "action.place_not_found"))
                return []
        if code is not None and intent in ("inform_place", "ask_contact"):
            _also_the_question(dispatcher, tracker)
        if code is None:
            if len(match.candidates) == 1:
                name = match.named(match.candidates[0])
                text = t(lang, "action.place_confirm", municipality=name)
            else:
                text = t(lang, "action.place_choose")
            buttons = choose_buttons(lang, match.candidates, match)
            dispatcher.utter_message(text=text, buttons=buttons)
            return []
        return answer_for_place(dispatcher, lang, code)


def _also_the_question(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """A message that names a place and asks a question ("bor i Rinkeby o vill ut ur gänget"),
    read as the place or as "who do I call there?" ("vivo en Tensta y quiero salir, a quien
    llamo?"): the question's answer too, before the place's contacts."""
    message = tracker.latest_message or {}
    topic = topic_beside(message.get("intent_ranking") or [], message.get("text") or "")
    if topic:
        dispatcher.utter_message(response=f"utter_{topic}")


def answer_for_place(dispatcher: CollectingDispatcher, lang: str, code: str) -> List[Dict]:
    """The place's contacts (112 first) and the offer of an anonymous first contact."""
    for line in contact_lines(lang, code):
        dispatcher.utter_message(text=line)
    dispatcher.utter_message(
        text=t(lang, "action.offer_contact", reader=first_contact_reader(lang, code)),
        buttons=[
            button(lang, "button.start_contact", "/start_contact"),
            button(lang, "button.questions", "/faq"),
        ],
    )
    return [SlotSet("municipality_code", code)]


# A message of at most this many content words may be little more than a place, with a typo.
SHORT = 2


class ActionNotUnderstood(Action):
    """A message the chat did not understand, or out of its scope, that names a place for sure
    ("im in sodertalje, ronna. who can help me quit this life") is about that place: its
    contacts. Anything else gets the kind answer with the ways in."""

    def name(self) -> Text:
        return "action_not_understood"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        code = sure_place(tracker)
        if code is None:
            dispatcher.utter_message(response="utter_out_of_scope")
            return []
        return answer_for_place(dispatcher, language(tracker), code)


def sure_place(tracker: Tracker) -> Optional[str]:
    """The municipality a typed message names for sure (no typos, no guesses by sound)."""
    text = (tracker.latest_message or {}).get("text") or ""
    if not text or text.startswith("/"):
        return None
    return places.find(text, typos=False, sounds=False).exact


class ActionLocalContact(Action):
    """After the answer to a question, the contacts of the place the question named ("I want
    out. I live in Åkersberga", "برادرم تو goteborg زندگی میکنه"), if it named one for sure:
    the question the chat exists for is answered for that place, not with "which municipality?".
    Typos and sounds are not guessed in a sentence: some word always looks like a name."""

    def name(self) -> Text:
        return "action_local_contact"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        text = (tracker.latest_message or {}).get("text") or ""
        if not text or text.startswith("/"):
            return []
        code = sure_place(tracker)
        intent = topic_of(tracker.latest_message or {})
        if code is None and intent in WHO_TO_CALL and not tracker.get_slot("municipality_code"):
            # On a municipality's page, "I want out, who helps me?" is about that municipality.
            code = page_municipality(tracker)
        if code is None:
            return []
        return answer_for_place(dispatcher, language(tracker), code)


def topic_of(message: Dict[Text, Any]) -> Optional[Text]:
    """The message's intent; for danger, the question it also asks, which the danger policy
    answers after 112 (components/danger_policy.py)."""
    intent = message.get("intent") or {}
    if intent.get("name") == "danger":
        return question_beside_danger(message)
    return intent.get("name")


# The questions whose answer is "call them": on a municipality's page, they get its contacts.
WHO_TO_CALL = {"leave_crime", "relative_wants_out", "worried_child", "support"}
