"""The chat's logic that needs no Rasa, in one plain package that the Rasa server's components
(components/) and the action server's actions (actions/) both import: the places finder over the
compiled directory (`places`), the careful language guess (`langdetect`), the danger words
(`danger_lexicon`, `danger_words.yml`), typed answers to choices (`choices`), the translated
strings (`i18n`) and where the shared files are (`paths`). It runs in the chatbot's Python 3.10
environment, beside the small stdlib-and-babel modules of the repository's vagut/ (slug,
languages, compiled, placefinder, sounds); the rest of vagut/ (the compiler) needs Python 3.11."""
