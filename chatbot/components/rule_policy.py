"""Rasa's RulePolicy, deriving only the states its rules can see; named in config.yml.

On every prediction RulePolicy derives the dialogue state before every action of the whole
conversation, and then compares its rules with the last ones only: a rule of n states is never
checked further back than n states (`RulePolicy._is_rule_applicable`). Once loaded, this policy
replays the earlier events without deriving their states and derives the states of the last
`recent_window` actions (the longest rule), exactly the ones it compares. It also parses each
rule's JSON key once instead of for every rule, state and prediction. Training is RulePolicy's.
Rasa's CPU per turn over 40-turn conversations: 6.0-7.0 -> 4.4-5.0 ms (in process);
tests/test_rule_policy_window.py checks that it predicts what RulePolicy predicts at every step.

Rasa 3.6 recognises RulePolicy by identity in two checks of its recipe validator: the warning
that, without RulePolicy, /restart and /back do nothing (not so here: they are RulePolicy's own
code, inherited), filtered below; and the check of the rules against the domain, which
`train` runs itself.
"""

import functools
import warnings
from typing import Any, Dict, Iterator, List, Optional, Text, Tuple

from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

warnings.filterwarnings("ignore", message="'RulePolicy' is not included in the model's policy")


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


@functools.lru_cache(maxsize=None)
def rule_key_to_state(rule_key: Text) -> Tuple[State, ...]:
    # A tuple, so that no caller can change the one copy; RulePolicy only reads it.
    return tuple(RulePolicy._rule_key_to_state(rule_key))


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class WindowedRulePolicy(RulePolicy):
    # None while training and until loaded: every state, as RulePolicy.
    recent_window: Optional[int] = None

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain,
              **kwargs: Any) -> Resource:
        RulePolicy.raise_if_incompatible_with_domain(self.config, domain)
        return super().train(training_trackers, domain, **kwargs)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "WindowedRulePolicy":
        policy = super().load(config, model_storage, resource, execution_context, **kwargs)
        policy.recent_window = policy.longest_rule()  # the rules are known now
        return policy

    def longest_rule(self) -> int:
        keys = [*self.lookup.get(RULES, {}), *self.lookup.get(RULES_FOR_LOOP_UNHAPPY_PATH, {})]
        return max((len(self._rule_key_to_state(key)) for key in keys), default=1)

    def _prediction_states(self, tracker: DialogueStateTracker, domain: Domain,
                           use_text_for_last_user_input: bool = False,
                           rule_only_data: Optional[Dict[Text, Any]] = None) -> List[State]:
        if self.recent_window is not None:
            tracker = recent_turns(tracker, self.recent_window)
        return super()._prediction_states(tracker, domain, use_text_for_last_user_input,
                                          rule_only_data)

    @staticmethod
    def _rule_key_to_state(rule_key: Text) -> Tuple[State, ...]:
        return rule_key_to_state(rule_key)
