"""Personal iCalendar feeds and the subscription page."""
