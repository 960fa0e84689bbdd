"""The crawl over the demo programme `make run` loads: every page as every role and anonymously, the whole API
fuzzed from its document with the token of every role, and the stateful phase along the document's links.
Quick (a few examples per operation): it runs in `make test` and `make test-fast`."""

from __future__ import annotations

import os
import re
from urllib.parse import unquote

from sqlalchemy import select

from tests.crawl.walk import walks
from tests.crawl.world import samples
from trainer.core.clock import today_local
from trainer.core.extensions import db
from trainer.instructors.models import Assessment, Instructor
from trainer.rotation.models import DayReflection, Evaluation, Placement, PlacementDay, Trainee

EXAMPLES = int(os.environ.get("TRAINER_CRAWL_EXAMPLES", "3"))
PHASES = os.environ.get("TRAINER_CRAWL_PHASES", "examples,fuzzing").split(",")


(test_every_page_answers_every_visitor_as_the_access_rules_say, test_api_holds_its_contract_for_every_role,
 test_call_sequences_along_the_links_hold_the_contract) = walks(examples=EXAMPLES, scenarios=EXAMPLES * 4, steps=25)


def _evaluate(expression: str, request_path: dict, answer) -> object:
    if expression.startswith("$request.path."):
        return request_path[expression.removeprefix("$request.path.")]
    if expression == "$response.header.ETag":
        return answer.headers["ETag"]
    return answer.get_json()[expression.removeprefix("$response.body#/")]


def _as(role: str, world) -> dict:
    return {"Authorization": f"Bearer {world.tokens[role]}"}


def test_a_record_read_through_the_document_can_be_written_back_with_its_etag(app, world):
    """Every link to an operation that needs If-Match, followed from a GET of a real record of the home
    district as the coordinator (as the trainee for what only she writes): the ETag it carries is taken (never 412/428), and a record written back as it
    was read is saved (200)."""
    client = app.test_client()
    spec = client.get("/api/v1/openapi.json", headers=_as("coordinator", world)).get_json()
    followed = []
    for path, operations in spec["paths"].items():
        source = operations.get("get")
        links = (source or {}).get("responses", {}).get("200", {}).get("links", {})
        for name, link in links.items():
            if "header.If-Match" not in link.get("parameters", {}):
                continue
            given = {}
            if path.endswith("/assessments/{year}"):  # a year one of the home district's instructors was assessed
                row = db.session.scalars(select(Assessment).join(Instructor).where(
                    Instructor.district_id == world.home_id).order_by(Assessment.id)).first()
                given = {"instructor_id": row.instructor_id, "year": row.year}
            args = {arg: given[arg] if arg in given else next(
                s.values[arg] for s in samples(arg, world.home_id) if s.district_id == world.home_id)
                for arg in re.findall(r"{(\w+)}", path)}
            if path.endswith("/evaluation"):  # a certified trainee's evaluation is final: one not yet certified
                args["trainee_id"] = db.session.scalar(select(Evaluation.trainee_id).where(
                    Evaluation.district_id == world.home_id, ~Evaluation.trainee.has(Trainee.certification.has()))
                    .order_by(Evaluation.id).limit(1))
            headers = _as("coordinator", world)
            if path.endswith("/reflection"):  # only the trainee writes her reflection: one of trainee.li's, as her
                headers = _as("trainee", world)
                args["day_id"] = db.session.scalar(
                    select(DayReflection.placement_day_id).join(PlacementDay).join(Placement).join(Trainee)
                    .where(Trainee.user_id == world.users["trainee"].id, PlacementDay.status == "planned",
                           PlacementDay.day <= today_local())
                    .order_by(DayReflection.id).limit(1))
            answer = client.get(path.format(**args), headers=headers)
            assert answer.status_code == 200, (path, args, answer.get_json())
            target_path, method = unquote(link["operationRef"]).removeprefix("#/paths/").replace("~1", "/").rsplit(
                "/", 1)
            values = {key.split(".", 1)[1]: _evaluate(expr, args, answer) for key, expr in link["parameters"].items()}
            body = {key: _evaluate(expr, args, answer) for key, expr in link.get("requestBody", {}).items()}
            url = target_path.format(**{k: v for k, v in values.items() if k != "If-Match"})
            changed = client.open(url, method=method.upper(), json=body,
                                  headers={**headers, "If-Match": values["If-Match"]})
            followed.append((name, changed.status_code))
            assert changed.status_code not in (412, 428), (name, url, changed.get_json())
            if target_path == path:  # the record itself replaced (not an action on it, such as a shift change)
                assert changed.status_code == 200, (name, url, body, changed.get_json())
    assert len(followed) >= 12, followed
