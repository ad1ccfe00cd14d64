"""Use cases that tie the layers together; the CLI and the web app call these."""
