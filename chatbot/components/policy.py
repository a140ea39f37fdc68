"""Rasa's RulePolicy, deriving only the states its rules can look at.

On every prediction RulePolicy derives the dialogue state before every action of the whole
conversation, and then compares its rules with the last ones only: a rule of n states is never
checked further back than n states (`RulePolicy._is_rule_applicable`). Late in a conversation
that derivation was most of a turn's work (bench/chatbot.py). This policy replays the earlier
part of the conversation without deriving its states and derives the states of the last
`longest rule` actions, which are exactly the states RulePolicy would have compared. Training
is RulePolicy's own: the window applies only once the rules are known."""

from typing import Any, Dict, Iterator, List, Optional, Text, Tuple

from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker


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


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class RecentRulePolicy(RulePolicy):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._window = self._longest_rule() if self.lookup else None  # loaded: rules known

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain,
              **kwargs: Any) -> Resource:
        resource = super().train(training_trackers, domain, **kwargs)
        self._window = self._longest_rule()
        return resource

    def _longest_rule(self) -> int:
        keys = [*self.lookup.get(RULES, {}), *self.lookup.get(RULES_FOR_LOOP_UNHAPPY_PATH, {})]
        return max((len(self._rule_key_to_state(key)) for key in keys), default=1)

    def _prediction_states(self, tracker: DialogueStateTracker, domain: Domain,
                           use_text_for_last_user_input: bool = False,
                           rule_only_data: Optional[Dict[Text, Any]] = None) -> List[State]:
        if self._window is not None:
            tracker = recent_turns(tracker, self._window)
        return super()._prediction_states(tracker, domain, use_text_for_last_user_input,
                                          rule_only_data)
