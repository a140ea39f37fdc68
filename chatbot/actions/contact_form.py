"""The anonymous first contact: the form's answers, a summary to confirm or change, and the
submission to the intake service. Nothing is half-sent: the intake is one POST, and the slots are
cleared (message and phone too) once it is sent or cancelled."""

import logging
from typing import Any, Dict, List, Optional, Text, Tuple

import phonenumbers
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import intake
from actions.common import (
    button,
    choice_label,
    choice_titles,
    first_contact_reader,
    language,
    not_an_answer,
    page_municipality,
)
from actions.municipality import ActionNotUnderstood, choose_buttons, place_from_tracker
from vagut.languages import LANGUAGE_CODES
from vagut_chat import places
from vagut_chat.choices import CHOICES, NOTHING, SKIP, fold_answer, match_choice
from vagut_chat.i18n import strings, t

logger = logging.getLogger(__name__)

MAX_MESSAGE = 4000
_NOTHING = {fold_answer(word) for word in NOTHING}
FORM_SLOTS = ["role", "municipality_code", "concern", "age_group", "contact_method", "phone",
              "message"]
# The summary's "change" buttons: field → the slots it empties.
FIELDS = {
    "role": ["role"],
    "municipality": ["municipality_code"],
    "concern": ["concern"],
    "age_group": ["age_group"],
    "contact": ["contact_method", "phone"],
    "message": ["message"],
}


def _entity(tracker: Tracker, name: str) -> Optional[str]:
    for entity in (tracker.latest_message or {}).get("entities", []):
        if entity.get("entity") == name and entity.get("value") is not None:
            return str(entity["value"])
    return None


def _text(tracker: Tracker) -> str:
    return ((tracker.latest_message or {}).get("text") or "").strip()


def _intent(tracker: Tracker) -> Optional[str]:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def _requested(tracker: Tracker, slot: str) -> bool:
    return tracker.get_slot("requested_slot") == slot


