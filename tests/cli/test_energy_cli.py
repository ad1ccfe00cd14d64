"""``retrostride energy``, ``compendium`` and ``compare`` through Typer's CliRunner."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from retrostride.cli import app

runner = CliRunner()
REQUIRED_KEYS = {
    "met",
    "met_corrected",
    "vo2_ml_kg_min",
    "kcal_gross",
    "kcal_net",
    "forward_met",
    "ratio_to_forward",
    "gait",
    "model",
    "sources",
    "extrapolated",
}


def _json(*args: str) -> dict[str, object]:
    result = runner.invoke(app, ["energy", *args, "--json"])
    assert result.exit_code == 0, result.output
    payload: dict[str, object] = json.loads(result.stdout)
    return payload


def test_json_has_the_listed_keys_and_reproduces_17320() -> None:
    payload = _json("--speed", "3.5 mph")
    assert payload.keys() >= REQUIRED_KEYS
    assert payload["met"] == pytest.approx(6.0, rel=0.03)
    assert payload["met_corrected"] is None
    assert payload["gait"] == "walk"
    assert payload["extrapolated"] is False
    assert payload["kcal_gross"] == pytest.approx(payload["met"] * 70, rel=1e-12)  # type: ignore[operator]
    assert isinstance(payload["sources"], list) and payload["sources"]


def test_units_are_understood() -> None:
    mph = _json("--speed", "3.5 mph", "--mass", "154 lb", "--duration", "30 min")
    kmh = _json("--speed", "5.6327 km/h", "--mass", "69.853 kg", "--duration", "0.5 h")
    assert mph["met"] == pytest.approx(kmh["met"], rel=1e-4)
    assert mph["kcal_gross"] == pytest.approx(kmh["kcal_gross"], rel=1e-4)
    pace = _json("--speed", "10:00 min/km", "--direction", "forward")
    assert pace["conditions"]["speed_m_s"] == pytest.approx(1000 / 600, rel=1e-12)  # type: ignore[index]


def test_profile_gives_corrected_met_as_intensity_and_person_specific_net_kcal() -> None:
    payload = _json(
        "--speed",
        "3.5 mph",
        "--age",
        "30",
        "--sex",
        "male",
        "--height",
        "175 cm",
        "--duration",
        "1h",
    )
    assert payload["met_corrected"] == pytest.approx(6.0 * 1.036, rel=0.01)
    assert str(payload["kcal_met_used"]).startswith("standard")
    # gross by MET x kg x h, never by the corrected MET (Kozey 2010 is an intensity)
    assert payload["kcal_gross"] == pytest.approx(payload["met"] * 70, rel=1e-12)  # type: ignore[operator]
    assert payload["kcal_gross_o2"] == pytest.approx(payload["met"] * 70 * 1.05, rel=1e-12)  # type: ignore[operator]
    # net = gross - Harris-Benedict resting energy for the hour (1702.0 kcal/day / 24)
    assert payload["kcal_net"] == pytest.approx(payload["met"] * 70 - 1702.0125 / 24, rel=1e-9)  # type: ignore[operator]


def test_the_older_woman_of_the_review_on_the_command_line() -> None:
    payload = _json(
        "--code",
        "17320",
        "--age",
        "65",
        "--sex",
        "female",
        "--height",
        "160 cm",
        "--mass",
        "90 kg",
        "--duration",
        "60 min",
    )
    assert payload["kcal_gross"] == pytest.approx(540.0, rel=1e-12)
    assert payload["kcal_gross_o2"] == pytest.approx(567.0, rel=1e-12)
    assert payload["kcal_net"] == pytest.approx(477.2, abs=0.1)
    assert any("Older Adult Compendium" in note for note in payload["notes"])  # type: ignore[attr-defined]


def test_beyond_human_capacity_exits_2_naming_the_ceiling() -> None:
    result = runner.invoke(
        app,
        [
            "energy",
            "--speed",
            "14 km/h",
            "--gait",
            "walk",
            "--grade",
            "17",
            "--setting",
            "curved-treadmill",
            "--mass",
            "57.5 kg",
            "--json",
        ],
    )
    assert result.exit_code == 2 and "--speed" in result.stderr and "MET ceiling" in result.stderr
    sled = runner.invoke(
        app, ["energy", "--speed", "0.5 m/s", "--sled", "200 kg", "--surface", "high-friction-turf"]
    )
    assert sled.exit_code == 2 and "--sled" in sled.stderr and "body weights" in sled.stderr


def test_every_option_is_accepted() -> None:
    payload = _json(
        "--speed",
        "1 m/s",
        "--direction",
        "backward",
        "--gait",
        "walk",
        "--grade",
        "-3",
        "--setting",
        "treadmill",
        "--surface",
        "dirt-road",
        "--load",
        "10 kg",
        "--sled",
        "20 kg",
        "--mass",
        "80 kg",
        "--edition",
        "2011",
    )
    assert payload["edition"] == 2011
    assert payload["extrapolated"] is True


def test_code_lookup_both_editions() -> None:
    # a row's printed MET, read from the shipped CSV: exact on purpose (also for the stairs)
    assert _json("--code", "17325")["met"] == 7.8
    assert _json("--code", "17325", "--edition", "2011")["met"] == 8.0


def test_human_output_names_the_baseline() -> None:
    result = runner.invoke(app, ["energy", "--speed", "3.5 mph", "--grade", "5"])
    assert result.exit_code == 0
    assert "ratio to forward" in result.stdout and "baseline" in result.stdout


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--speed", "-1 mph"], "--speed"),
        (["--speed", "3 parsecs"], "--speed"),
        (["--speed", "3 mph", "--grade", "300"], "--grade"),
        (["--speed", "3 mph", "--mass", "0 kg"], "--mass"),
        (["--speed", "3 mph", "--load", "-2 kg"], "--load"),
        (["--speed", "3 mph", "--edition", "2019"], "--edition"),
        (["--speed", "3 mph", "--surface", "lava"], "--surface"),
        (["--speed", "3 mph", "--age", "30"], "--sex"),
        (["--code", "99999"], "--code"),
        ([], "--speed"),
    ],
)
def test_meaningless_input_exits_2_with_one_line(args: list[str], option: str) -> None:
    result = runner.invoke(app, ["energy", *args])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert option in lines[0] and "expected" in lines[0]


def test_compendium_search() -> None:
    result = runner.invoke(app, ["compendium", "search", "backward"])
    assert result.exit_code == 0
    assert "17320" in result.stdout and "17475" in result.stdout
    old = runner.invoke(app, ["compendium", "search", "backwards", "--edition", "2011"])
    assert "17325" in old.stdout and "8.0" in old.stdout and "17475" not in old.stdout


def test_compare_shows_both_editions_the_model_and_next_steps() -> None:
    result = runner.invoke(app, ["compare"])
    assert result.exit_code == 0
    for text in (
        "4.3",
        "4.8",
        "6.0",
        "8.0",
        "7.8",
        "1.40",
        "1.25",
        "Where to go next",
        "retrostride energy",
    ):
        assert text in result.stdout


def test_stairs_from_the_stair_rows() -> None:
    assert _json("--stairs", "fast")["met"] == 9.3  # 2024 17134
    assert _json("--stairs", "general", "--edition", "2011")["met"] == 8.0  # 2011 17130
    refused = runner.invoke(app, ["energy", "--stairs", "sideways"])
    assert refused.exit_code == 2 and "--stairs" in refused.stderr
