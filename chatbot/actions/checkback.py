"""Checking back with a receipt code: the case's status and the coordinator's answers. The code
is a secret: it is emptied from the conversation as soon as it has been used."""

import datetime as dt
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import intake
from actions.common import language, not_an_answer
from vagut_chat.i18n import t
from vagut_chat.receipt_codes import find_receipt_code


class ValidateCheckbackForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_checkback_form"

    def domain_slots(self, domain: Dict[Text, Any]) -> List[Text]:
        return ["receipt_code"]  # the Rasa server does not send the domain (send_domain: false)

    async def extract_receipt_code(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> Dict[Text, Any]:
        text = (tracker.latest_message or {}).get("text") or ""
        code = find_receipt_code(text)
        if code:
            return {"receipt_code": code}
        if tracker.get_slot("requested_slot") == "receipt_code":
            dispatcher.utter_message(text=not_an_answer(language(tracker), "action.receipt_invalid"))
            return {"receipt_code": None}
        return {}


def _hour(value: Any) -> str:
    try:
        when = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    return when.strftime("%Y-%m-%d %H:00")


class ActionCheckBack(Action):
    def name(self) -> Text:
        return "action_check_back"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        lang = language(tracker)
        code = tracker.get_slot("receipt_code")
        forget = [SlotSet("receipt_code", None)]
        if not code:
            return forget
        outcome = await intake.read_followups(code)
        if not outcome.ok:
            if outcome.unreachable or outcome.status == 429:
                dispatcher.utter_message(text=t(lang, "action.checkback_failed"))
            else:
                dispatcher.utter_message(text=t(lang, "action.checkback_not_found"))
            return forget
        data = outcome.data or {}
        dispatcher.utter_message(
            text=t(
                lang,
                "action.checkback_status",
                reference=data.get("reference", "-"),
                municipality=(data.get("municipality") or {}).get("name", "-"),
                status=data.get("status_text") or data.get("status", "-"),
            )
        )
        messages = data.get("messages") or []
        answers = [m for m in messages if m.get("author") != "person"]
        if not answers:
            dispatcher.utter_message(text=t(lang, "action.checkback_none"))
        for item in messages:
            author_key = "person" if item.get("author") == "person" else "coordinator"
            dispatcher.utter_message(
                text=t(
                    lang,
                    "action.checkback_message",
                    author=t(lang, f"action.author_{author_key}"),
                    hour=_hour(item.get("hour")),
                    message=item.get("message", ""),
                )
            )
        dispatcher.utter_message(text=t(lang, "action.always"))
        return forget
