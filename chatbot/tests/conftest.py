import json
from pathlib import Path

import pytest

CHATBOT_DIR = Path(__file__).resolve().parent.parent

FIXTURES = Path(__file__).parent / "fixtures"


def load_tracker(name: str, **changes):
    """A rasa_sdk Tracker from a JSON snapshot in tests/fixtures/ (the shape Rasa sends to the
    action server), with `slots`, `text`, `intent`, `entities` or `metadata` changed."""
    from rasa_sdk import Tracker

    state = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    state["slots"].update(changes.pop("slots", {}))
    latest = state["latest_message"]
    for key in ("text", "entities", "metadata"):
        if key in changes:
            latest[key] = changes.pop(key)
    if "intent" in changes:
        latest["intent"] = {"name": changes.pop("intent"), "confidence": 1.0}
    assert not changes, changes
    return Tracker.from_dict(state)


@pytest.fixture
def tracker_from():
    return load_tracker


@pytest.fixture
def domain():
    import yaml

    merged = {}
    for path in sorted((CHATBOT_DIR / "domain").glob("*.yml")):
        merged.update(yaml.safe_load(path.read_text(encoding="utf-8")))
    return merged
