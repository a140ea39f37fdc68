"""components.rule_policy: a loaded WindowedRulePolicy derives the same last states and predicts
exactly what RulePolicy predicts, at every step of the conversation tests (the form, danger
inside it, changes of language), alone and joined into one long conversation, where only the
last few actions are derived."""

from pathlib import Path

import pytest

CHATBOT_DIR = Path(__file__).resolve().parent.parent
MODEL = CHATBOT_DIR / "models" / "vag-ut.tar.gz"


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """The policy as the trained model holds it (chatbot/scripts/train), and the domain."""
    from rasa.engine.graph import ExecutionContext
    from rasa.engine.storage.local_model_storage import LocalModelStorage

    from components.rule_policy import WindowedRulePolicy

    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run chatbot/scripts/train first")
    storage, metadata = LocalModelStorage.from_model_archive(
        tmp_path_factory.mktemp("model"), MODEL)
    schema = metadata.predict_schema
    name, node = next((n, node) for n, node in schema.nodes.items()
                      if node.uses is WindowedRulePolicy)
    config = {**WindowedRulePolicy.get_default_config(), **node.config}
    policy = WindowedRulePolicy.load(config, storage, node.resource,
                             ExecutionContext(schema, metadata.model_id, node_name=name))
    return policy, metadata.domain


@pytest.fixture(scope="module")
def conversations(trained):
    """The conversation tests as event lists (tests/conversations)."""
    from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader

    _, domain = trained
    reader = YAMLStoryReader(domain)
    steps = [step for path in sorted((CHATBOT_DIR / "tests" / "conversations").glob("*.yml"))
             for step in reader.read_from_file(path)]
    assert len(steps) >= 20
    return [step.events for step in steps]


def with_window(policy, size, call):
    """`call()` with the policy's window set to `size` (None: Rasa's own, all states)."""
    window = policy.recent_window
    policy.recent_window = size
    try:
        return call()
    finally:
        policy.recent_window = window


def predictions_at_every_action(policy, domain, events):
    """(window, full) predictions before each action of the conversation."""
    from rasa.shared.core.events import ActionExecuted
    from rasa.shared.core.trackers import DialogueStateTracker

    window = policy.recent_window
    for i, event in enumerate(events):
        if not isinstance(event, ActionExecuted):
            continue
        tracker = DialogueStateTracker.from_events("test", events[:i], slots=domain.slots)
        # The states derived are the last ones of all the conversation's states.
        full = with_window(policy, None, lambda: policy._prediction_states(tracker, domain))
        recent = policy._prediction_states(tracker, domain)
        assert recent == full[-len(recent):]
        assert len(recent) == min(len(full), window + 1)

        def predict():
            prediction = policy.predict_action_probabilities(tracker, domain)
            return (prediction.probabilities, prediction.events,
                    prediction.is_end_to_end_prediction)

        yield event.action_name, [predict(), with_window(policy, None, predict)]


def test_the_window_is_the_longest_rule(trained):
    import json

    policy, _ = trained
    keys = [*policy.lookup["rules"], *policy.lookup["rules_for_loop_unhappy_path"]]
    assert policy.recent_window == max(len(json.loads(key)) for key in keys)
    assert 2 <= policy.recent_window <= 8


def test_same_prediction_as_rule_policy_at_every_step(trained, conversations):
    from rasa.shared.core.events import ActionExecuted

    policy, domain = trained
    joined = [e for events in conversations for e in events]
    checked = 0
    for events in [*conversations, joined]:
        for action, (recent, full) in predictions_at_every_action(policy, domain, events):
            assert recent == full, action
            checked += 1
    # The joined conversation is far longer than the window, so most steps used it.
    assert sum(isinstance(e, ActionExecuted) for e in joined) > 20 * policy.recent_window
    assert checked > 200
