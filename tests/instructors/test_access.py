"""Who sees what: instructors their own, coordinators their district."""

from __future__ import annotations

from datetime import date

from tests.instructors.conftest import settle, text_of
from trainer.instructors.duties.operations import add_responsibility
from trainer.instructors.engagements.operations import save_engagement


def test_instructor_sees_own_page(tree, login_as):
    add_responsibility(tree.qian, "street", "望京街道")
    settle()
    client = login_as("instructor", "chaoyang", user=tree.part_user)
    page = text_of(client.get("/instructors/mine").get_data(as_text=True))
    assert "钱晓梅" in page and "赵建国" in page and "望京街道" in page  # my guide and my areas
    page = text_of(login_as("instructor", "chaoyang", user=tree.zhao_user).get("/instructors/mine")
                   .get_data(as_text=True))
    assert "孙立平" in page and "钱晓梅" in page and "孙志强" in page  # my guide, whom I guide


def test_part_time_instructor_cannot_edit_others(tree, login_as):
    client = login_as("instructor", "chaoyang", user=tree.part_user)
    for url in (f"/instructors/{tree.sun.id}/edit", f"/instructors/{tree.sun.id}", "/instructors/",
                "/instructors/chart", "/instructors/duties", "/instructors/training", "/instructors/new"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/instructors/{tree.sun.id}/guide", data={"guide_id": tree.li.id}).status_code == 403
    engagement = save_engagement(None, district_id=tree.cy, enterprise="某企业", union_name="某企业工会",
                                 industry=None, street=None, stage="request_sent",
                                 request_sent_on=date(2026, 11, 2), instructors=[tree.zhao])
    settle()
    assert client.get(f"/instructors/engagements/{engagement.id}").status_code == 403  # not assigned
    assert login_as("instructor", "chaoyang", user=tree.zhao_user).get(
        f"/instructors/engagements/{engagement.id}").status_code == 200


def test_coordinator_district_scope(tree, login_as):
    client = login_as("coordinator", "chaoyang")
    listing = text_of(client.get("/instructors/").get_data(as_text=True))
    assert "赵建国" in listing and "孙立平" in listing and "王海燕" not in listing
    assert client.get(f"/instructors/{tree.wang.id}").status_code == 403
    assert client.get(f"/instructors/{tree.wang.id}/edit").status_code == 403
    assert client.get(f"/instructors/{tree.city.id}/edit").status_code == 403  # the city's, not the district's
    assert client.get(f"/instructors/{tree.city.id}").status_code == 200
    engagement = save_engagement(None, district_id=tree.xc, enterprise="西城某企业", union_name="工会",
                                 industry=None, street=None, stage="request_sent",
                                 request_sent_on=date(2026, 11, 2), instructors=[tree.wang])
    settle()
    assert client.get(f"/instructors/engagements/{engagement.id}").status_code == 403
    assert "西城某企业" not in client.get("/instructors/engagements").get_data(as_text=True)
