"""In a real browser: every role logs in, sees the Chinese home page, and can switch to English."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e

ROLES = ["admin", "coordinator", "lawyer", "trainee", "instructor"]


def _log_in(page, base, user):
    page.goto(f"{base}/login")
    assert page.locator("h1").inner_text() == "登录工会维权服务平台"
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("role", ROLES)
def test_each_role_logs_in_and_sees_chinese(page, live_server, make_user, role):
    user = make_user(role, None if role == "admin" else "chaoyang")
    _log_in(page, live_server, user)
    assert "/login" not in page.url
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.get_by_role("button", name="退出").is_visible()
    page.goto(f"{live_server}/?stay=1")
    assert f"欢迎，{user.display_name}" in page.locator("h1").inner_text()


def test_switch_to_english_and_back(page, live_server, make_user):
    user = make_user("coordinator", "chaoyang")
    _log_in(page, live_server, user)
    page.goto(f"{live_server}/?stay=1")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Log out").is_visible()
    assert "Welcome" in page.locator("h1").inner_text()
    page.get_by_role("button", name="中文").click()
    page.wait_for_load_state()
    assert "欢迎" in page.locator("h1").inner_text()


def test_wrong_password_shows_error_beside_field(page, live_server, make_user):
    user = make_user("coordinator", "chaoyang")
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").inner_text() == "用户名或密码不正确，或账号已停用。"
    assert page.get_by_label("用户名").input_value() == user.username
