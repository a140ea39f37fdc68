"""The Rasa server's plug-ins, each named where Rasa looks for it: NLU components and policies
in config.yml (components.<module>.<Class>), the REST channel in credentials.yml, the tracker
store in endpoints.yml. The two patches Rasa has no seam for (rasa_patches) are installed by the
server's launcher (serve.py), not by importing this package. The Rasa-free logic they share with
the actions is in vagut_chat/."""
