"""Rotation training (以干代训), cut by feature: ``years/`` (programme years, selection of unions), ``mentors/``,
``trainees/`` (and their Excel import), ``placements/`` (planning, the trainee's own page), ``logs/`` (daily logs,
remarks, evaluation, certification), ``coverage/``. ``blueprint.py`` holds the area's blueprints and menu entries,
``access.py`` every "this record, if the user may see it"; the area's plug-ins (models, exchange, cli, demo, feeds,
jobs, calendar_checks) sit here beside them. See docs/rotation.md."""
