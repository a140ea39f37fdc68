"""Danger wins over everything, at every step: a policy above RulePolicy (config.yml gives it
priority 7; RulePolicy has 6) that decides the turns around danger and abstains on all others.
Its replies are responses, said by the Rasa server itself: 112 never waits for the action server.

- A `danger` message gets `utter_danger` (or `utter_danger_self_harm`, with the suicide-prevention
  line and BRIS, when the danger words spoke of it), whatever was going on: a form, the summary,
  check-back, a pending place question. A form that was asking is paused with its answers kept
  (`paused` names it), and `utter_danger_resume` offers to go on where the person was; so is
  a pending "which municipality?", which going on asks again. While a
  form is active, Rasa lets the form's own turn overrule every other policy (a prediction "without
  user input"); this policy's danger turn is marked the same way, and its priority wins the tie.
- For the next `window` messages after a danger message, danger stays in the conversation: what
  is not a place, a button or a wish to stop ("I can't call", "they'll hear me", "what do I do",
  and "make a contact" too) gets `utter_danger_followup`, which repeats 112. So the form never
  starts from that context.
- Asked for their message, a person who writes a long worried story often reads as danger to
  the classifier alone (no danger word): the form takes it as the message, and its summary comes
  after the line "Acute danger: 112." (actions/contact_form.py), instead of pausing the form.
- At the summary, a typed message that is not yes, no, change or stop gets `utter_summary_again`
  (112 first, then "send, change or cancel?"), as the form answers what it cannot use.
- `/resume` (the button), or a yes right after the offer, brings back the paused form (it asks
  its next question; nothing answered is asked again) or the summary.
- Danger said by the classifier alone (no danger word), outside the form: after 112, the
  question the message also asks (vagut_chat.topics.topic_beside: "I am 17, I live in Hallunda,
  who can I talk to first?" reads as danger to the classifier) and the contacts of the place it
  names (action_local_contact), so that a long story that mentions a fear still gets its answer.
  So does danger in words when the classifier was sure of a question (topics.SURE_QUESTION): "do I
  have to be threatened to get help?" gets 112, then its answer.
- After its own replies it predicts listening, so that no rule goes on from there."""

from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME, REQUESTED_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from vagut_chat.choices import CHOICES, match_choice
from vagut_chat.topics import question_beside_danger

DANGER = "utter_danger"
DANGER_SELF_HARM = "utter_danger_self_harm"
FOLLOWUP = "utter_danger_followup"
OFFER_RESUME = "utter_danger_resume"
REPLIES = (DANGER, DANGER_SELF_HARM, FOLLOWUP)
PAUSED = "paused"
# What can be paused, and the action that brings it back. A pending "which municipality?"
# (actions/municipality.py asks it with utter_ask_place) is brought back by asking it again.
PLACE_QUESTION = "utter_ask_place"
RESUME = {"contact_form": "contact_form", "checkback_form": "checkback_form",
          "summary": "action_contact_summary", "place_question": PLACE_QUESTION}
LOCAL_CONTACT = "action_local_contact"
MAX_MESSAGE = 4000  # as the form (actions/contact_form.py) and the intake service accept
SUMMARY_SLOTS = ("role", "municipality_code", "concern", "age_group", "contact_method", "message")
# Inside the window these are answered as usual: a place (the local contact ends with 112 too),
# a button's choice, stopping, leaving, thanks, and checking back for an answer.
NOT_FOLLOWED_UP = {"inform_place", "choose", "change", "stop", "goodbye", "thanks", "check_back",
                   "resume"}
