"""retrostride: a toolkit for backward walking (retro walking).

Layers, bottom to top (imports point down only):

- ``science``: pure models (energy, outcome measures, units). No I/O.
- ``log``: the training log's domain objects (person, session, segment, samples). No I/O.
- ``gait``: the in-memory IMU recording and the signal processing on it. No I/O.
- ``training``: programs as data, progression rules, schedules.
- ``importers``: file formats -> domain objects. Parsers only: they never store.
- ``store``: the database (SQLAlchemy 2, Alembic).
- ``services``: use cases tying the layers together; the CLI and web app call these.
- ``cli``: the command line.
"""

__version__ = "0.1.0"
