"""Pure science: energy models, outcome measures and units. No I/O, no database."""