# At the summary, like in the form, a typed message that is not an answer to "send it?" gets 112
# first (it may be danger in words nobody listed), then the question again with its buttons.
SUMMARY = "action_contact_summary"
SUMMARY_AGAIN = "utter_summary_again"
SUMMARY_ANSWERS = {"affirm", "deny", "change", "stop", "resume"}


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT], is_trainable=False
)
class DangerFirstPolicy(Policy):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"priority": 7, "window": 3}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage,
                 resource: Resource, execution_context: ExecutionContext, **kwargs: Any) -> None:
        super().__init__(config, model_storage, resource, execution_context)

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain,
              **kwargs: Any) -> Resource:
        return self._resource  # nothing to learn: the docstring above is the policy

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "DangerFirstPolicy":
        return cls(config, model_storage, resource, execution_context)

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     **kwargs: Any) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        decision = self.decide(tracker)
        if decision is None:
            return self._prediction(probabilities)
        action, events = decision
        probabilities[domain.index_for_action(action)] = 1.0
        # Marked like the loop's own turn, so that an active form does not overrule it.
        return self._prediction(probabilities, optional_events=events,
                                is_no_user_prediction=tracker.active_loop_name is not None)

    def decide(self, tracker: DialogueStateTracker) -> Optional["tuple[Text, List[Event]]"]:
        """The next action and the events to apply first, or None where other policies decide."""
        latest = tracker.latest_action_name
        paused = tracker.get_slot(PAUSED)
        after = _after_danger_reply(tracker, latest)
        if after:
            return after, []
        if latest in REPLIES:
            return (OFFER_RESUME, []) if paused in RESUME else (ACTION_LISTEN_NAME, [])
        if latest in (OFFER_RESUME, SUMMARY_AGAIN, PLACE_QUESTION):
            return ACTION_LISTEN_NAME, []
        if latest != ACTION_LISTEN_NAME or tracker.latest_message is None:
            return None
        message = tracker.latest_message
        intent = (message.intent or {}).get("name")
        if intent == "danger":
            if _classifier_only(message) and (_asked_for_the_message(tracker)
                                              or _a_plain_choice(tracker, message)):
                return None  # the form takes it, after "Acute danger: 112." (contact_form.py)
            reply = DANGER_SELF_HARM if _self_harm(message) else DANGER
            return reply, _pause(tracker)
        intent = _unless_unsure_between_yeses(message, intent)
        if paused in RESUME and (intent == "resume" or (
                intent == "affirm" and _bot_action_before(tracker) == OFFER_RESUME
                and _plain_yes(message))):
            return RESUME[paused], [SlotSet(PAUSED, None)]
        if (tracker.active_loop_name is None and intent not in NOT_FOLLOWED_UP
                and self._in_window(tracker)):
            return FOLLOWUP, []
        if (_bot_action_before(tracker) in (SUMMARY, SUMMARY_AGAIN) and intent not in SUMMARY_ANSWERS
                and not (message.text or "/").startswith("/")):
            return SUMMARY_AGAIN, []
        return None

    def _in_window(self, tracker: DialogueStateTracker) -> bool:
        """The latest message is one of the `window` that came after a danger message, and the
        person has not gone back to what they were doing since (the form, the summary)."""
        since = -1  # the latest message itself is not one of those before it
        for event in reversed(tracker.events):
            if isinstance(event, ActionExecuted) and event.action_name in RESUME.values():
                return False  # only going back brings these after danger: it ends the window
            if isinstance(event, UserUttered):
                since += 1
                if since > int(self.config["window"]):
                    return False
                if since and (event.intent or {}).get("name") == "danger":
                    return True
        return False


def _after_danger_reply(tracker: DialogueStateTracker, latest: Optional[Text]) -> Optional[Text]:
    """After 112, with nothing paused: the question the message also asks, then the contacts
    of the place it names, then listening; for danger by the classifier alone, or by words
    beside a question the classifier was sure of. None: as for any other danger reply."""
    message = tracker.latest_message
    if (message is None or (message.intent or {}).get("name") != "danger"
            or tracker.get_slot(PAUSED) in RESUME or tracker.active_loop_name is not None):
        return None
    topic = question_beside_danger(message.parse_data)
    if not _classifier_only(message) and not topic:
        return None
    if latest in (DANGER, DANGER_SELF_HARM):
        return f"utter_{topic}" if topic else LOCAL_CONTACT
    if topic and latest == f"utter_{topic}":
        return LOCAL_CONTACT
    if latest == LOCAL_CONTACT:
        return ACTION_LISTEN_NAME
    return None


