"""The REST channel the widget talks to, under Rasa's own name and path (POST
/webhooks/rest/webhook), named in credentials.yml. These things differ from rasa's RestInput:

- A button's payload (`/greet`, `/choose{"choice": "adult"}`) carries the page's language as an
  entity. Rasa skips the NLU pipeline for payloads, so components.language never sees them, and
  an Arabic page was greeted, and its menu answered, in Swedish until the person typed.
- The language the chat answered in, when it is not the page's (a message in Arabic on an English
  page, "kan du svara på svenska?"), is said once at the end of the reply, with a button back to
  the page's language, and sent as `{"custom": {"language": ...}}`: the widget then sends it as
  `metadata.language` with every message, so the chat stays in it ("ja" alone is not Swedish).
- A few turns at a time go in, the rest wait first come, first served (components.turn_admission,
  `CHATBOT_TURNS_AT_ONCE`).
- Nothing a person wrote is logged. RestInput logs the message text with the error when a turn
  fails or times out; here only the error's type is logged.
"""

import asyncio
import json
import logging
import re
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from components.turn_admission import Admission, turns_at_once
from vagut.languages import BY_CODE
from vagut_chat.i18n import known_language, t
from vagut_chat.langdetect import language_of

logger = logging.getLogger(__name__)

PAYLOAD = re.compile(r"^/(\w+)(\{.*\})?$", re.DOTALL)


def with_page_language(text: Optional[Text], page_language: object) -> Optional[Text]:
    """`/intent` or `/intent{...}` with `"language": <the page's>` among its entities; any other
    text as it is (typed text goes through the NLU pipeline, which reads the metadata)."""
    code = known_language(page_language) if isinstance(page_language, str) else None
    match = PAYLOAD.match(text or "")
    if not code or not match:
        return text
    try:
        entities = json.loads(match.group(2)) if match.group(2) else {}
    except ValueError:
        return text
    if not isinstance(entities, dict) or "language" in entities:
        return text
    entities["language"] = code
    return f"/{match.group(1)}{json.dumps(entities, ensure_ascii=False)}"


def answered_language(text: Optional[Text], metadata: object) -> Optional[str]:
    """The language the turn is answered in: a payload's own `language` entity, else what
    components.language decides for typed text."""
    match = PAYLOAD.match(text or "")
    if match:
        try:
            entities = json.loads(match.group(2)) if match.group(2) else {}
        except ValueError:
            return None
        code = entities.get("language") if isinstance(entities, dict) else None
        return known_language(code) if isinstance(code, str) else None
    return language_of(metadata, text or "")


def language_switch(text: Optional[Text], metadata: object) -> list:
    """What the reply gets at its end when it is not in the page's language: the notice with a
    button back (typed text only: the button back itself needs none), and the new language."""
    page_code = metadata.get("language") if isinstance(metadata, dict) else None
    page = known_language(page_code) if isinstance(page_code, str) else None
    answered = answered_language(text, metadata)
    if not page or not answered or answered == page:
        return []
    extra: list = []
    if not PAYLOAD.match(text or ""):
        back = {"title": t(answered, "button.language_back", language=BY_CODE[page].native_name),
                "payload": f'/greet{{"language": "{page}"}}'}
        extra.append({"text": t(answered, "reply.language_switched"), "buttons": [back]})
    return extra + [{"custom": {"language": answered}}]


def admitted(on_new_message: Callable[[UserMessage], Awaitable[Any]],
             admission: Admission) -> Callable[[UserMessage], Awaitable[Any]]:
    """Rasa's handler of a new message, entered through `admission`."""
    async def handle(message: UserMessage) -> Any:
        async with admission:
            return await on_new_message(message)

    return handle


class PageLanguageRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def _extract_message(self, req: Request) -> Optional[Text]:
        metadata = self.get_metadata(req) or {}
        language = metadata.get("language") if isinstance(metadata, dict) else None
        return with_page_language(super()._extract_message(req), language)

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        # Kept on the channel: what its webhook calls with every message.
        self.admitted_handler = admitted(on_new_message, Admission(turns_at_once()))
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            collector = CollectingOutputChannel()
            typed = super(PageLanguageRestInput, self)._extract_message(request)
            metadata = self.get_metadata(request)
            message = UserMessage(
                self._extract_message(request),
                collector,
                await self._extract_sender(request),
                input_channel=self._extract_input_channel(request),
                metadata=metadata,
            )
            try:
                await self.admitted_handler(message)
            except (Exception, asyncio.CancelledError) as error:  # noqa: BLE001
                # A failed or timed-out turn answers with what it has, as RestInput does.
                logger.error("rest.message.failed: %s", type(error).__name__)
            return response.json(collector.messages + language_switch(typed, metadata))

        return webhook
