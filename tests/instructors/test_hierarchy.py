"""The three-tier rules: every breach refused with a message naming the rule, beside the field."""

from __future__ import annotations

from tests.instructors.conftest import errors_of, settle, text_of
from trainer.core.extensions import db
from trainer.instructors.models import Instructor


def _form(tree, **overrides):
    data = {"name": "新指导员", "tier": "district_part", "district_id": tree.cy, "guide_id": tree.zhao.id,
            "background": "lawyer", "status": "active", "user_id": 0}
    data.update(overrides)
    return data


def test_building_the_hierarchy_through_the_form(tree, login_as):
    client = login_as("coordinator", "chaoyang")
    response = client.post("/instructors/new", data=_form(tree, name="吴丽华", guide_id=tree.li.id))
    assert response.status_code == 302
    created = db.session.query(Instructor).filter_by(name="吴丽华").one()
    assert created.guide_id == tree.li.id and created.guide_tier == "district_full"
    assert created.guide_district_id == tree.cy
    page = client.get(f"/instructors/{created.id}").get_data(as_text=True)
    assert "李秀英" in page


def test_part_time_under_a_city_instructor_is_refused(tree, login_as):
    client = login_as("coordinator", "chaoyang")
    response = client.post("/instructors/new", data=_form(tree, guide_id=tree.city.id))
    assert response.status_code == 422
    assert errors_of(response.get_data(as_text=True)) == [
        "规则：兼职指导员不能直接挂在市级指导员（孙立平）之下，应联系本区的区级专职指导员。"]
    assert 'value="新指导员"' in response.get_data(as_text=True)  # what was typed stays
    assert db.session.query(Instructor).filter_by(name="新指导员").count() == 0


def test_part_time_linked_across_districts_is_refused(tree, login_as):
    client = login_as("admin", None)
    response = client.post("/instructors/new", data=_form(tree, guide_id=tree.wang.id))
    assert errors_of(response.get_data(as_text=True)) == [
        "规则：兼职指导员只能联系同一区的专职指导员；王海燕在西城区工作。"]


def test_district_full_time_must_be_guided_by_a_city_instructor(tree, login_as):
    client = login_as("coordinator", "chaoyang")
    response = client.post("/instructors/new", data=_form(tree, tier="district_full", guide_id=tree.li.id))
    assert errors_of(response.get_data(as_text=True)) == [
        "规则：区级专职指导员由市级专职指导员指导；李秀英是区级专职。"]
    response = client.post("/instructors/new", data=_form(tree, tier="district_full", guide_id=0))
    assert errors_of(response.get_data(as_text=True)) == [
        "规则：每名区级专职指导员由一名市级专职指导员指导，请选择。"]


def test_city_instructor_has_no_guide_and_no_district(tree, login_as):
    client = login_as("admin", None)
    response = client.post("/instructors/new", data=_form(tree, tier="city_full", guide_id=tree.city2.id))
    assert errors_of(response.get_data(as_text=True)) == ["规则：市级专职指导员不受他人指导，请不选指导人。"]
    # a coordinator is not even offered the city tier
    coordinator = login_as("coordinator", "chaoyang")
    response = coordinator.post("/instructors/new", data=_form(tree, tier="city_full", guide_id=0))
    assert 'value="city_full"' not in response.get_data(as_text=True)
    assert db.session.query(Instructor).filter_by(name="新指导员").count() == 0


def test_relink_rules_on_the_instructor_page(tree, login_as):
    client = login_as("coordinator", "chaoyang")
    # guiding oneself
    response = client.post(f"/instructors/{tree.zhao.id}/guide", data={"guide_id": tree.zhao.id})
    assert response.status_code == 422
    assert errors_of(response.get_data(as_text=True)) == ["规则：指导员不能指导自己。"]
    # a part-time instructor moved under another district's full-time one
    response = client.post(f"/instructors/{tree.qian.id}/guide", data={"guide_id": tree.city.id})
    assert "规则：兼职指导员不能直接挂在市级指导员" in errors_of(response.get_data(as_text=True))[0]
    # a good move
    response = client.post(f"/instructors/{tree.qian.id}/guide", data={"guide_id": tree.li.id})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Instructor, tree.qian.id).guide_id == tree.li.id


def test_no_cycles(tree, ctx):
    from trainer.core.validation import InvalidInput
    from trainer.instructors.hierarchy.operations import check_guide

    # Tiers alone forbid cycles; the general check still catches a loop in bad data.
    # Corrupt in memory only: the database itself refuses such a link (PostgreSQL checks the composite keys).
    with db.session.no_autoflush:
        tree.zhao.guide = tree.qian
        try:
            check_guide(tree.qian, tree.zhao, tier="district_part", district_id=tree.cy)
        except InvalidInput as error:
            assert error.fields["guide_id"].startswith("规则：指导关系不能形成循环")
        else:
            raise AssertionError("the cycle was accepted")
    db.session.rollback()


