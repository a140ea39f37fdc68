"""Rasa 3.6 made quicker where it repeats work whose result cannot change, and where it sends
the action server more than it reads. Installed when Rasa imports this package
(components/__init__.py), so in every Rasa process of this project; the tests check each
against Rasa's own result (tests/test_rasa_speedups.py).

- RulePolicy, on every prediction, derived the dialogue state before every action of the whole
  conversation and then compared its rules with the last ones only: a rule of n states is never
  checked further back than n states (`RulePolicy._is_rule_applicable`). A loaded RulePolicy
  here replays the earlier events without deriving their states and derives the states of the
  last (longest rule) actions, exactly the ones it compares. Training is untouched. It also
  parses each rule's JSON key once instead of for every rule, state and prediction.
  Rasa's CPU per turn over 40-turn conversations: 6.0-7.0 -> 4.4-5.0 ms (in process).
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
from typing import Any, Dict, Iterator, List, Optional, Text, Tuple

import aiohttp
from rasa.core.actions.action import RemoteAction
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import ActionExecuted, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.utils.endpoints import EndpointConfig

_rasa = {
    "validate_action_result": RemoteAction._validate_action_result,
    "load": RulePolicy.load.__func__,
    "prediction_states": RulePolicy._prediction_states,
    "rule_key_to_state": RulePolicy._rule_key_to_state,
    "action_call_format": RemoteAction._action_call_format,
}

# --- RulePolicy --------------------------------------------------------------------------------


class RecentTurns:
    """Stands in for a tracker where Rasa derives its states (`past_states`): the states of
    the `recent` events, after the `earlier` ones have been replayed."""

    def __init__(self, tracker: DialogueStateTracker, earlier: List[Event],
                 recent: List[Event]) -> None:
        self._tracker, self._earlier, self._recent = tracker, earlier, recent

    def past_states(self, domain: Domain, omit_unset_slots: bool = False,
                    ignore_rule_only_turns: bool = False,
                    rule_only_data: Optional[Dict[Text, Any]] = None) -> List[State]:
        return domain.states_for_tracker_history(
            self, omit_unset_slots=omit_unset_slots, ignore_rule_only_turns=ignore_rule_only_turns,
            rule_only_data=rule_only_data)

    def generate_all_prior_trackers(self) -> Iterator[Tuple[DialogueStateTracker, bool]]:
        # As DialogueStateTracker.generate_all_prior_trackers, from the end of `earlier` on.
        current = self._tracker.init_copy()
        for event in self._earlier:
            current.update(event)
        for event in self._recent:
            if isinstance(event, ActionExecuted):
                yield current, event.hide_rule_turn
            current.update(event)
        yield current, False


def recent_turns(tracker: DialogueStateTracker, actions: int):
    """The tracker itself when it holds `actions` actions or fewer, else its last `actions`
    actions and what follows them, after the rest."""
    events = tracker.applied_events()
    positions = [i for i, event in enumerate(events) if isinstance(event, ActionExecuted)]
    if len(positions) <= actions:
        return tracker
    start = positions[-actions]
    return RecentTurns(tracker, events[:start], events[start:])


def longest_rule(policy: RulePolicy) -> int:
    keys = [*policy.lookup.get(RULES, {}), *policy.lookup.get(RULES_FOR_LOOP_UNHAPPY_PATH, {})]
    return max((len(policy._rule_key_to_state(key)) for key in keys), default=1)


def load_rule_policy(cls, *args: Any, **kwargs: Any) -> RulePolicy:
    policy = _rasa["load"](cls, *args, **kwargs)
    policy.recent_window = longest_rule(policy)  # the rules are known now
    return policy


def prediction_states(self: RulePolicy, tracker: DialogueStateTracker, domain: Domain,
                      use_text_for_last_user_input: bool = False,
                      rule_only_data: Optional[Dict[Text, Any]] = None) -> List[State]:
    window = getattr(self, "recent_window", None)  # None while training
    if window is not None:
        tracker = recent_turns(tracker, window)
    return _rasa["prediction_states"](self, tracker, domain, use_text_for_last_user_input,
                                      rule_only_data)


@functools.lru_cache(maxsize=None)
def rule_key_to_state(rule_key: Text) -> Tuple[State, ...]:
    # A tuple, so that no caller can change the one copy; RulePolicy only reads it.
    return tuple(_rasa["rule_key_to_state"](rule_key))


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


def install() -> None:
    RemoteAction._action_call_format = action_call_format
    EndpointConfig.session = endpoint_session
    RemoteAction._validate_action_result = validate_action_result
    RulePolicy.load = classmethod(load_rule_policy)
    RulePolicy._prediction_states = prediction_states
    RulePolicy._rule_key_to_state = staticmethod(rule_key_to_state)
