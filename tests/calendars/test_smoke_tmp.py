from tests.calendars.fake_area import add_visit
from trainer.extensions import db
from trainer.calendars import operations, sources
from trainer.calendars.models import FeedToken

def test_smoke(fake_area_installed, login_as):
    client = login_as("lawyer", "chaoyang")
    add_visit(district_id=client.user.district_id, lawyer_id=client.user.id, title="朝外街道，驻站；咨询\n第二行", location="北京市朝阳区朝外大街1号")
    db.session.commit()
    r = client.get("/calendars/subscribe")
    assert r.status_code == 200, r.get_data(as_text=True)[:3000]
    token = db.session.scalar(db.select(FeedToken))
    url = operations.feed_urls(token)["https"].replace("http://trainer.test", "")
    r2 = client.get(url)
    print(r2.status_code, r2.headers)
    print(r2.get_data(as_text=True))
    r3 = client.get(url, headers={"If-None-Match": r2.headers["ETag"]})
    print(r3.status_code)
