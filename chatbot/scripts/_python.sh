# Sourced by the chatbot scripts: finds a Python 3.10 interpreter (Rasa 3.6 needs <3.11).
# A user may name their own with CHATBOT_PYTHON=/path/to/python3.10.
export RASA_TELEMETRY_ENABLED=false
export PATH="$HOME/.local/bin:$PATH"
CHATBOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_ROOT="$(cd "$CHATBOT_DIR/.." && pwd)"
VENV="$CHATBOT_DIR/.venv"

find_python310() {
  local candidate
  if [ -n "${CHATBOT_PYTHON:-}" ]; then
    echo "$CHATBOT_PYTHON"; return 0
  fi
  # pyenv's shim for python3.10 fails unless the version is selected: use the real binary.
  if command -v pyenv >/dev/null 2>&1; then
    for candidate in "$(pyenv root)"/versions/3.10.*/bin/python3.10; do
      [ -x "$candidate" ] && { echo "$candidate"; return 0; }
    done
  fi
  for candidate in "$HOME"/.pyenv/versions/3.10.*/bin/python3.10 /usr/bin/python3.10 \
                   /usr/local/bin/python3.10; do
    [ -x "$candidate" ] && { echo "$candidate"; return 0; }
  done
  if command -v python3.10 >/dev/null 2>&1 && python3.10 -c 'import sys' 2>/dev/null; then
    command -v python3.10; return 0
  fi
  echo "chatbot: no Python 3.10 found; set CHATBOT_PYTHON=/path/to/python3.10" >&2
  return 1
}
