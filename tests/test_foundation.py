"""The foundation as a user meets it: logging in, the Chinese interface, district scope, the audit log."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from tests.conftest import PASSWORD, login
from trainer.audit.models import AuditEntry
from trainer.auth.models import User
from trainer.auth.operations import create_api_token
from trainer.core.extensions import db
from trainer.org.models import Station, Union


def _station(district, name="八里庄街道工会服务站"):
    union = Union(district=district, name=name.replace("服务站", ""), kind="street", street="八里庄街道")
    station = Station(district=district, union=union, name=name, address="北京市朝阳区八里庄路1号",
                      receiving=["1:am"])
    db.session.add_all([union, station])
    db.session.commit()
    return station


def test_login_page_is_chinese_by_default(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    assert "登录工会维权服务平台" in html
    assert "用户名" in html and "密码" in html


def test_wrong_password_keeps_user_name_and_says_why(client, make_user):
    user = make_user("coordinator")
    html = client.post("/login", data={"username": user.username, "password": "wrong"}).get_data(as_text=True)
    assert "用户名或密码不正确，或账号已停用。" in html
    assert f'value="{user.username}"' in html


def test_english_switch(client, make_user):
    client.post("/lang/en", data={"next": "/login"})
    html = client.get("/login").get_data(as_text=True)
    assert "Log in to Trainer" in html
    client.post("/lang/zh")
    assert "登录工会维权服务平台" in client.get("/login").get_data(as_text=True)


def test_home_shows_chinese_date_and_navigation_for_the_role(login_as):
    client = login_as("coordinator", "chaoyang")
    html = client.get("/?stay=1").get_data(as_text=True)
    assert "今天是" in html and "年" in html
    assert "服务站" in html and "操作日志" in html
    assert "各区" not in html  # the district list is the city admin's


def test_dates_are_written_the_chinese_way(app):
    from trainer.core.i18n import format_day

    with app.test_request_context("/"):
        assert format_day(date(2027, 3, 5)) == "2027年3月5日 周五"
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert format_day(date(2027, 3, 5)) == "Fri 5 Mar 2027"


def test_coordinator_sees_only_own_district(login_as, districts):
    chaoyang = _station(districts["chaoyang"])
    xicheng = _station(districts["xicheng"], "牛街街道工会服务站")
    client = login_as("coordinator", "chaoyang")
    html = client.get("/org/stations").get_data(as_text=True)
    assert chaoyang.name in html and xicheng.name not in html
    assert client.get(f"/org/stations/{xicheng.id}/edit").status_code == 403
    assert client.get(f"/org/stations/{chaoyang.id}/edit").status_code == 200


def test_station_form_keeps_input_and_puts_error_beside_field(login_as, districts):
    station = _station(districts["chaoyang"])
    client = login_as("coordinator", "chaoyang")
    html = client.post("/org/stations/new", data={
        "name": "新站", "union_id": station.union_id, "address": "北京市朝阳区某路2号",
        "contact_phone": "12345", "receiving": ["1:am"], "am_hours": "09:00-12:00", "pm_hours": "14:00-17:00",
    }).get_data(as_text=True)
    assert "手机号码" in html and "13800138000" in html
    assert 'value="新站"' in html and 'value="北京市朝阳区某路2号"' in html
    assert db.session.scalar(select(Station).where(Station.name == "新站")) is None
    # A screen reader hears which field is wrong and its message; the fields that are right carry no mark (an
    # aria-invalid="None" would be read as invalid).
    phone = re.search(r'<input [^>]*id="contact_phone"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in phone and 'aria-describedby="contact_phone-error"' in phone
    assert re.search(r'<p class="error" id="contact_phone-error" role="alert">[^<]*手机号码', html)
    name = re.search(r'<input [^>]*id="name"[^>]*>', html).group(0)
    assert "aria-invalid" not in name and "aria-describedby" not in name
    assert '="None"' not in html


def test_station_hours_must_be_times_of_a_day_in_the_form_and_the_api(login_as, districts, make_user, client):
    """"81:85-87:14" is no time of day: refused beside the field (form) or as a 422 naming it (API), nothing
    stored — it once reached the planner and answered 500."""
    station = _station(districts["chaoyang"])
    coordinator = login_as("coordinator", "chaoyang")
    html = coordinator.post("/org/stations/new", data={
        "name": "新站", "union_id": station.union_id, "address": "北京市朝阳区某路2号", "receiving": ["1:am"],
        "am_hours": "09:00-12:00", "pm_hours": "81:85-87:14"}).get_data(as_text=True)
    assert "时间请写成 09:00-12:00。" in html and 'value="81:85-87:14"' in html
    assert db.session.scalar(select(Station).where(Station.name == "新站")) is None

    _token, secret = create_api_token(make_user("coordinator", "chaoyang", username="api.coord"), "test")
    db.session.commit()
    auth = {"Authorization": f"Bearer {secret}"}
    read = client.get(f"/api/v1/stations/{station.id}", headers=auth)
    body = {key: read.json[key] for key in ("name", "union_id", "address", "receiving")}
    answer = client.put(f"/api/v1/stations/{station.id}", json={**body, "pm_hours": "81:85-87:14"},
                        headers={**auth, "If-Match": read.headers["ETag"]})
    assert answer.status_code == 422 and "pm_hours" in answer.json["error"]["fields"]
    db.session.expire_all()
    assert db.session.get(Station, station.id).pm_hours == "14:00-17:00"


def test_changes_are_audited_and_scoped(login_as, districts):
    station = _station(districts["chaoyang"])
    client = login_as("coordinator", "chaoyang")
    response = client.post(f"/org/stations/{station.id}/edit", data={
        "name": station.name, "union_id": station.union_id, "address": "北京市朝阳区新地址9号",
        "receiving": ["1:am", "3:pm"], "am_hours": "09:00-12:00", "pm_hours": "14:00-17:00",
        "version": station.version,
    })
    assert response.status_code == 302
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "Station",
                                                        AuditEntry.action == "update")).one()
    assert entry.actor == client.user.username
    assert entry.before["address"] == "北京市朝阳区八里庄路1号"
    assert entry.after["address"] == "北京市朝阳区新地址9号"
    assert "北京市朝阳区新地址9号" in client.get("/audit/").get_data(as_text=True)
    other = login_as("coordinator", "xicheng")
    assert "北京市朝阳区新地址9号" not in other.get("/audit/").get_data(as_text=True)


def test_stale_edit_shows_the_other_persons_values_and_who_saved_them(login_as, districts, make_user):
    station = _station(districts["chaoyang"])
    first = login_as("coordinator", "chaoyang")
    second = login_as("coordinator", "chaoyang")
    old_version = station.version
    data = {"name": station.name, "union_id": station.union_id, "address": "地址一", "receiving": ["1:am"],
            "am_hours": "09:00-12:00", "pm_hours": "14:00-17:00", "version": old_version}
    assert first.post(f"/org/stations/{station.id}/edit", data=data).status_code == 302
    response = second.post(f"/org/stations/{station.id}/edit", data={**data, "address": "地址二"},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"{first.user.display_name} 在" in page and "保存了这条记录" in page
    assert 'value="地址一"' in page and "地址二" not in page
    db.session.refresh(station)
    assert station.address == "地址一"


def test_stale_union_edit_shows_the_other_persons_values_and_who_saved_them(login_as, districts):
    union = _station(districts["chaoyang"]).union
    first, second = login_as("coordinator", "chaoyang"), login_as("coordinator", "chaoyang")
    data = {"name": union.name, "kind": "street", "district_id": union.district_id, "version": union.version}
    assert first.post(f"/org/unions/{union.id}", data={**data, "street": "八里庄街道一"}).status_code == 302
    response = second.post(f"/org/unions/{union.id}", data={**data, "street": "八里庄街道二"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.request.path == f"/org/unions/{union.id}"
    assert f"{first.user.display_name} 在" in page and "保存了这条记录" in page
    assert 'value="八里庄街道一"' in page and "八里庄街道二" not in page
    db.session.refresh(union)
    assert union.street == "八里庄街道一"


def test_disabled_account_cannot_log_in_and_its_session_ends(app, make_user, login_as):
    user = make_user("coordinator")
    client = login_as(user=user)
    assert client.get("/org/stations").status_code == 200
    admin = login_as("admin", None)
    admin.post(f"/accounts/{user.id}", data={"username": user.username, "display_name": user.display_name,
                                              "role": "coordinator", "district_id": user.district_id})
    db.session.refresh(user)
    assert user.active is False
    assert client.get("/org/stations").status_code == 302
    html = app.test_client().post("/login", data={"username": user.username, "password": PASSWORD}).get_data(
        as_text=True)
    assert "账号已停用" in html


def test_an_account_needs_a_real_e_mail_address(app, districts, login_as):
    """The e-mail of an account is checked as a station contact's is (one check, email-validator): "abc" is
    refused beside the field and kept as typed; nothing is saved."""
    admin = login_as("admin", None)
    form = {"username": "qa.user", "display_name": "测试", "role": "coordinator",
            "district_id": districts["chaoyang"].id, "password": "a-long-password-1", "active": "y"}
    for typed in ("abc", "wang@", "wang@@example.cn"):
        response = admin.post("/accounts/new", data={**form, "email": typed})
        html = response.get_data(as_text=True)
        assert re.search(r'<p class="error" id="email-error" role="alert">请填写电子邮箱地址，如 name@example.cn。</p>',
                         html)
        assert response.status_code == 422 and f'value="{typed}"' in html
    assert db.session.scalar(select(User).where(User.username == "qa.user")) is None
    assert admin.post("/accounts/new", data={**form, "email": "wang@jingchao-law.cn"}).status_code == 302
    assert db.session.scalar(select(User).where(User.username == "qa.user")).email == "wang@jingchao-law.cn"


def test_password_change(login_as, app):
    client = login_as("lawyer", "chaoyang")
    html = client.post("/account/password", data={"current": "nope", "new": "new-password-123",
                                                 "confirm": "new-password-123"}).get_data(as_text=True)
    assert "当前密码不正确。" in html
    client.post("/account/password", data={"current": PASSWORD, "new": "new-password-123",
                                          "confirm": "new-password-123"})
    login(app.test_client(), client.user, "new-password-123")


def test_security_headers(client):
    response = client.get("/login")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_friendly_error_pages(login_as):
    client = login_as("trainee", "chaoyang")
    response = client.get("/accounts")
    assert response.status_code == 403 and "您没有权限查看此页面。" in response.get_data(as_text=True)
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "页面不存在。" in response.get_data(as_text=True)
