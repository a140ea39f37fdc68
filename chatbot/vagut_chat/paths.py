"""Where the repository's shared files are: translations/ and the compiled directory. The shared
modules of vagut/ are importable because scripts/setup links the repository into the chatbot's
environment (a .pth file, as an editable install)."""

import os
from pathlib import Path

CHATBOT_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = Path(os.environ.get("VAGUT_REPO_ROOT", CHATBOT_DIR.parent)).resolve()
TRANSLATIONS_DIR = REPO_ROOT / "translations"
DIRECTORY_FILE = REPO_ROOT / "build" / "directory.json"  # vagut.directory compiles it
