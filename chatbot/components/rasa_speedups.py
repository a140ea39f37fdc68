"""Rasa 3.6 made quicker where it repeats work whose result cannot change. Installed when Rasa
imports this package (components/__init__.py), so in every Rasa process of this project; the
tests check each against Rasa's own result (tests/test_rasa_speedups.py).

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
  pass still goes through Rasa's own check, which raises Rasa's error."""

import functools
from typing import Any, Dict, Iterator, List, Optional, Text, Tuple

from rasa.core.actions.action import RemoteAction
from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker

_rasa = {
    "validate_action_result": RemoteAction._validate_action_result,
    "load": RulePolicy.load.__func__,
    "prediction_states": RulePolicy._prediction_states,
    "rule_key_to_state": RulePolicy._rule_key_to_state,
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


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result
    RulePolicy.load = classmethod(load_rule_policy)
    RulePolicy._prediction_states = prediction_states
    RulePolicy._rule_key_to_state = staticmethod(rule_key_to_state)
