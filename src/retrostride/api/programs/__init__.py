"""Programs: the catalogue, screening, enrolment, today's prescription, status, calendar."""