def parse_phone(text: str) -> Optional[str]:
    try:
        number = phonenumbers.parse(text, "SE")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class ValidateContactForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_contact_form"

    def domain_slots(self, domain: DomainDict) -> List[Text]:
        # As domain/core.yml lists them; the Rasa server does not send the domain along
        # (endpoints.yml: enable_selective_domain; domain/core.yml: send_domain: false), which
        # saves serialising 330 kB on every turn of the form.
        return list(FORM_SLOTS)

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        slots = list(domain_slots)
        if tracker.get_slot("contact_method") != "phone" and "phone" in slots:
            slots.remove("phone")
        return slots

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        events = await super().get_validation_events(dispatcher, tracker, domain)
        # rasa_sdk passes on the form's own slots only. The municipalities a name was close to
        # must reach action_ask_municipality_code, which offers them as buttons.
        extracted = tracker.slots_to_validate()
        if "place_candidates" in extracted:
            events.append(SlotSet("place_candidates", extracted["place_candidates"]))
        return events

    async def _choice(
        self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> Dict[Text, Any]:
        if not _requested(tracker, slot):
            return {}
        allowed = {value for value, _ in CHOICES[slot]}
        picked = _entity(tracker, "choice")
        if picked not in allowed:
            text = _text(tracker)
            picked = None if text.startswith("/") else match_choice(slot, text, choice_titles(slot))
        if picked is None and _typed(tracker):
            picked = _choice_from_intent(slot, tracker)
        if picked is None:
            dispatcher.utter_message(text=not_an_answer(language(tracker), "action.invalid_choice"))
        else:
            _danger_line_before_a_sentence(dispatcher, tracker)
        return {slot: picked}

    async def extract_role(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return await self._choice("role", dispatcher, tracker)

    async def extract_concern(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return await self._choice("concern", dispatcher, tracker)

    async def extract_age_group(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return await self._choice("age_group", dispatcher, tracker)

    async def extract_contact_method(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return await self._choice("contact_method", dispatcher, tracker)

    async def extract_municipality_code(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if not _requested(tracker, "municipality_code"):
            return {}
        lang = language(tracker)
        offered = _offered_place(tracker)
        if offered:
            return {"municipality_code": offered, "place_candidates": None}
        match = place_from_tracker(tracker)
        if match.exact:
            _danger_line_before_a_sentence(dispatcher, tracker)
            return {"municipality_code": match.exact, "place_candidates": None}
        if match.candidates:
            return {"municipality_code": None, "place_candidates": match.candidates}
        dispatcher.utter_message(text=not_an_answer(lang, "action.place_not_found"))
        return {"municipality_code": None, "place_candidates": None}

    async def extract_phone(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if not _requested(tracker, "phone"):
            return {}
        number = parse_phone(_text(tracker))
        if number is None:
            dispatcher.utter_message(text=not_an_answer(language(tracker), "action.phone_invalid"))
        return {"phone": number}

    async def extract_message(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if not _requested(tracker, "message"):
            return {}
        if _entity(tracker, "choice") == "skip" or fold_answer(_text(tracker)) in _NOTHING:
            return {"message": SKIP}
        text = _text(tracker)
        if text.startswith("/"):
            dispatcher.utter_message(text=t(language(tracker), "action.invalid_choice"))
            return {"message": None}
        if len(text) > MAX_MESSAGE:
            dispatcher.utter_message(
                text=t(language(tracker), "action.message_too_long", max=MAX_MESSAGE)
            )
            return {"message": None}
        _danger_line_before_a_sentence(dispatcher, tracker)  # the summary comes after it
        return {"message": text or SKIP}


class ActionAskMunicipalityCode(Action):
    """The form's question for the municipality: the candidates as buttons when the last answer
    was close to several, else the plain question."""

    def name(self) -> Text:
        return "action_ask_municipality_code"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        lang = language(tracker)
        candidates = [c for c in tracker.get_slot("place_candidates") or []
                      if c in places.municipalities()]
        page = page_municipality(tracker)
        if not candidates and page:
            candidates = [page]  # on a municipality's page: "Do you mean Kiruna?", one tap
        if candidates:
            if len(candidates) == 1:
                name = places.municipalities()[candidates[0]].name
                text = t(lang, "action.place_confirm", municipality=name)
            else:
                text = t(lang, "action.place_choose")
            dispatcher.utter_message(text=text, buttons=choose_buttons(lang, candidates))
            # One place offered ("Menar du Kiruna?"): a typed yes takes it (_offered_place).
            return [SlotSet("place_candidates", candidates if len(candidates) == 1 else None)]
        dispatcher.utter_message(response="utter_ask_municipality_code")
        return []


def summary_text(lang: str, tracker: Tracker) -> str:
    code = tracker.get_slot("municipality_code")
    municipality = places.municipalities()[code].name if code in places.municipalities() else "-"
    method = tracker.get_slot("contact_method")
    contact = choice_label(lang, "contact_method", method)
    if method == "phone" and tracker.get_slot("phone"):
        display, _ = places.format_phone(tracker.get_slot("phone"))
        contact = f"{contact}: {display}"
    message = tracker.get_slot("message")
    return t(
        lang,
        "action.summary",
        municipality=municipality,
        role=choice_label(lang, "role", tracker.get_slot("role")),
        concern=choice_label(lang, "concern", tracker.get_slot("concern")),
        age_group=choice_label(lang, "age_group", tracker.get_slot("age_group")),
        contact=contact,
        message=message if message and message != SKIP else t(lang, "action.summary_no_message"),
        reader=first_contact_reader(lang, code),
    )


def send_buttons(lang: str) -> List[Dict[str, str]]:
    return [
        button(lang, "button.send", "/affirm"),
        button(lang, "button.change", "/change"),
        button(lang, "button.cancel", "/stop"),
    ]


class ActionContactSummary(Action):
    def name(self) -> Text:
        return "action_contact_summary"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        lang = language(tracker)
        if tracker.get_slot("age_group") == "under_18":
            # Nobody sends it without knowing what may follow (see FACTS: orosanmälan).
            dispatcher.utter_message(text=t(lang, "action.summary_under_18"))
        dispatcher.utter_message(text=summary_text(lang, tracker), buttons=send_buttons(lang))
        return []


class ActionChangeField(Action):
    """From the summary: which answer to change; then the form asks just that one again."""

    def name(self) -> Text:
        return "action_change_field"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        lang = language(tracker)
        field = _entity(tracker, "field")
        if field is None and not _contact_in_progress(tracker):
            # "postcode is 753 18, what number do I ring" read as "change": nothing to change.
            return await ActionNotUnderstood().run(dispatcher, tracker, domain)
        if field is None and _typed(tracker):
            field = typed_field(_text(tracker))
        if field not in FIELDS:
            buttons = [
                button(lang, f"button.field_{name}", f'/change{{"field":"{name}"}}')
                for name in FIELDS
            ]
            buttons.append(button(lang, "button.cancel", "/stop"))
            text = t(lang, "reply.ask_change")
            if _typed(tracker):  # typed at the summary: may be danger in words nobody listed
                text = f"{t(lang, 'action.always')} {text}"
            dispatcher.utter_message(text=text, buttons=buttons)
            return []
        events: List[EventType] = [SlotSet(slot, None) for slot in FIELDS[field]]
        return events + [FollowupAction("contact_form")]


# What people type for the answer they want to change, beside the buttons' texts.
FIELD_WORDS: Dict[str, Tuple[str, ...]] = {
    "age_group": ("alder", "age", "the age", "edad", "la edad", "lage", "yas", "da da", "dada",
                  "العمر", "عمر", "سن", "تەمەن", "ዕድመ"),
    "message": ("meddelandet", "meddelande", "message", "the message", "mensaje", "mesaj",
                "fariinta", "الرسالة", "رسالة", "پیام", "نامە", "መልእኽቲ"),
    "municipality": ("kommun", "kommunen", "municipality", "place", "municipio", "commune",
                     "belediye", "degmada", "البلدية", "کمون", "شار", "ኮሙን"),
    "contact": ("kontakt", "telefon", "phone", "contact", "telefono", "numara", "الهاتف",
                "تلفن", "تەلەفۆن", "ስልኪ"),
    "role": ("vem", "who", "quien", "qui", "kim", "من انا", "کی", "کێ", "መን"),
    "concern": ("vad det galler", "about", "tema", "sujet", "konu", "الموضوع", "موضوع", "بابەت",
                "ጉዳይ"),
}  # fmt: skip


def typed_field(text: str) -> Optional[str]:
    """The answer a typed "the age", "ålder", "العمر" asks to change, or None."""
    folded = fold_answer(text)
    for field in FIELDS:
        titles = [strings(code).get(f"button.field_{field}", "") for code in LANGUAGE_CODES]
        words = [fold_answer(w) for w in (*titles, *FIELD_WORDS.get(field, ()))]
        if folded in words:
            return field
    return None


# A typed answer no keyword matched may still say plainly what it is about, in words the
# classifier knows in ten languages ("قلقانة على ابني", "vill sluta med brott", "annesiyim"):
# the message's intent, when it is sure enough, answers "who are you?" and "what is it about?".
INTENT_ANSWERS: Dict[str, Dict[str, str]] = {
    "role": {"leave_crime": "self", "relative_wants_out": "relative",
             "worried_child": "relative"},
    "concern": {"leave_crime": "leaving_crime", "relative_wants_out": "leaving_crime",
                "worried_child": "worried_about_child", "warning_signs": "worried_about_child",
                "talk_to_child": "worried_about_child", "threat_needed": "under_threat"},
}  # fmt: skip
SURE_INTENT = 0.5


def _choice_from_intent(slot: str, tracker: Tracker) -> Optional[str]:
    intent = (tracker.latest_message or {}).get("intent") or {}
    if float(intent.get("confidence") or 0.0) < SURE_INTENT:
        return None
    return INTENT_ANSWERS.get(slot, {}).get(intent.get("name") or "")


def _offered_place(tracker: Tracker) -> Optional[str]:
    """A yes to "Menar du Kiruna?": the one place the form offered, or the page's."""
    intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
    if intent != "affirm":
        return None
    offered = [c for c in tracker.get_slot("place_candidates") or []
               if c in places.municipalities()]  # fmt: skip
    if len(offered) == 1:
        return offered[0]
    return page_municipality(tracker)


# A typed answer longer than this many words says more than the answer: the rest may be danger
# in words nobody listed ("16, they took him in a van an hour ago"). The answer is taken, and
# the next question comes after the one line with 112, as everywhere a typed message could hide
# danger. A false alarm costs that line.
ANSWER_WORDS = 3


def _danger_line_before_a_sentence(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """"Acute danger: 112." before a typed answer in a sentence, or before one that the
    classifier alone took for danger (components/danger_policy.py lets the form take it)."""
    intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
    if _typed(tracker) and (len(_text(tracker).split()) > ANSWER_WORDS or intent == "danger"):
        dispatcher.utter_message(text=t(language(tracker), "action.always"))


def _contact_in_progress(tracker: Tracker) -> bool:
    """A first contact has been answered as far as its summary."""
    return all(tracker.get_slot(slot) is not None
               for slot in ("role", "municipality_code", "concern", "age_group", "contact_method"))


def _typed(tracker: Tracker) -> bool:
    """The latest message was typed, not a button's payload."""
    text = (tracker.latest_message or {}).get("text") or ""
    return bool(text) and not text.startswith("/")


def reset_events() -> List[EventType]:
    forgotten = FORM_SLOTS + ["place_candidates", "receipt_code", "paused"]
    return [SlotSet(slot, None) for slot in forgotten]


class ActionCancelContact(Action):
    def name(self) -> Text:
        return "action_cancel_contact"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        if _typed(tracker):  # "sluta, de kommer" typed: 112 first, as everywhere in the form
            dispatcher.utter_message(text=t(language(tracker), "action.always"))
        dispatcher.utter_message(response="utter_contact_cancelled")
        keep_place = [SlotSet("municipality_code", tracker.get_slot("municipality_code"))]
        return [ActiveLoop(None), SlotSet("requested_slot", None)] + reset_events() + keep_place


class ActionSubmitIntake(Action):
    def name(self) -> Text:
        return "action_submit_intake"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        lang = language(tracker)
        body: Dict[str, Any] = {
            "municipality_code": tracker.get_slot("municipality_code"),
            "role": tracker.get_slot("role"),
            "concern": tracker.get_slot("concern"),
            "age_group": tracker.get_slot("age_group"),
            "language": lang,
            "contact_method": tracker.get_slot("contact_method"),
        }
        if None in body.values():
            # Not everything is answered (a stray "yes"): ask again rather than send half.
            return [FollowupAction("contact_form")]
        if body["contact_method"] == "phone":
            body["phone"] = tracker.get_slot("phone")
        message = tracker.get_slot("message")
        if message and message != SKIP:
            body["message"] = message[:MAX_MESSAGE]

        typed = _typed(tracker)
        if typed:
            # "ja skicka, de är här" typed at the summary: 112 before anything else (the receipt,
            # or that sending failed), whatever the rest said: danger in words nobody listed.
            dispatcher.utter_message(text=t(lang, "action.always"))
        outcome = await intake.submit(body)
        if not outcome.ok:
            key = "action.send_failed" if outcome.unreachable else "action.send_refused"
            dispatcher.utter_message(
                text=t(lang, key),
                buttons=[button(lang, "button.send", "/affirm"),
                         button(lang, "button.cancel", "/stop")],
            )
            return []

        data = outcome.data or {}
        # Who got it is the receipt's to say (next_steps): the intake service knows for sure.
        dispatcher.utter_message(text=t(lang, "action.sent", reference=data.get("reference", "-")))
        dispatcher.utter_message(
            text=t(lang, "action.receipt_code", code=_group(str(data.get("receipt_code", ""))))
        )
        if data.get("next_steps"):
            dispatcher.utter_message(text=str(data["next_steps"]))
        minor = body["age_group"] == "under_18"
        for contact in data.get("contacts") or []:
            if minor and contact.get("serves") == "adults_leaving_crime":
                continue  # a line for adults is not the way in for a child
            serves = f"action.serves_{contact.get('serves')}"
            lines = [t(lang, serves)] if serves in strings("sv") else []
            if contact.get("phone_display") or contact.get("phone"):
                phone = contact.get("phone_display") or contact.get("phone")
                lines.append(t(lang, "action.contact_phone", phone=phone))
            if contact.get("email"):
                lines.append(t(lang, "action.contact_email", email=contact["email"]))
            dispatcher.utter_message(text="\n".join(lines))
        if minor:
            dispatcher.utter_message(text=t(lang, "action.under_18_route"))
        if not typed:
            dispatcher.utter_message(text=t(lang, "action.always"))
        keep_place = [SlotSet("municipality_code", body["municipality_code"])]
        return reset_events() + keep_place


def _group(code: str) -> str:
    """1234567812345678 → 1234 5678 1234 5678 (easier to copy down)."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4)) if code.isdigit() else code
