"""The REST channel the widget talks to, under Rasa's own name and path (POST
/webhooks/rest/webhook), named in credentials.yml. Two things differ from rasa's RestInput:

- A button's payload (`/greet`, `/choose{"choice": "adult"}`) carries the page's language as an
  entity. Rasa skips the NLU pipeline for payloads, so components.language never sees them, and
  an Arabic page was greeted, and its menu answered, in Swedish until the person typed.
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

import components  # noqa: F401  (sys.path)
from actions.i18n import known_language

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
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            collector = CollectingOutputChannel()
            message = UserMessage(
                self._extract_message(request),
                collector,
                await self._extract_sender(request),
                input_channel=self._extract_input_channel(request),
                metadata=self.get_metadata(request),
            )
            try:
                await on_new_message(message)
            except (Exception, asyncio.CancelledError) as error:  # noqa: BLE001
                # A failed or timed-out turn answers with what it has, as RestInput does.
                logger.error("rest.message.failed: %s", type(error).__name__)
            return response.json(collector.messages)

        return webhook
