"""Where the repository's shared files are: translations/, the compiled directory, vagut/."""

import os
import sys
from pathlib import Path

CHATBOT_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = Path(os.environ.get("VAGUT_REPO_ROOT", CHATBOT_DIR.parent)).resolve()
TRANSLATIONS_DIR = REPO_ROOT / "translations"
DIRECTORY_FILE = REPO_ROOT / "build" / "directory.json"  # vagut.directory compiles it

# The small shared modules (vagut/slug.py, languages.py, compiled.py, placefinder.py, sounds.py)
# are stdlib + babel only, so the chatbot's Python 3.10 environment imports them directly; the
# rest of vagut/ (the compiler: pydantic 2) needs Python 3.11.
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))
