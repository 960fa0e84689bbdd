"""Pages that hold a crowd: the month calendar, the firms' accounts and a firm's monthly account send the same
number of SQL statements for a small district and for a large one (counted with SQLAlchemy events, never timed).

The districts come from bench/city_district.py, the generator `make bench` measures the pages on.
"""

from __future__ import annotations

import re
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from trainer.core.extensions import db
from trainer.core.months import month_bounds
from trainer.visits.models import Visit

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import city_district  # noqa: E402

MONTH = "2026-11"


@contextmanager
def counted():
    """The SQL statements sent while the block runs."""
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)


@pytest.fixture
def small_and_large(app, districts):
    small = city_district.populate(districts["daxing"], stations=8, firms=2, lawyers=4, coordinator="coord.small")
    large = city_district.populate(districts["tongzhou"], stations=240, firms=40, lawyers=100,
                                   coordinator="coord.large")
    db.session.commit()
    return {"small": small, "large": large}


def _pages(made) -> dict[str, str]:
    return {"calendar": f"/visits/?month={MONTH}", "accounts": f"/visits/accounts?month={MONTH}",
            "firm_account": f"/visits/accounts/{made.busiest_firm.id}?month={MONTH}"}


def _statements(app, made) -> tuple[dict[str, int], dict[str, str]]:
    client = app.test_client()
    response = client.post("/login", data={"username": made.coordinator.username,
                                           "password": city_district.PASSWORD})
    assert response.status_code == 302
    counts, pages = {}, {}
    for page, path in _pages(made).items():
        with app.app_context():
            assert client.get(path).status_code == 200  # first request: whatever is read once per process
        # Each request in an app context of its own, as in a web worker: a fresh session and a fresh ``g``. In
        # the test's own context, what its session still held and the per-context checks made within the last
        # seconds (the working-day calendar's, trainer.workdays.service) made the count differ by one between
        # two runs of the same code on a slow machine.
        with app.app_context(), counted() as statements:
            response = client.get(path)
            assert response.status_code == 200, path
            counts[page], pages[page] = len(statements), response.get_data(as_text=True)
        SEEN[(made.coordinator.username, page)] = list(statements)
    return counts, pages


SEEN: dict[tuple[str, str], list[str]] = {}  # the statements of each counted page, shown when the counts differ


def _differing(small, large, counts_small, counts_large) -> str:
    out = []
    for page in counts_small:
        if counts_small[page] != counts_large[page]:
            for who in (small, large):
                out.append(f"--- {page} as {who.coordinator.username}:")
                out += [" ".join(s.split())[:160] for s in SEEN[(who.coordinator.username, page)]]
    return "\n".join(out)


def test_the_crowded_pages_send_as_many_statements_for_a_city_as_for_a_small_district(app, small_and_large):
    small, large = small_and_large["small"], small_and_large["large"]
    assert large.visits >= 20 * small.visits  # the large district is really larger

    small_counts, small_pages = _statements(app, small)
    large_counts, large_pages = _statements(app, large)

    assert large_counts == small_counts, _differing(small, large, small_counts, large_counts)
    assert max(large_counts.values()) <= 20, large_counts  # a handful per page, not one per visit or firm

    # And the pages show what the district holds: every visit of the month on the calendar, every firm with its
    # planned visits in the accounts list, the busiest firm's visits in its account.
    for made, pages in ((small, small_pages), (large, large_pages)):
        assert pages["calendar"].count('<li class="half-') == made.visits
        planned = [int(n) for n in re.findall(r'data-k="planned">(\d+)<', pages["accounts"])]
        assert len(planned) == made.firms and sum(planned) == made.visits
        firm_visits = db.session.scalar(select(func.count()).where(Visit.firm_id == made.busiest_firm.id,
                                                                    Visit.day.between(*month_bounds((2026, 11)))))
        assert made.busiest_firm.name in pages["firm_account"]
        assert pages["firm_account"].count("<tr><td><a href=") == firm_visits
