"""Two clients change the same visit at the same moment: one wins, the other gets 412, nothing is lost."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from datetime import date

from werkzeug.serving import make_server

from tests.visits.conftest import make_programme
from trainer.auth.operations import create_api_token
from trainer.core.extensions import db
from trainer.visits.models import Visit


def _request(url, method="GET", headers=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers), json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read() or b"null")


def test_two_concurrent_conflicting_writes(app, districts, make_user):
    made = make_programme(districts["chaoyang"], stations=1, firms=1)
    station, lawyer = made["stations"][0], made["lawyers"][0]
    visit = Visit(district_id=station.district_id, station_id=station.id, lawyer_id=lawyer.id,
                  firm_id=lawyer.firm_id, day=date(2026, 12, 8), half="am")
    db.session.add(visit)
    _row, secret = create_api_token(make_user("coordinator", "chaoyang"), "two clients")
    db.session.commit()
    auth = {"Authorization": f"Bearer {secret}"}

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}/api/v1/visits/{visit.id}"
    try:
        status, headers, _body = _request(base, headers=auth)
        assert status == 200
        etag = headers["ETag"]
        start = threading.Barrier(2)
        results = {}

        def client(name, change):
            start.wait()
            results[name] = _request(base, "PATCH", {**auth, "If-Match": etag}, change)

        # Two different changes, both made on the same version of the visit.
        clients = [threading.Thread(target=client, args=("move", {"half": "pm"})),
                   threading.Thread(target=client, args=("pin", {"pinned": True}))]
        for c in clients:
            c.start()
        for c in clients:
            c.join()
    finally:
        server.shutdown()
        thread.join(timeout=5)

    statuses = sorted(result[0] for result in results.values())
    assert statuses == [200, 412], results
    loser = next(r for r in results.values() if r[0] == 412)
    assert loser[2]["error"]["code"] == "precondition_failed"
    db.session.expire_all()
    saved = db.session.get(Visit, visit.id)
    winner = next(name for name, r in results.items() if r[0] == 200)
    # Exactly the winner's change is saved; the loser's is not silently merged or lost without a word.
    assert (saved.half, saved.pinned) == ({"move": ("pm", True), "pin": ("am", True)}[winner])  # a visit moved by hand is pinned
