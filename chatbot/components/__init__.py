"""The Rasa server's plug-ins, each named where Rasa looks for it: NLU components and policies
in config.yml (components.<module>.<Class>), the REST channel in credentials.yml, the tracker
store in endpoints.yml. The two patches Rasa has no seam for (rasa_patches) are installed by the
server's launcher (serve.py), not by importing this package. Rasa imports them from the chatbot
directory, so the server runs with chatbot/ as its working directory (scripts/run does)."""

import sys
from pathlib import Path

_CHATBOT_DIR = str(Path(__file__).resolve().parent.parent)
if _CHATBOT_DIR not in sys.path:
    sys.path.insert(0, _CHATBOT_DIR)
