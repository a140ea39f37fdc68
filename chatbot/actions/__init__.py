"""The chatbot's custom actions (rasa_sdk), one module per feature.

`rasa_sdk` imports every module in this package when the action server starts
(`rasa run actions --actions actions`). Shared, Rasa-free helpers live in `i18n`, `places`,
`langdetect` and `intake`; the Rasa server's own NLU components import `places` and `langdetect` too.
"""

from actions import paths  # noqa: F401,E402  (puts the repository root on sys.path for vagut/)
