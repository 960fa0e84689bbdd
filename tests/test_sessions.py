"""Sessions end server-side: after logging out, changing the password or being disabled, a copy of the session
cookie taken before (another tab, another device, a stolen cookie) opens nothing any more."""

from __future__ import annotations

from tests.conftest import PASSWORD


def _copy_of(app, client):
    """A second browser holding a copy of ``client``'s session cookie."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def _opens_pages(client) -> bool:
    response = client.get("/account/tokens")
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


def test_a_cookie_copied_before_logout_fails_after_it(app, login_as):
    browser = login_as("coordinator", "chaoyang")
    copy = _copy_of(app, browser)
    assert _opens_pages(browser) and _opens_pages(copy)
    assert copy.get("/visits/").status_code == 200
    browser.post("/logout")
    assert not _opens_pages(copy)
    assert copy.get("/visits/").status_code == 302
    assert not _opens_pages(browser)


def test_changing_the_password_ends_every_other_session(app, login_as):
    browser = login_as("lawyer", "chaoyang")
    copy = _copy_of(app, browser)
    assert _opens_pages(copy)
    response = browser.post("/account/password", data={"current": PASSWORD, "new": "another-long-password",
                                                       "confirm": "another-long-password"})
    assert response.status_code == 302
    assert _opens_pages(browser)  # the session that changed it goes on
    assert not _opens_pages(copy)


def test_disabling_the_user_ends_their_sessions_at_once(app, login_as, make_user):
    browser = login_as("coordinator", "chaoyang")
    copy = _copy_of(app, browser)
    admin = login_as("admin", None)
    user = browser.user
    response = admin.post(f"/accounts/{user.id}", data={
        "username": user.username, "display_name": user.display_name, "role": user.role,
        "district_id": user.district_id, "active": ""})
    assert response.status_code == 302
    assert not _opens_pages(browser) and not _opens_pages(copy)
