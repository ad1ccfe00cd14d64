"""The training log's sessions: list (paged), detail with samples, manual entry, edit, delete."""
