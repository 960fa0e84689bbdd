"""Demo data: the official calendars of 2025 and 2026 from the library; 2027 stays not announced (as it really
is until the State Council's notice), so the demo shows that state and the admin's entry form."""

from __future__ import annotations

from trainer.core.extensions import db
from trainer.workdays import service


def load(ctx) -> None:
    for year in (2025, 2026):
        service.store_library_year(year, db.session)
        service.invalidate(year)
    db.session.flush()
