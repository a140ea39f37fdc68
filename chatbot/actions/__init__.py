"""The chatbot's custom actions (rasa_sdk), one module per feature.

`rasa_sdk` imports every module in this package when the action server starts
(`rasa run actions --actions actions`). The Rasa-free logic they share with the Rasa server's
components (places, language guess, choices, strings) is in the plain package vagut_chat/;
`intake` (the intake service's client) and `common` are the actions' own.
"""
