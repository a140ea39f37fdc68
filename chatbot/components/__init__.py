"""The Rasa server's plug-ins: NLU components (config.yml names them components.<module>.<Class>),
the tracker store (endpoints.yml), speed-ups of Rasa itself (rasa_speedups) and a
first-come-first-served limit on turns in progress (turn_admission), both installed on import.
Rasa imports them from the chatbot directory, so the server runs with chatbot/ as its working
directory (scripts/run does)."""

import sys
from pathlib import Path

_CHATBOT_DIR = str(Path(__file__).resolve().parent.parent)
if _CHATBOT_DIR not in sys.path:
    sys.path.insert(0, _CHATBOT_DIR)

from components import rasa_speedups, turn_admission  # noqa: E402

rasa_speedups.install()
turn_admission.install()
