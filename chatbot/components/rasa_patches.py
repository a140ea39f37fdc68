"""The two places where Rasa 3.6 has no extension point and does more than it needs to, patched
here: installed explicitly by the server's launcher (components/serve.py, which scripts/run starts),
and only on the Rasa version pinned in requirements.lock, whose private methods these replace.
Everything else this project changes in Rasa goes through Rasa's own seams: the rule window is a
RulePolicy subclass named in config.yml (components/rule_policy.py), the turn admission is in the
REST channel named in credentials.yml (components/channels.py). tests/test_rasa_patches.py checks
each patch against Rasa's own result.

- The action server's answer to every custom action was checked with `jsonschema.validate`,
  which first checks the schema itself against the JSON Schema meta-schema: a tenth of the Rasa
  server's CPU under load (py-spy). The validator is built once here; an answer that does not
  pass still goes through Rasa's own check, which raises Rasa's error.
- Every custom action sent the action server the whole conversation (every event, with every
  message's text) as JSON, and opened a new HTTP connection for it. Here the request holds
  what Rasa sends (slots, latest message, active loop, ...) with the events of the current turn
  only, from the person's latest message on: all that rasa_sdk and our actions read (the form's
  `slots_to_validate` reads the slot events that end the turn). It is less of the person's text
  in flight, and its cost no longer grows with the conversation. One HTTP session per endpoint
  and event loop keeps connections open between actions, for less than the action server keeps
  them (Sanic: 5 s), so that it never closes one that is being reused."""

import asyncio
import functools
from typing import Any, Dict, List, Text

import aiohttp
import rasa
from rasa.core.actions.action import RemoteAction
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.utils.endpoints import EndpointConfig

# The version whose private methods are replaced (requirements.lock pins it; a test checks that).
PINNED_RASA = "3.6.21"

_rasa = {
    "validate_action_result": RemoteAction._validate_action_result,
    "action_call_format": RemoteAction._action_call_format,
}

# --- custom actions ----------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def action_result_validator():
    from jsonschema.validators import validator_for

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    if action_result_validator().is_valid(result):
        return True
    return _rasa["validate_action_result"](self, result)


def current_turn(tracker: DialogueStateTracker) -> List[Event]:
    """The events from the person's latest message on (all of them before a first message),
    read from the end: the conversation before is not copied."""
    turn = []
    for event in reversed(tracker.events):
        turn.append(event)
        if isinstance(event, UserUttered):
            break
    return turn[::-1]


def action_call_format(self: RemoteAction, tracker: DialogueStateTracker,
                       domain: Domain) -> Dict[Text, Any]:
    body = _rasa["action_call_format"](self, _WithoutEvents(tracker), domain)
    body["tracker"]["events"] = [event.as_dict() for event in current_turn(tracker)]
    return body


class _WithoutEvents:
    """The tracker for Rasa's `_action_call_format`, whose state then lists no events: they
    are added from `current_turn` instead of serialising the whole conversation first."""

    def __init__(self, tracker: DialogueStateTracker) -> None:
        self._tracker = tracker

    def current_state(self, event_verbosity: EventVerbosity = EventVerbosity.NONE):
        return self._tracker.current_state(EventVerbosity.NONE)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tracker, name)


# Sanic, which serves rasa_sdk, closes a connection after 5 s without a request.
KEEPALIVE_SECONDS = 2.0


class _KeptSession:
    """`async with` gives the shared session and leaves it open (Rasa closes its own)."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(self, *exc_info: Any) -> None:
        return None


def endpoint_session(self: EndpointConfig) -> _KeptSession:
    """As `EndpointConfig.session` (its headers, auth and timeout), one per event loop."""
    loop = asyncio.get_running_loop()
    kept = self.__dict__.setdefault("_kept_sessions", {})
    if loop not in kept or kept[loop].closed:
        auth = None
        if self.basic_auth:
            auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
        kept[loop] = aiohttp.ClientSession(
            headers=self.headers, auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS))
    return _KeptSession(kept[loop])


class UnpinnedRasa(RuntimeError):
    pass


def install(version: str = rasa.__version__) -> None:
    """Replaces the methods, once; refuses any Rasa but the pinned one, whose private methods
    may differ (re-read them and test against the new version before changing PINNED_RASA)."""
    if version != PINNED_RASA:
        raise UnpinnedRasa(f"components.rasa_patches is written for Rasa {PINNED_RASA}, "
                           f"not {version}: read its docstring before upgrading")
    RemoteAction._action_call_format = action_call_format
    EndpointConfig.session = endpoint_session
    RemoteAction._validate_action_result = validate_action_result
