"""components.rasa_speedups: installed wherever Rasa loads this project's components, and the
action server's answers pass or fail exactly as with Rasa's own check. The RulePolicy window is
checked against the trained model in test_rule_policy_window.py."""

import pytest

VALID = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "municipality_code", "value": "0117"}],
     "responses": [{"text": "08-540 81 180", "buttons": [{"title": "Ja", "payload": "/affirm"}]}]},
    {"events": [{"event": "active_loop", "name": None}], "responses": [{"response": "utter_x"}]},
]
INVALID = [
    {"events": [{"event": "no_such_event"}], "responses": []},
    {"events": "not a list", "responses": []},
    {"events": [{"name": "slot without event type"}], "responses": []},
]


def remote_action():
    from rasa.core.actions.action import RemoteAction
    from rasa.utils.endpoints import EndpointConfig

    return RemoteAction("action_find_municipality", EndpointConfig("http://127.0.0.1:1/webhook"))


def test_importing_the_components_installs_them():
    from rasa.core.actions.action import RemoteAction
    from rasa.core.policies.rule_policy import RulePolicy

    import components  # noqa: F401
    from components import rasa_speedups

    assert RemoteAction._validate_action_result is rasa_speedups.validate_action_result
    assert RulePolicy._prediction_states is rasa_speedups.prediction_states
    assert RulePolicy.load.__func__ is rasa_speedups.load_rule_policy


@pytest.mark.parametrize("result", VALID)
def test_a_valid_answer_passes_as_with_rasa(result):
    from jsonschema import validate

    from components import rasa_speedups

    validate(result, remote_action().action_response_format_spec())  # Rasa's way: no error
    assert rasa_speedups.validate_action_result(remote_action(), result) is True


@pytest.mark.parametrize("result", INVALID)
def test_an_invalid_answer_raises_rasas_error(result):
    from jsonschema import ValidationError

    from components import rasa_speedups

    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        rasa_speedups.validate_action_result(remote_action(), result)
