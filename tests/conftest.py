"""The tests run the intake service as development, chosen explicitly as scripts/run does: the
service assumes production, and refuses to start there without its secrets. Set before any test
module imports intake_api.main (which builds the app, and reads the settings, on import)."""

import os

os.environ["INTAKE_ENVIRONMENT"] = "development"
