"""The athlete's profile (body mass history and the rest the energy engine needs) and totals."""
