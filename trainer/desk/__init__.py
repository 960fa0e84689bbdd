"""The coordinator's desk (工作台): the home page of staff — what needs doing, with counts and links — and the
search over stations, unions, lawyers, firms, trainees and instructors (by Chinese, pinyin or initials).

Each area adds its part with a ``desk.py`` plug-in (found by name, see docs/architecture.md):
``desk_items(district, today) -> list[DeskItem]`` and ``find(query, scope, limit) -> list[Found]``.
"""
