"""Program and rule files: the shipped ones are valid, and bad ones are refused clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrostride.errors import InputError
from retrostride.training.loader import load_catalogue, load_program, load_rule_sets, shipped_dir

PROGRAM_IDS = {"knee-oa", "fitness", "knee-oa-lbpp", "balance", "beginner"}


def test_every_shipped_program_loads_and_cites_its_sources() -> None:
    cat = load_catalogue()
    assert set(cat.programs) == PROGRAM_IDS
    for program in cat.programs.values():
        assert program.sources, program.id
        bases = {e.basis for e in program.evidence}
        assert bases == {"evidence", "our choice"}, program.id  # both are marked
        assert all(e.why for e in program.evidence if e.basis == "our choice")
        assert program.rules in cat.rule_sets
        for level in program.levels:
            for name, (low, high) in level.limits.bounds.items():
                value = level.start.get(name)
                assert value is None or low <= value <= high


def test_alghadir_dose_is_as_published() -> None:
    p = load_catalogue().program("knee-oa")
    assert (p.weeks, p.sessions_per_week) == (6, 3)
    assert p.first_prescription.duration_s == 600  # "10 min" in the program file: exact
    assert p.first_prescription.supervision != "none"
    names = {e.name for e in p.exercises}
    assert {
        "Straight-leg raise",
        "Semi-squat",
        "Leg press",
        "Terminal knee extension",
        "Isometric hip adduction",
        "Isometric quadriceps contraction",
    } == names


def test_beginner_path_goes_treadmill_overground_incline_deadmill_sled() -> None:
    p = load_catalogue().program("beginner")
    settings = [level.start.setting for level in p.levels]
    assert settings == ["treadmill", "overground", "treadmill", "deadmill", "sled-lane"]
    assert p.levels[0].start.handrails
    assert (p.levels[2].start.grade_percent or 0) > 0
    assert p.levels[4].start.sled_kg


def test_lbpp_and_balance_doses() -> None:
    cat = load_catalogue()
    lbpp = cat.program("knee-oa-lbpp")
    assert lbpp.levels[0].limits.bounds["duration_s"][1] == 30 * 60  # "up to 30 min"
    balance = cat.program("balance")
    assert (balance.weeks, balance.sessions_per_week) == (12, 2)
    assert all(level.limits.bounds["duration_s"][1] == 25 * 60 for level in balance.levels)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _program_text(**overrides: str) -> str:
    source = (shipped_dir() / "knee-oa-retro-walking.toml").read_text(encoding="utf-8")
    for old, new in overrides.items():
        assert old in source
        source = source.replace(old, new)
    return source


def test_bad_duration_names_the_file_table_and_form(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "bad.toml", _program_text(**{'duration = "10 min"': 'duration = "ten"'})
    )
    with pytest.raises(InputError) as info:
        load_program(path)
    assert "bad.toml" in str(info.value) and "duration" in str(info.value)


def test_unknown_weekday_and_missing_reason_are_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "days.toml", _program_text(**{'"mon", "wed", "fri"': '"mon", "funday"'})
    )
    with pytest.raises(InputError, match="days"):
        load_program(path)
    text = _program_text(**{'why = "the trial kept 10 min': 'note = "the trial kept 10 min'})
    with pytest.raises(InputError, match="why"):
        load_program(_write(tmp_path, "why.toml", text))


def test_start_outside_limits_is_refused(tmp_path: Path) -> None:
    text = _program_text(**{'speed = "2.0 km/h"': 'speed = "9 km/h"'})
    with pytest.raises(InputError, match="start"):
        load_program(_write(tmp_path, "limits.toml", text))


def test_invalid_toml_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"broken\.toml"):
        load_program(_write(tmp_path, "broken.toml", "kind = 'program'\nid = "))


def test_rules_with_unknown_metric_or_action_are_refused(tmp_path: Path) -> None:
    base = """kind = "rules"
[[rule_sets]]
id = "x"
  [[rule_sets.rules]]
  name = "r"
  when = [{ metric = "METRIC", op = ">", value = 1 }]
  then = [{ action = "ACTION", field = "duration", amount = "1 min" }]
  because = "test"
"""
    good = base.replace("METRIC", "pain_after_max").replace("ACTION", "add")
    assert load_rule_sets(_write(tmp_path, "good.toml", good))["x"].rules[0].then[0].amount == 60
    with pytest.raises(InputError, match="metric"):
        load_rule_sets(
            _write(tmp_path, "m.toml", base.replace("METRIC", "mood").replace("ACTION", "add"))
        )
    with pytest.raises(InputError, match="action"):
        load_rule_sets(
            _write(
                tmp_path, "a.toml", base.replace("METRIC", "rpe_max").replace("ACTION", "explode")
            )
        )


def test_a_clinic_folder_can_hold_its_own_programs(tmp_path: Path) -> None:
    (tmp_path / "rules.toml").write_bytes((shipped_dir() / "rules.toml").read_bytes())
    text = _program_text(**{'id = "knee-oa"': 'id = "clinic-knee"'})
    _write(tmp_path, "clinic.toml", text)
    cat = load_catalogue(tmp_path)
    assert set(cat.programs) == {"clinic-knee"}
    with pytest.raises(InputError, match="program"):
        cat.program("nope")
