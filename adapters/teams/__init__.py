"""The Teams app package: manifest, icons, and the command that zips them (python -m adapters.teams)."""
