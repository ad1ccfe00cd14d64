"""``retrostride worker --once`` runs what is queued, on a SQLite file and on PostgreSQL."""

from __future__ import annotations

from typer.testing import CliRunner

from retrostride.cli import app
from retrostride.services import jobs
from retrostride.store.db import open_database, utc_now
from retrostride.store.models import PersonRow


def test_worker_once_runs_the_queued_jobs(database_url: str) -> None:
    database = open_database(database_url)
    try:
        with database.transaction() as s:
            person = PersonRow(name="ada", created_at=utc_now())
            s.add(person)
            s.flush()
            person_id = person.id
        ids = [
            jobs.submit(
                database,
                person_id,
                "probe",
                files=[],
                folder=None,
                options={},
                extra={"allocate_mb": 1},
            )
            for _ in range(2)
        ]
        result = CliRunner().invoke(app, ["worker", "--once", "--database", database_url])
        assert result.exit_code == 0, result.output
        assert "2 job(s) run" in result.output
        for job_id in ids:
            job = jobs.state(database, job_id)
            assert job is not None and job.status == jobs.DONE
    finally:
        database.close()
