"""Every page address (GET) of the app visited by every demo role and by an anonymous visitor, each `<int:...>`
filled with real rows of that kind (the first of each of a few districts, and a city-level one), then the links
those pages offer; each answer judged by the access rules: never a server error; anonymous visitors are sent to
the login page; a role the page does not allow gets 403; a record of another district is never shown (403/404)
except to the city admin; the staff are not refused (403) a record of their own district."""

from __future__ import annotations

import html
import itertools
import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from tests.conftest import login
from tests.crawl.world import PERSONAL, World, samples
from trainer.auth.models import User
from trainer.auth.permissions import PUBLIC, access_of
from trainer.instructors.excel.views import KINDS as INSTRUCTOR_SHEETS
from trainer.visits.setup.sheets import KINDS as VISIT_SHEETS

STAFF = {"admin", "coordinator"}
ANSWERS = {200, 302, 303, 403, 404}
UNKNOWN = "no-such-thing"
HREF = re.compile(r'href="(/[^"]*)"')
# An attribute whose value is Python's None written out (aria-invalid="None" reads as invalid to a screen
# reader; value="None" shows the word in a field).
NONE_ATTRIBUTE = re.compile(r'[\w-]+="None"')
# An id given twice on a page: a label, help text or message then points at the other field (two forms'
# "reason" fields; Form.id_prefix tells them apart).
ELEMENT_ID = re.compile(r'\sid="([^"]+)"')
LABEL_FOR = re.compile(r'<label[^>]*\sfor="([^"]+)"')
LINKS_PER_KIND = 3  # per page and set of query parameters: other records, ?day=, ?month=, ?page=


@dataclass
class Visit:
    url: str
    endpoint: str
    mark: object  # PUBLIC or the roles the page allows
    record: bool  # the address names a record of the database (its district below), not a link followed
    district_id: int | None = None  # the record's district; None: a city-level record (or none at all)
    real: bool = True  # False: a made-up text argument (an unknown sheet kind or feed link)
    personal: bool = False  # a record only its owner sees (a calendar link)


def _text_values(rule, world: World) -> list[dict]:
    """Values for the text arguments: every sheet kind, a feed secret (each role's own and an unknown one)."""
    names = [name for name, conv in rule._converters.items() if type(conv).__name__ != "IntegerConverter"]
    if not names:
        return [{}]
    if names == ["kind"]:
        kinds = INSTRUCTOR_SHEETS if rule.endpoint.startswith("instructors.") else VISIT_SHEETS
        return [{"kind": kind} for kind in kinds] + [{"kind": UNKNOWN}]
    if names == ["secret"]:
        return [{"secret": secret} for secret in world.feeds.values()] + [{"secret": UNKNOWN}]
    if names == ["filename"]:
        return [{"filename": "css/app.css"}, {"filename": UNKNOWN}]
    raise AssertionError(f"{rule.rule}: no values for {names}")


def visits(app, world: World) -> list[Visit]:
    """Every GET address of the app with real values; API operations are the fuzzer's (their own document)."""
    out, rows_of = [], {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint.split(".")[0].endswith("_api"):
            continue
        mark = PUBLIC if rule.endpoint in ("static", "api-docs.openapi_json") else access_of(
            app.view_functions[rule.endpoint])
        ints = [name for name, conv in rule._converters.items() if type(conv).__name__ == "IntegerConverter"]
        for name in ints:
            if name not in rows_of:
                rows_of[name] = samples(name, world.home_id)
        # The record an address is about is its last integer argument; the others come from the same row, or
        # else are the home district's first of their kind.
        for row, text in itertools.product(rows_of[ints[-1]] if ints else [None], _text_values(rule, world)):
            values = dict(text)
            if row is not None:
                values = {**{name: rows_of[name][0].values[name] for name in ints}, **row.values, **text}
            url = rule.build(values, append_unknown=False)[1]
            out.append(Visit(url, rule.endpoint, mark, row is not None, None if row is None else row.district_id,
                             UNKNOWN not in text.values(), bool(ints) and ints[-1] in PERSONAL))
    return out


def judge(visit: Visit, visitor: User | None, status: int, location: str) -> str | None:
    """What is wrong with this answer to ``visitor`` (None: anonymous), or None."""
    if status >= 500:
        return "server error"
    if visit.mark == PUBLIC:
        return None if status in ANSWERS | {304} else f"unexpected {status}"
    if visitor is None:
        return None if status == 302 and "/login" in location else f"{status}, expected a redirect to the login page"
    role = visitor.role
    if role not in visit.mark:
        return None if status == 403 else f"{status}, expected 403 (the page does not allow {role})"
    if status not in ANSWERS:
        return f"unexpected {status}"
    if not visit.record:
        return None
    elsewhere = visit.district_id is not None and visit.district_id != visitor.district_id
    if elsewhere and role != "admin" and status == 200:
        return "200 on another district's record"
    if role in STAFF and visit.real and not visit.personal and status == 403 and (
            role == "admin" or visit.district_id == visitor.district_id):
        return "403 to the staff on a record of their own district"
    return None


def crawl(app, world: World, role: str | None, pages: list[Visit]) -> list[str]:
    """Visit every page as ``role`` (None: anonymous), then the links those pages offer (other records of the
    same kind, in other states; the same page for a day, a month, a filter, the next page), a few of each
    kind: the problems found, one line each."""
    client = app.test_client()
    visitor = world.users[role] if role is not None else None
    if visitor is not None:
        login(client, visitor, world.password)
    problems, links, seen = [], [], {}

    def visit(page: Visit) -> None:
        response = client.get(page.url)
        where = f"{role or 'anonymous'} GET {page.url} ({page.endpoint})"
        problem = judge(page, visitor, response.status_code, response.headers.get("Location", ""))
        if problem:
            problems.append(f"{where}: {problem}")
        if response.status_code == 200 and response.mimetype == "text/html":
            text = response.get_data(as_text=True)
            links.extend(html.unescape(href) for href in HREF.findall(text))
            ids = Counter(ELEMENT_ID.findall(text))
            twice = sorted(i for i, n in ids.items() if n > 1)
            if twice:
                problems.append(f"{where}: ids used twice {twice[:5]}")
            nowhere = sorted({target for target in LABEL_FOR.findall(text) if target not in ids})
            if nowhere:
                problems.append(f"{where}: labels for no field {nowhere[:5]}")
            nones = sorted(set(NONE_ATTRIBUTE.findall(text)))
            if nones:
                problems.append(f"{where}: {', '.join(nones)}")
        response.close()

    for page in pages:
        visit(page)
    visited = {page.url for page in pages}
    adapter = app.url_map.bind("localhost")
    for href in dict.fromkeys(links):
        parts = urlsplit(href)
        if href in visited or parts.path.startswith(("/static/", "/feeds/")):
            continue
        try:
            endpoint, _args = adapter.match(parts.path, method="GET")
        except Exception:  # noqa: BLE001 - a link to a POST-only address or elsewhere: not a page
            continue
        kind = (endpoint, frozenset(key for key, _ in parse_qsl(parts.query)))
        if seen.setdefault(kind, 0) >= LINKS_PER_KIND:
            continue
        seen[kind] += 1
        mark = access_of(app.view_functions[endpoint])
        visit(Visit(href, endpoint, mark, record=False))
    return problems
