"""Where the repository's shared files are: content/, translations/, data/, vagut/."""

import os
import sys
from pathlib import Path

CHATBOT_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = Path(os.environ.get("VAGUT_REPO_ROOT", CHATBOT_DIR.parent)).resolve()
CONTENT_DIR = REPO_ROOT / "content"
TRANSLATIONS_DIR = REPO_ROOT / "translations"
POSTAL_CSV = REPO_ROOT / "data" / "geodata" / "postal_to_municipality.csv"

# The small shared helpers (vagut/slug.py, vagut/languages.py) are stdlib + babel only, so the
# chatbot's Python 3.10 environment imports them directly; the rest of vagut/ needs Python 3.11.
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))
