"""An invitation link works end to end, also for a clinician who registers from it."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote, urlsplit

from web_helpers import PASSWORD, make_client, post_form, register, text_of


def _invite_path(athlete: Any) -> str:
    page = post_form(athlete, "/sharing", {"action": "invite"})
    assert page.status_code == 200, page.text
    match = re.search(r"/share/accept\?code=[\w\-.~%]+", page.text)
    assert match, "no invitation link on the page"
    return match.group(0)


def test_clinician_registers_from_the_link_and_accepts(browser: Any, web_app: Any) -> None:
    register(browser, "ada@example.org", name="Ada")
    path = _invite_path(browser)
    clinician = make_client(web_app)
    first = clinician.get(path, follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"].startswith("/login?next=")
    login_page = clinician.get(first.headers["location"])
    reg_href = re.search(r'href="(/register\?next=[^"]+)"', login_page.text)
    assert reg_href, "the login page's registration link drops the invitation"
    form = clinician.get(reg_href.group(1).replace("&amp;", "&"))
    assert 'value="clinician" checked' in form.text
    nxt = re.search(r'name="next" value="([^"]+)"', form.text)
    assert nxt and unquote(nxt.group(1).replace("&amp;", "&")) == path
    done = clinician.post("/register", data={
        "email": "doc@example.org", "password": PASSWORD, "password_again": PASSWORD,
        "role": "clinician", "display_name": "Doc", "next": path,
    }, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == path
    accept = clinician.get(path)
    assert accept.status_code == 200
    code = urlsplit(path).query.split("=", 1)[1]
    assert f'value="{code}"' in accept.text
    # the page's form posts to where the browser is (or to /sharing): both accept
    posted = post_form(clinician, path, {"action": "redeem", "code": code})
    assert posted.status_code == 303 and posted.headers["location"] == "/clinic"
    clinic = clinician.get("/clinic")
    assert "Ada" in text_of(clinic.text)


def test_the_accept_form_posts_to_the_sharing_page(browser: Any, web_app: Any) -> None:
    register(browser, "bo@example.org", name="Bo")
    path = _invite_path(browser)
    clinician = make_client(web_app)
    register(clinician, "doc2@example.org", role="clinician")
    page = clinician.get(path)
    assert re.search(r'<form method="post" action="/sharing"', page.text)