def test_tier_change_of_someone_who_guides_others_is_refused(tree, login_as):
    client = login_as("coordinator", "chaoyang")
    data = _form(tree, name="赵建国", tier="district_part", guide_id=tree.li.id, version=tree.zhao.version)
    response = client.post(f"/instructors/{tree.zhao.id}/edit", data=data)
    assert errors_of(response.get_data(as_text=True)) == [
        "赵建国正在指导2名指导员（钱晓梅、孙志强），请先为他们更换指导人，再修改层级或所属区。"]


def test_org_chart_shows_spans_and_the_over_limit_warning(tree, login_as, app):
    client = login_as("admin", None)
    app.config["INSTRUCTOR_SPAN_LIMIT"] = 1
    try:
        page = text_of(client.get("/instructors/chart").get_data(as_text=True))
    finally:
        app.config["INSTRUCTOR_SPAN_LIMIT"] = 8
    assert "孙立平" in page and "指导 2 人" in page  # the city instructor guides 赵建国 and 李秀英
    assert "超出上限 1" in page
    assert "超出指导人数上限：孙立平、赵建国" in page
    coordinator = login_as("coordinator", "chaoyang")
    page = text_of(coordinator.get("/instructors/chart").get_data(as_text=True))
    assert "赵建国" in page and "王海燕" not in page and "周敏" not in page  # own district under its city guide
    assert "超出" not in page


def test_duties_gaps_and_overlaps(tree, login_as, districts):
    from trainer.org.models import Union

    for street in ("望京街道", "酒仙桥街道", "常营地区"):
        db.session.add(Union(district_id=tree.cy, name=f"{street}总工会", kind="street", street=street))
    settle()
    client = login_as("coordinator", "chaoyang")
    for person, kind, value in ((tree.qian, "street", "望京街道"), (tree.sun, "street", "望京街道"),
                                (tree.sun, "street", "酒仙桥街道"), (tree.zhao, "industry", "建筑业")):
        assert client.post("/instructors/duties", data={"instructor_id": person.id, "kind": kind,
                                                        "value": value}).status_code == 302
    response = client.post("/instructors/duties", data={"instructor_id": tree.sun.id, "kind": "street",
                                                        "value": "望京街道"})
    assert errors_of(response.get_data(as_text=True)) == ["孙志强已负责望京街道。"]
    page = text_of(client.get("/instructors/duties").get_data(as_text=True))
    gaps = page.split("空白")[1].split("重叠")[0]
    assert "常营地区" in gaps and "望京街道" not in gaps and "建筑业" not in gaps and "制造业" in gaps
    overlaps = page.split("重叠：同一层级重复负责")[1].split("添加")[0]
    assert "望京街道" in overlaps and "孙志强" in overlaps and "钱晓梅" in overlaps
    assert "酒仙桥街道" not in overlaps


def test_api_guide_change_names_the_rule(tree, app, make_user):
    from trainer.auth.operations import create_api_token

    admin = make_user("admin", None)
    with app.test_request_context("/"):
        _token, secret = create_api_token(admin, "test")
        settle()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    response = client.get(f"/api/v1/instructors/{tree.qian.id}", headers=headers)
    assert response.status_code == 200 and response.json["tier"] == "district_part"
    etag = response.headers["ETag"]
    response = client.put(f"/api/v1/instructors/{tree.qian.id}/guide", json={"guide_id": tree.city.id},
                          headers={**headers, "If-Match": etag})
    assert response.status_code == 422
    assert response.json["error"]["code"] == "invalid"
    assert response.json["error"]["fields"]["guide_id"].startswith("规则：兼职指导员不能直接挂在市级指导员")
    response = client.put(f"/api/v1/instructors/{tree.qian.id}/guide", json={"guide_id": tree.li.id},
                          headers={**headers, "If-Match": etag})
    assert response.status_code == 200 and response.json["guide_id"] == tree.li.id
    response = client.post("/api/v1/instructors", headers=headers, json={
        "tier": "district_part", "district": "xicheng", "name": "新人", "background": "teacher",
        "guide_id": tree.zhao.id})
    assert response.status_code == 422
    assert "同一区" in response.json["error"]["fields"]["guide_id"]
    listing = client.get("/api/v1/instructors?tier=city_full", headers=headers)
    assert {i["name"] for i in listing.json} == {"孙立平", "周敏"}
    assert {i["name"]: i["guides"] for i in listing.json}["孙立平"] == 2
