"""The calendars' scheduled job: drop expired cancellations from feeds."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select

from trainer.calendars import blocks, sources
from trainer.calendars.models import FeedToken, StoredFeed
from trainer.calendars.serving import memory
from trainer.core.clock import LOCAL_TZ
from trainer.core.extensions import db


def drop_expired_cancellations(today: date) -> str:
    """Cancelled events leave the feeds when their grace period ends.

    Feeds are built with the grace rule and their validators change each day, so a subscriber's next refresh
    already drops an expired cancellation; this job (1) lets areas that keep their own record of it act (an
    optional ``expire_cancellations(cutoff: datetime) -> int`` in their feeds.py), and (2) removes stored feed
    bytes that can no longer be served (built for an earlier day, or for a link that was switched off), so no
    stale copy holding an expired cancellation stays in the database. Idempotent.
    """
    grace = timedelta(days=int(current_app.config["FEED_CANCELLED_GRACE_DAYS"]))
    midnight = datetime(today.year, today.month, today.day, tzinfo=LOCAL_TZ).astimezone(UTC)
    cutoff = midnight - grace
    expired = 0
    for module in sources.feed_modules():
        hook = getattr(module, "expire_cancellations", None)
        if hook is not None:
            expired += int(hook(cutoff) or 0)
    revoked = select(FeedToken.id).where(FeedToken.revoked_at.is_not(None))
    result = db.session.execute(delete(StoredFeed).where(or_(StoredFeed.built_at < midnight,
                                                             StoredFeed.token_id.in_(revoked))))
    # Blocks of events long unchanged or gone (a block still needed is only written again).
    days = int(current_app.config["FEED_DAYS_BACK"]) + int(current_app.config["FEED_DAYS_AHEAD"])
    pruned = blocks.prune(midnight - timedelta(days=days))
    db.session.commit()
    memory.clear()
    day = cutoff.astimezone(LOCAL_TZ).date().isoformat()
    return _("Cancellations before %(day)s leave the feeds: %(expired)s expired; %(removed)s stored feeds of "
             "earlier days removed; %(pruned)s event blocks pruned.", day=day, expired=expired,
             removed=result.rowcount, pruned=pruned)


JOBS = [
    {"name": "calendars.drop_expired_cancellations", "func": drop_expired_cancellations, "trigger": "cron",
     "trigger_args": {"hour": 0, "minute": 15},
     "description": _l("Drop cancelled events from calendar feeds once their grace period is over.")},
]
