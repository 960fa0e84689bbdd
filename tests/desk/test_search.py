"""The search (issue 15B): stations, unions, lawyers, firms, trainees and instructors found by Chinese, full pinyin
and initials ("wang" and "wjh" find 王建华), only within what the user may see; and every list of names in pinyin
order (东坝 before 三间房), with the pinyin kept in the same transaction as the name."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from sqlalchemy import select

from trainer.core.extensions import db
from trainer.core.names import by_name, name_key, pinyin_of
from trainer.instructors.models import Instructor
from trainer.org.models import Station, Union
from trainer.visits.models import Lawyer
from trainer.visits.setup import operations as setup_ops


def _found(client, query: str) -> dict[str, list[str]]:
    """kind -> the names listed, in the page's order."""
    html = client.get("/search", query_string={"q": query}).get_data(as_text=True)
    out = {}
    for kind, block in re.findall(r'data-kind="(\w+)">(.*?)</section>', html, re.S):
        out[kind] = [unescape(n) for n in re.findall(r'<li><a href="[^"]+">([^<]+)</a>', block)]
    return out


@pytest.fixture
def people(districts):
    chaoyang, xicheng = districts["chaoyang"], districts["xicheng"]
    firm = setup_ops.save_firm(None, district_id=chaoyang.id, name="北京汇诚律师事务所", contact_name="罗建军",
                               contact_phone="18601562233")
    setup_ops.save_contract(None, firm=firm, start=date(2026, 1, 1), end=date(2026, 12, 31), stations_covered=2)
    for name in ("王建华", "汪洋", "李静怡", "黄旺"):
        setup_ops.save_lawyer(None, firm=firm, name=name, phone="13900000000")
    other = setup_ops.save_firm(None, district_id=xicheng.id, name="北京西城律师事务所", contact_name="王五",
                                contact_phone="13800000000")
    setup_ops.save_lawyer(None, firm=other, name="王建国", phone="13900000001")
    union = Union(district_id=chaoyang.id, name="三间房地区总工会", kind="street", street="三间房")
    db.session.add(union)
    for name in ("三间房地区工会服务站", "东坝地区工会服务站", "东湖街道工会服务站", "安贞街道工会服务站"):
        db.session.add(Station(district_id=chaoyang.id, union=union, name=name, address="北京市朝阳区"))
    db.session.add(Instructor(name="王海燕", tier="district_full", district_id=chaoyang.id, background="expert",
                              status="active"))
    db.session.commit()


def test_wang_and_wjh_find_wang_jianhua(login_as, people):
    client = login_as("coordinator", "chaoyang")
    for query in ("wang", "wjh", "王建", "wangjianhua", "Wang Jian", "WJH"):
        assert "王建华" in _found(client, query).get("lawyer", []), query
    found = _found(client, "wang")
    # The best match first: full pinyin from its start (王建华, 汪洋 — in pinyin order), then within (黄旺).
    assert found["lawyer"] == ["王建华", "汪洋", "黄旺"]
    assert found["instructor"] == ["王海燕"]
    assert "李静怡" not in sum(found.values(), [])
    assert _found(client, "ljy")["lawyer"] == ["李静怡"]
    assert _found(client, "sjf") == {"station": ["三间房地区工会服务站"], "union": ["三间房地区总工会"]}
    assert _found(client, "汇诚")["firm"] == ["北京汇诚律师事务所"]
    page = client.get("/search?q=wang").get_data(as_text=True)
    assert "“wang”共找到" in page and "律师" in page


def test_the_search_stays_within_what_the_user_may_see(login_as, people):
    # A coordinator of Xicheng does not find Chaoyang's 王建华, only their own 王建国.
    xicheng = login_as("coordinator", "xicheng")
    assert _found(xicheng, "wjh").get("lawyer") is None
    assert _found(xicheng, "wang")["lawyer"] == ["王建国"]
    # The city admin finds both, each with its district.
    admin = login_as("admin", None)
    assert sorted(_found(admin, "wangjian")["lawyer"]) == ["王建华", "王建国"]
    page = unescape(admin.get("/search?q=wangjian").get_data(as_text=True))
    assert "朝阳区" in page and "西城区" in page
    # The people in the field have their own pages and no search.
    for role in ("lawyer", "trainee", "instructor"):
        assert login_as(role, "chaoyang").get("/search?q=wang").status_code == 403


def test_an_empty_or_odd_query_answers_calmly(login_as, people):
    client = login_as("coordinator", "chaoyang")
    assert _found(client, "") == {}
    odd = client.get("/search?q=%25_")
    assert odd.status_code == 200 and _found(client, "%_") == {}  # LIKE's wildcards are only characters
    assert _found(client, "%") == {} and _found(client, "_") == {}
    long = client.get("/search", query_string={"q": "王" * 500})
    assert long.status_code == 200 and _found(client, "王" * 500) == {}  # cut to the longest query, found nothing


def test_lists_are_in_pinyin_order(login_as, people):
    assert by_name(["三间房", "东坝", "东湖", "安贞"], name=lambda n: n) == ["安贞", "东坝", "东湖", "三间房"]
    assert name_key("重庆") < name_key("东坝")  # 重庆 is chong qing
    client = login_as("coordinator", "chaoyang")
    stations = client.get("/org/stations").get_data(as_text=True)
    order = [stations.index(n) for n in ("安贞街道工会", "东坝地区工会", "东湖街道工会", "三间房地区工会")]
    assert order == sorted(order)
    lawyers = client.get("/visits/lawyers").get_data(as_text=True)
    order = [lawyers.index(n) for n in ("黄旺", "李静怡", "王建华", "汪洋")]
    assert order == sorted(order)
    # The pinyin search of the stations page and of the lawyers page.
    assert "三间房地区工会服务站" in client.get("/org/stations?q=sjf").get_data(as_text=True)
    page = client.get("/visits/lawyers?q=wjh").get_data(as_text=True)
    assert "王建华" in page and "李静怡" not in page


def test_the_pinyin_follows_the_name_in_the_same_transaction(people):
    station = db.session.scalar(select(Station).where(Station.name == "东坝地区工会服务站"))
    assert (station.name_pinyin, station.name_initials) == ("dongbadiqugonghuifuwuzhan", "dbdqghfwz")
    station.name = "长安街工会服务站"
    db.session.flush()
    assert station.name_pinyin == "changanjiegonghuifuwuzhan" and station.name_initials == "cajghfwz"
    db.session.rollback()
    assert db.session.get(Station, station.id).name_pinyin == "dongbadiqugonghuifuwuzhan"
    lawyer = db.session.scalar(select(Lawyer).where(Lawyer.name == "王建华"))
    assert pinyin_of(lawyer.name) == (lawyer.name_pinyin, lawyer.name_initials) == ("wangjianhua", "wjh")
