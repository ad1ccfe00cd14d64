"""Migration 0020: the year rows of ``period_total`` filled from the month rows."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from retrostride.store.db import _alembic_config, create_database_engine


def _month(person: int, day: str, sessions: int, time_s: float) -> str:
    return (
        "INSERT INTO period_total (person_id, kind, first_day, sessions, undated, time_s, "
        "distance_m, energy_kcal, energy_unknown, backward_s, direction_known_s) VALUES "
        f"({person}, 'month', '{day}', {sessions}, 1, {time_s}, 100.0, 50.0, 0, 10.0, 20.0)"
    )


def test_upgrade_to_0020_sums_the_month_rows_per_year_and_downgrade_drops_them(
    database_url: str,
) -> None:
    """A database at 0019 with two people's month rows (a year with three months, a year with
    one, a gap between): upgrading gives a row a year equal to the sum of its months; the week
    and month rows are kept; downgrading removes the year rows only."""
    from alembic import command

    engine = create_database_engine(database_url)
    try:
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "0019_session_surface")
            for pid, name in ((1, "ana"), (2, "bo")):
                conn.execute(text(
                    "INSERT INTO person (id, name, home_time_zone, created_at) "
                    f"VALUES ({pid}, '{name}', 'UTC', '2024-01-01 00:00:00')"
                ))
            for sql in (
                _month(1, "2019-02-01", 3, 600.0), _month(1, "2019-03-01", 2, 400.0),
                _month(1, "2019-12-01", 1, 100.0), _month(1, "2023-07-01", 4, 1000.0),
                _month(2, "2024-01-01", 5, 50.0),
            ):
                conn.execute(text(sql))
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "0020_year_totals")
        with engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT person_id, first_day, sessions, undated, time_s, distance_m "
                "FROM period_total WHERE kind = 'year' ORDER BY person_id, first_day"
            )).all()
            months = conn.execute(
                text("SELECT count(*) FROM period_total WHERE kind = 'month'")
            ).scalar_one()
        got = [(p, date.fromisoformat(str(d)), n, u, t, m) for p, d, n, u, t, m in rows]
        assert [g[:4] for g in got] == [
            (1, date(2019, 1, 1), 6, 3), (1, date(2023, 1, 1), 4, 1), (2, date(2024, 1, 1), 5, 1)
        ]
        assert [g[4] for g in got] == pytest.approx([1100.0, 1000.0, 50.0], rel=1e-12)
        assert [g[5] for g in got] == pytest.approx([300.0, 100.0, 100.0], rel=1e-12)
        assert months == 5
        with engine.begin() as conn:
            command.downgrade(_alembic_config(conn), "0019_session_surface")
        with engine.connect() as conn:
            kinds = conn.execute(text("SELECT DISTINCT kind FROM period_total")).scalars().all()
        assert kinds == ["month"]
    finally:
        engine.dispose()
