"""Telling the people affected (see docs/notices.md): when an item of a person's agenda (a station visit, a duty
shift, a placement day as trainee or mentor, a guidance meeting, a bargaining session) is added, changed or
cancelled within the next ``NOTICE_DAYS_AHEAD`` days, that person gets one in-app notice per saved change listing
every item it touched, and an e-mail when mail is on; a station's contact person gets an e-mail for the station's
visits. ``changes.py`` watches every session, so every path (forms, API, Excel, planners, jobs) is covered."""