def _plain_yes(message: UserUttered) -> bool:
    """A yes to "go on where you were?": a button, or a few words that ask nothing. "va gör
    jag??" (what do I do??) once read as yes, and brought back check-back instead of 112."""
    text = (message.text or "").strip()
    if text.startswith("/"):
        return True
    return len(text.split()) <= 3 and not any(mark in text for mark in "?؟፧")


def _unless_unsure_between_yeses(message: UserUttered, intent: str) -> str:
    """"hagaag sii wad" (OK, go on) is resume 0.50 and affirm 0.48: too close for the fallback
    classifier, which says nlu_fallback, but either way a yes. The better of the two then."""
    if intent != "nlu_fallback":
        return intent
    ranked = [r for r in (message.parse_data or {}).get("intent_ranking") or []
              if r.get("name") != "nlu_fallback"]
    if ranked and ranked[0].get("name") in ("resume", "affirm") and len(ranked) > 1 \
            and ranked[1].get("name") in ("resume", "affirm"):
        return ranked[0]["name"]
    return intent


def _classifier_only(message: UserUttered) -> bool:
    """Danger only by the classifier's 0.25 rule, in no danger word (components/danger.py)."""
    return (message.intent or {}).get("overridden_by") == "danger_classifier"


# A typed answer this short that names one of the form's options ("انا نفسي", myself; "je
# travaille dans ce domaine, je suis éducateur", both once read as danger by the classifier
# alone) is that answer, with "Acute danger: 112." before it.
PLAIN_CHOICE_WORDS = 8


def _a_plain_choice(tracker: DialogueStateTracker, message: UserUttered) -> bool:
    slot = tracker.get_slot(REQUESTED_SLOT)
    text = (message.text or "").strip()
    return (tracker.active_loop_name == "contact_form" and slot in CHOICES
            and 0 < len(text.split()) <= PLAIN_CHOICE_WORDS
            and match_choice(slot, text, {}) is not None)


def _asked_for_the_message(tracker: DialogueStateTracker) -> bool:
    return (tracker.active_loop_name == "contact_form"
            and tracker.get_slot(REQUESTED_SLOT) == "message")


def _self_harm(message: UserUttered) -> bool:
    return any(e.get("entity") == "danger_kind" and e.get("value") == "self_harm"
               for e in message.entities or [])


def _pause(tracker: DialogueStateTracker) -> List[Event]:
    """Stop what was asking (a form), keeping every answer, and remember what to go back to."""
    loop = tracker.active_loop_name
    if loop in RESUME:
        paused = [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None), SlotSet(PAUSED, loop)]
        return paused + _kept_as_the_message(tracker, loop)
    if tracker.get_slot(PAUSED) in RESUME:
        return []
    if all(tracker.get_slot(slot) is not None for slot in SUMMARY_SLOTS):
        return [SlotSet(PAUSED, "summary")]  # the summary, or the change step after it
    if _last_bot_response(tracker) == PLACE_QUESTION:
        return [SlotSet(PAUSED, "place_question")]
    return []


def _last_bot_response(tracker: DialogueStateTracker) -> Optional[Text]:
    """The response name of the bot's last message before the latest user message."""
    seen_user = False
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            if seen_user:
                return None
            seen_user = True
        elif isinstance(event, BotUttered) and seen_user:
            return (event.metadata or {}).get("utter_action")
    return None


def _kept_as_the_message(tracker: DialogueStateTracker, loop: Optional[Text]) -> List[Event]:
    """Asked for their message, the person wrote one that reads as danger (or that the
    classifier took for it): after 112 it is kept as the message, so that going on does not
    ask them to write it again. They see it in the summary before anything is sent."""
    if loop != "contact_form" or tracker.get_slot(REQUESTED_SLOT) != "message":
        return []
    text = (tracker.latest_message.text or "").strip() if tracker.latest_message else ""
    if not text or text.startswith("/") or len(text) > MAX_MESSAGE:
        return []
    return [SlotSet("message", text)]


def _bot_action_before(tracker: DialogueStateTracker) -> Optional[Text]:
    """The last action before the bot started listening for the latest message."""
    names = (e.action_name for e in reversed(tracker.events) if isinstance(e, ActionExecuted))
    return next((name for name in names if name != ACTION_LISTEN_NAME), None)
