"""Uploads of one or many activity files into the log, imported as a job with progress."""
