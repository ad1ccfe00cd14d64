"""The energy calculator over HTTP, against the Compendium's published backward-walking METs."""

from __future__ import annotations

import pytest
from api_helpers import TestClient, signup


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_energy_matches_the_compendium_and_reads_units(client: TestClient) -> None:
    ada = signup(client, "ada@example.org")
    # Herrmann et al. 2024 Compendium, code 17320: walking backward, 3.5 mph, level = 6.0 MET.
    r = ada.post("/api/energy", json={"speed": "3.5 mph", "direction": "backward"})
    assert r.status_code == 200, r.text
    level = r.json()
    assert level["met"] == pytest.approx(6.0, abs=0.05)
    assert level["ratio_to_forward"] > 1 and level["sources"]
    # Code 17325: 3.5 mph, 5% grade = 7.8 MET in the 2024 edition.
    uphill = ada.post("/api/energy", json={"speed": "3.5 mph", "grade": "5%"}).json()
    assert uphill["met"] == pytest.approx(7.8, abs=0.1)
    # Text with units and SI numbers agree; kcal = MET x kg x h.
    si = ada.post(
        "/api/energy",
        json={"speed_m_s": 1.56464, "body_mass_kg": 70, "duration_s": 1800},
    ).json()
    text = ada.post(
        "/api/energy", json={"speed": "3.5 mph", "mass": "154.32 lb", "duration": "30 min"}
    ).json()
    assert si["met"] == pytest.approx(text["met"], rel=1e-4)
    assert text["gross_kcal"] == pytest.approx(text["met"] * 70 * 0.5, rel=1e-3)
    bad = ada.post("/api/energy", json={"speed": "fast"})
    assert bad.status_code == 422 and bad.json()["field"] == "speed"
    assert ada.post("/api/energy", json={}).status_code == 422
    assert client.post("/api/energy", json={"speed": "5 km/h"}).status_code == 401


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_energy_for_a_person_and_the_ceilings(client: TestClient) -> None:
    ada = signup(client, "ada@example.org")
    # 65-year-old, 90 kg, 160 cm woman, backward 3.5 mph for an hour (Compendium 17320, 6.0 MET).
    body = {
        "speed": "3.5 mph",
        "mass": "90 kg",
        "duration": "60 min",
        "age_years": 65,
        "sex": "female",
        "height_m": 1.6,
    }
    person = ada.post("/api/energy", json=body).json()
    assert person["gross_kcal"] == pytest.approx(person["met"] * 90, rel=1e-12)
    assert person["gross_kcal_o2"] == pytest.approx(person["met"] * 90 * 1.05, rel=1e-12)
    rest = (655.0955 + 9.5634 * 90 + 1.8496 * 160 - 4.6756 * 65) / 24  # Harris-Benedict 1919
    assert person["net_kcal"] == pytest.approx(person["gross_kcal"] - rest, rel=1e-9)
    assert person["notes"] and "Older Adult Compendium" in person["notes"][0]
    # beyond human capacity: 422 naming the field and the ceiling
    hard = ada.post(
        "/api/energy",
        json={
            "speed": "14 km/h",
            "gait": "walk",
            "grade": "17",
            "setting": "curved-treadmill",
            "mass": "57.5 kg",
        },
    )
    assert hard.status_code == 422 and hard.json()["field"] == "speed_m_s"
    heavy = ada.post(
        "/api/energy", json={"speed_m_s": 0.5, "sled_kg": 200, "surface": "high-friction-turf"}
    )
    assert heavy.status_code == 422 and heavy.json()["field"] == "sled_kg"
    # the forward baseline is forward at the same gait (running backward vs running forward)
    run = ada.post("/api/energy", json={"speed": "6.5 km/h"}).json()
    assert run["gait"] == "run" and run["forward_gait"] == "run"
    # net ratio: the mean of the published backward running studies (1.29), not 1.71 as the page
    # once showed against forward walking
    assert (run["met"] - 1) / (run["forward_met"] - 1) == pytest.approx(1.29, abs=0.005)
    assert run["ratio_to_forward"] < 1.3
    assert run["met_low"] < run["met"] < run["met_high"] and run["certainty"] == "low"
