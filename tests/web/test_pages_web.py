"""Page tests: every page through TestClient on SQLite, forms, errors, privacy and units."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from web_helpers import (
    PASSWORD,
    account_id,
    csrf,
    make_client,
    post_form,
    register,
    text_of,
    web_settings,
)

from retrostride.science.energy import Conditions, estimate

ATHLETE_PAGES = (
    "/", "/athletes/me/sessions", "/athletes/me/upload", "/energy", "/athletes/me/program",
    "/athletes/me/assessments", "/sharing", "/settings",
)


def upload_fit(client: Any, shared_data: Path) -> int:
    """Upload the fenix 5 walk (as the upload page's script does) and return its session id."""
    path = shared_data / "activity" / "fit" / "garmin-fenix-5-walk.fit"
    with path.open("rb") as fh:
        r = client.post(
            "/api/athletes/me/uploads?wait=true&direction=backward",
            files=[("files", ("walk.fit", fh.read(), "application/octet-stream"))],
            headers={"X-CSRF-Token": csrf(client)},
        )
    assert r.status_code == 200, r.text
    result = r.json()["results"][0]
    assert result["outcome"] == "imported", result
    return int(result["session_ids"][0])


def test_pages_need_a_login(browser: Any) -> None:
    open_to_visitors = ("/", "/energy")  # the front door and the calculator
    for page in (*ATHLETE_PAGES, "/clinic", "/athletes/me/sessions/1"):
        if page in open_to_visitors:
            assert browser.get(page, follow_redirects=False).status_code == 200, page
            continue
        r = browser.get(page, follow_redirects=False)
        assert r.status_code == 303, page
        assert r.headers["location"].startswith("/login?next=")


def test_register_login_and_every_page(browser: Any) -> None:
    register(browser, "ada@example.org", name="Ada")
    for page in ATHLETE_PAGES:
        r = browser.get(page)
        assert r.status_code == 200, (page, r.text[:500])
        html = r.text
        assert '<a class="skip-link" href="#main">' in html
        assert '<main id="main"' in html and "<nav" in html and "<header" in html
        assert "http://" not in re.sub(r'(href|action|content)="http://testserver', "", html) \
            or "cdn" not in html
        assert "<script src=\"/static/app.js\"" in html
    # log out, then a wrong password says so in a form error
    post_form(browser, "/logout", {})
    r = browser.post("/login", data={"email": "ada@example.org", "password": "wrong one!"})
    assert r.status_code == 422
    assert "The e-mail address or the password is wrong." in r.text
    r = browser.post(
        "/login", data={"email": "ada@example.org", "password": PASSWORD, "next": "//evil.org"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_register_form_errors_name_the_field(browser: Any) -> None:
    r = browser.post("/register", data={"email": "not-an-address", "password": "short",
                                         "password_again": "short", "role": "athlete"})
    assert r.status_code == 422
    assert 'href="#f-email"' in r.text and 'href="#f-password"' in r.text
    assert "at least 10 characters" in r.text
    assert 'aria-invalid="true"' in r.text
    r = browser.post("/register", data={"email": "bo@example.org", "password": PASSWORD,
                                         "password_again": PASSWORD + "x", "role": "athlete"})
    assert r.status_code == 422 and "The two passwords differ" in r.text


def test_form_post_without_csrf_is_refused(browser: Any) -> None:
    register(browser, "ada@example.org")
    r = browser.post("/settings", data={"speed_unit": "mph", "mass_unit": "lb",
                                         "time_zone": "UTC"})
    assert r.status_code == 403
    assert "CSRF" in r.text


@pytest.mark.shared_data
def test_session_page_charts_track_and_direction(browser: Any, shared_data: Path) -> None:
    register(browser, "ada@example.org")
    session_id = upload_fit(browser, shared_data)
    r = browser.get("/athletes/me/sessions")
    assert f'href="/athletes/me/sessions/{session_id}"' in r.text
    r = browser.get(f"/athletes/me/sessions/{session_id}")
    assert r.status_code == 200
    html = r.text
    # speed, heart rate, cadence and elevation charts, each an accessible SVG; the track
    # without tiles
    assert html.count('<figure class="rs-chart"') == 4
    assert 'role="img"' in html and "<title id=" in html
    assert '<svg class="track"' in html and "<polyline" in html
    track = html.split('<svg class="track"')[1].split("</svg>")[0]
    assert "<image" not in track and "http" not in track  # no tiles from anywhere
    # the upload said backward: the segment's band has the backward colour
    assert 'fill="#1f5f8b" fill-opacity="0.16"' in html
    # 2017-06-11 07:32 PDT is 14:32 UTC (times in UTC until the person chooses a zone)
    assert "Sun 11 Jun 2017, 14:3" in text_of(html)
    r = post_form(browser, f"/athletes/me/sessions/{session_id}",
                  {"direction": "forward", "rpe": "4", "notes": "windy"})
    assert r.status_code == 303
    detail = browser.get(f"/api/athletes/me/sessions/{session_id}?samples=false").json()
    assert {s["direction"] for s in detail["segments"]} == {"forward"}
    assert detail["rpe"] == 4 and detail["notes"] == "windy"
    assert browser.get("/athletes/me/sessions/999999").status_code == 404


@pytest.mark.shared_data
def test_units_and_time_zone_follow_the_settings(browser: Any, shared_data: Path) -> None:
    register(browser, "ada@example.org")
    session_id = upload_fit(browser, shared_data)
    r = post_form(browser, "/settings", {"speed_unit": "mph", "mass_unit": "lb",
                                         "time_zone": "Nowhere/Atlantis", "display_name": "A"})
    assert r.status_code == 422 and "is not a time zone" in r.text
    r = post_form(browser, "/settings", {"speed_unit": "mph", "mass_unit": "lb",
                                         "time_zone": "America/Los_Angeles", "display_name": "A"})
    assert r.status_code == 303
    html = browser.get(f"/athletes/me/sessions/{session_id}").text
    # the watch's own zone: 07:32 PDT on 11 June 2017
    assert "Sun 11 Jun 2017, 07:3" in text_of(html)
    assert " mph" in html and " mi" in html and "km/h" not in text_of(html)
    # the athlete's profile gets the zone too (programs and calendars read it there)
    assert browser.get("/api/athletes/me/profile").json()["home_time_zone"] == (
        "America/Los_Angeles"
    )
    energy = browser.get("/energy").text
    assert 'selected>mph</option>' in energy and 'selected>lb</option>' in energy


def test_energy_page_words_a_refusal_with_its_labels(browser: Any) -> None:
    r = browser.get("/energy", params={"speed": "90", "speed_unit": "km/h", "grade": "0",
                                       "mass": "70", "mass_unit": "kg", "duration": "20",
                                       "setting": "treadmill", "gait": "walk"})
    text = r.text
    assert "Speed: " in text and "is not accepted" in text
    assert "speed_m_s" not in text


def test_energy_page_matches_the_engine(browser: Any) -> None:
    register(browser, "ada@example.org")
    r = browser.get("/energy", params={"speed": "3.1", "speed_unit": "mph", "grade": "5",
                                       "mass": "154", "mass_unit": "lb", "duration": "20",
                                       "setting": "treadmill", "gait": "walk"})
    assert r.status_code == 200
    speed = 3.1 * 0.44704
    mass = 154 * 0.45359237
    back = estimate(Conditions(speed_m_s=speed, grade_percent=5, direction="backward",
                               setting="treadmill", gait="walk", body_mass_kg=mass))
    fwd = estimate(Conditions(speed_m_s=speed, grade_percent=5, direction="forward",
                              setting="treadmill", gait="walk", body_mass_kg=mass))

    def shown(pattern: str) -> float:
        match = re.search(pattern, r.text)
        assert match is not None, pattern
        return float(match.group(1))

    # the page prints 1 decimal (MET) and 2 (ratio): equal to half a unit of the last digit
    met = r'data-out="{}-met">(\d+\.\d) MET<'
    assert shown(met.format("backward")) == pytest.approx(back.met, abs=0.05 + 1e-9)
    assert shown(met.format("forward")) == pytest.approx(fwd.met, abs=0.05 + 1e-9)
    ratio = shown(r"Backward costs <strong>(\d+\.\d\d)×</strong>")
    assert ratio == pytest.approx(back.met / fwd.met, abs=0.005 + 1e-9)
    # the live update asks the API, which must give the same numbers
    api = browser.post("/api/energy", json={"speed": "3.1 mph", "grade": "5%", "mass": "154 lb",
                                            "direction": "backward", "setting": "treadmill",
                                            "gait": "walk"},
                       headers={"X-CSRF-Token": csrf(browser)})
    assert api.status_code == 200 and abs(api.json()["met"] - back.met) < 1e-9
    bad = browser.get("/energy", params={"speed": "fast"})
    assert bad.status_code == 422 and 'href="#f-speed"' in bad.text


def test_program_screening_then_start(browser: Any) -> None:
    register(browser, "ada@example.org")
    page = browser.get("/athletes/me/program").text
    questions = re.findall(r'name="(q-[a-z0-9-]+)" value="yes"', page)
    assert len(questions) >= 5
    r = post_form(browser, "/athletes/me/program", {"program_id": "knee-oa",
                                                     "start": "2026-11-02"})
    assert r.status_code == 422 and "Answer yes or no" in r.text
    answers = {q: "no" for q in questions}
    r = post_form(browser, "/athletes/me/program",
                  {"program_id": "knee-oa", "start": "2026-11-02", **answers, "q-heart": "yes"})
    assert r.status_code == 409
    assert "see a doctor or physiotherapist" in r.text and 'id="f-cleared_by"' in r.text
    r = post_form(browser, "/athletes/me/program",
                  {"program_id": "knee-oa", "start": "2026-11-02", **answers})
    assert r.status_code == 303
    page = browser.get("/athletes/me/program").text
    assert "Retro walking for knee osteoarthritis" in page
    assert page.count('<figure class="rs-chart"') == 2  # adherence and weekly volume
    assert "Today, " in page and "Week by week" in page
    assert "Program adherence" in browser.get("/").text


def test_assessments_with_mic_band(browser: Any) -> None:
    register(browser, "ada@example.org")
    for day, value in (("2026-10-01", "7"), ("2026-11-01", "4")):
        r = post_form(browser, "/athletes/me/assessments",
                      {"measure": "nrs_pain", "on": day, "value": value})
        assert r.status_code == 303, r.text
    page = browser.get("/athletes/me/assessments?population=knee_oa").text
    assert page.count('<figure class="rs-chart"') == 1 and "lower is better" in page
    # Salaffi 2004: MCID of the pain NRS in knee OA = 1 point; -3 points is important
    assert "important" in text_of(page) and "Salaffi" in page
    r = post_form(browser, "/athletes/me/assessments",
                  {"measure": "nrs_pain", "on": "2026-11-02", "value": "eleven"})
    assert r.status_code == 422 and 'href="#f-value"' in r.text
    r = post_form(browser, "/athletes/me/assessments",
                  {"measure": "nrs_pain", "on": "2026-11-02", "value": "14"})
    assert r.status_code == 422 and "not accepted" in r.text


def test_sharing_and_the_clinician_view(web_app: Any) -> None:
    athlete, clinician, stranger = (make_client(web_app) for _ in range(3))
    register(athlete, "ada@example.org", name="Ada")
    register(clinician, "doc@example.org", role="clinician", name="Dr Doc")
    register(stranger, "other@example.org", role="clinician")
    ada = account_id(athlete)
    assert clinician.get(f"/athletes/{ada}").status_code == 404
    r = post_form(athlete, "/sharing", {"action": "invite"})
    code = re.search(r'<p class="code" id="invite-code">([^<]+)</p>', r.text)
    assert code is not None
    r = post_form(clinician, "/sharing", {"action": "redeem", "code": "WRONG-CODE"})
    assert r.status_code == 422 and "unknown, used or expired" in r.text
    r = post_form(clinician, "/sharing", {"action": "redeem", "code": code.group(1)})
    assert r.status_code == 303 and r.headers["location"] == "/clinic"
    clinic = clinician.get("/clinic").text
    assert f'href="/athletes/{ada}"' in clinic and "Ada" in clinic and "read-only" in clinic
    for page in ("", "/sessions", "/program", "/assessments"):
        r = clinician.get(f"/athletes/{ada}{page}")
        assert r.status_code == 200, page
        assert "read-only" in r.text
    # read-only: no forms to change the data, and posts are refused
    assert "Record a measurement" not in clinician.get(f"/athletes/{ada}/assessments").text
    r = post_form(clinician, f"/athletes/{ada}/assessments",
                  {"measure": "nrs_pain", "on": "2026-11-01", "value": "3"})
    assert r.status_code == 403
    # an unrelated clinician sees nothing
    assert stranger.get(f"/athletes/{ada}").status_code == 404
    assert stranger.get(f"/athletes/{ada}/sessions").status_code == 404
    # the athlete ends the grant: at once the clinician sees nothing
    grant_id = athlete.get("/api/sharing/grants").json()[0]["id"]
    assert post_form(athlete, "/sharing", {"action": "end", "id": str(grant_id)}).status_code \
        == 303
    assert clinician.get(f"/athletes/{ada}").status_code == 404


@pytest.mark.shared_data
def test_export_then_delete_the_account(browser: Any, shared_data: Path) -> None:
    register(browser, "ada@example.org")
    upload_fit(browser, shared_data)
    export = browser.get("/api/account/export")
    assert export.status_code == 200
    assert len(export.json()["log"]["sessions"]) == 1
    assert 'href="/settings/export"' in browser.get("/settings").text
    bundle = browser.get("/settings/export")
    assert bundle.status_code == 200 and len(bundle.json()["log"]["sessions"]) == 1
    r = post_form(browser, "/settings/delete", {"password": "not my password"})
    assert r.status_code == 422 and "NOT deleted" in r.text
    r = post_form(browser, "/settings/delete", {"password": PASSWORD})
    assert r.status_code == 303
    fresh = make_client(browser.app)
    r = fresh.post("/login", data={"email": "ada@example.org", "password": PASSWORD})
    assert r.status_code == 422


def test_dashboard_counts_this_weeks_backward_minutes(browser: Any) -> None:
    register(browser, "ada@example.org")
    r = browser.patch("/api/athletes/me/profile",
                      json={"add_mass": {"on": "2020-01-01", "mass_kg": 70}},
                      headers={"X-CSRF-Token": csrf(browser)})
    assert r.status_code == 200, r.text
    now = datetime.now(UTC).replace(microsecond=0)
    r = browser.post(
        "/api/athletes/me/sessions",
        json={"sport": "walking", "start_utc": now.isoformat(), "elapsed_s": 1500,
              "distance_m": 1000, "direction": "backward", "setting": "treadmill"},
        headers={"X-CSRF-Token": csrf(browser)},
    )
    assert r.status_code == 201, r.text
    text = text_of(browser.get("/").text)
    assert "Backward 25 min" in text
    assert f"{r.json()['energy_kcal']:.0f} kcal" in text


def test_invitation_link_leads_a_clinician_through_login(web_app: Any) -> None:
    athlete, clinician = make_client(web_app), make_client(web_app)
    register(athlete, "ada@example.org", name="Ada")
    register(clinician, "doc@example.org", role="clinician")
    post_form(clinician, "/logout", {})
    r = post_form(athlete, "/sharing", {"action": "invite"})
    link = re.search(r'id="invite-link">http://[^/]+(/share/accept\?code=[^<]+)</a>', r.text)
    assert link is not None
    r = clinician.get(link.group(1), follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=%2Fshare")
    next_url = r.headers["location"].split("next=")[1]
    r = clinician.post("/login", data={"email": "doc@example.org", "password": PASSWORD,
                                        "next": unquote(next_url)}, follow_redirects=True)
    assert r.status_code == 200
    code = link.group(1).split("code=")[1]
    assert f'value="{code}"' in r.text  # the code is filled in: one click to accept
    assert "Only a clinician" not in r.text


def test_forgotten_password_by_the_mailed_link(tmp_path: Path) -> None:
    from sqlalchemy import select

    from retrostride.server import create_app
    from retrostride.store.accounts import MailOutboxRow

    # links in the server's log: the opt-in of installs without a mail server
    app = create_app(web_settings(f"sqlite:///{tmp_path / 'w.sqlite'}", log_reset_links=True))
    browser = make_client(app)
    register(browser, "ada@example.org")
    post_form(browser, "/logout", {})
    answers = [browser.post("/forgot-password", data={"email": email}).text
               for email in ("ada@example.org", "nobody@example.org")]
    assert "If an account has this address" in answers[0]
    assert text_of(answers[0]) == text_of(answers[1])  # existence is not disclosed
    with browser.app.state.database.sessions() as db:
        body = db.scalars(select(MailOutboxRow.body)).one()
    link = re.search(r"(/reset-password\?token=\S+)", body)
    assert link is not None
    assert browser.get(link.group(1)).status_code == 200
    token = link.group(1).split("token=")[1]
    r = browser.post("/reset-password", data={"token": token, "password": "new password 1",
                                               "password_again": "new password 2"})
    assert r.status_code == 422 and "differ" in r.text
    r = browser.post("/reset-password", data={"token": token, "password": "new password 1",
                                               "password_again": "new password 1"},
                     follow_redirects=False)
    assert r.status_code == 303
    r = browser.post("/login", data={"email": "ada@example.org", "password": "new password 1"},
                     follow_redirects=False)
    assert r.status_code == 303
    r = browser.post("/reset-password", data={"token": token, "password": "new password 3",
                                               "password_again": "new password 3"})
    assert r.status_code == 422 and "unknown, used or expired" in r.text


def test_profile_for_energy_and_html_errors(browser: Any) -> None:
    register(browser, "ada@example.org")
    r = post_form(browser, "/settings", {"speed_unit": "km/h", "mass_unit": "lb",
                                         "time_zone": "UTC", "display_name": "Ada"})
    assert r.status_code == 303
    r = post_form(browser, "/settings/profile", {"mass": "heavy", "height_cm": "172"})
    assert r.status_code == 422 and 'href="#f-mass"' in r.text
    r = post_form(browser, "/settings/profile", {"mass": "154.3", "height_cm": "172",
                                                 "birth_year": "1961", "sex": "female"})
    assert r.status_code == 303
    profile = browser.get("/api/athletes/me/profile").json()
    assert abs(profile["body_mass"][0]["mass_kg"] - 154.3 * 0.45359237) < 1e-6
    assert profile["height_m"] == pytest.approx(1.72, rel=1e-12) and profile["sex"] == "female"
    assert 'value="154.3"' in browser.get("/settings").text
    r = browser.get("/no/such/page")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert browser.get("/api/no/such/route").headers["content-type"] == "application/json"
