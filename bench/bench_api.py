"""flask-smorest against APIFlask on the same small API: ``python bench/bench_api.py [--requests 2000] [--block 100]``.

APIFlask is not a dependency of the app; install it for this measurement only:
``.venv/bin/pip install apiflask && .venv/bin/python bench/bench_api.py``. Without it the script says so and
measures flask-smorest alone.

Both apps expose the same two operations under /api/v1, built from the same marshmallow schemas:
- ``GET /api/v1/stations?page=&page_size=``: 50 station-like records (id, Chinese name, address, receiving
  slots, version); page/page_size validated (page >= 1, 1 <= page_size <= 200); totals in X-Total-Count;
- ``POST /api/v1/stations``: validates a JSON body against the same schema, 201 with the record or 422.
Errors follow the app's format ``{"error": {"code", "message", "fields"}}``: flask-smorest the way
trainer.api/trainer.web.errors do it (smorest's own handler off, one HTTPException handler), APIFlask through
``app.error_processor``. Both document the 422 with that same error schema.

A third app, "smorest, instances", is the flask-smorest one given schema objects instead of classes: webargs
builds a new schema object per request from a class (as trainer's areas pass them), APIFlask builds it once.

Measured with the Flask test client (in-process, no network), all apps in one process with their requests
interleaved in blocks (a shared, busy machine then weighs on all alike): requests/s and p50/p99 latency of GET
list, POST valid and POST invalid, and block-by-block time ratios to flask-smorest. In a fresh subprocess per
framework: import time, the cold time to build the app and generate its OpenAPI document, the document's size,
GET /openapi.json, and whether the error format holds (422, 404, 405). Exits 1 only if a run fails or the error
format does not hold; asserts nothing on the numbers.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve()
SMOREST_INST = "smorest, instances"  # flask-smorest given schema instances instead of classes (see below)
FRAMEWORKS = ("flask-smorest", SMOREST_INST, "APIFlask")
RECORDS = 50
SPEC_BUILDS = 20

VALID = {"name": "八里庄街道工会服务站", "address": "北京市朝阳区八里庄路1号", "receiving": ["1:am", "3:pm"]}
INVALID = {"name": "", "address": "北京市朝阳区八里庄路1号", "receiving": ["9:xx"]}


# --- shared pieces: schemas, data, error body -----------------------------------------------------------------
def shared():
    from marshmallow import Schema, validate
    from marshmallow import fields as f

    class ErrorBody(Schema):
        code = f.Str(required=True)
        message = f.Str(required=True)
        fields = f.Dict(required=True)

    class ErrorSchema(Schema):
        error = f.Nested(ErrorBody, required=True)

    class PageArgs(Schema):
        page = f.Int(load_default=1, validate=validate.Range(min=1, max=100000))
        page_size = f.Int(load_default=50, validate=validate.Range(min=1, max=200))

    class StationSchema(Schema):
        id = f.Int(dump_only=True)
        name = f.Str(required=True, validate=validate.Length(min=1, max=120))
        address = f.Str(required=True, validate=validate.Length(min=1, max=250))
        receiving = f.List(f.Str(validate=validate.Regexp(r"^[0-6]:(am|pm)$")), required=True,
                                validate=validate.Length(min=1, max=14))
        version = f.Int(dump_only=True)

    streets = ["八里庄", "呼家楼", "三里屯", "团结湖", "六里屯", "麦子店", "左家庄", "香河园", "和平街", "安贞"]
    stations = [{"id": i, "name": f"{streets[i % 10]}街道第{i}工会服务站",
                 "address": f"北京市朝阳区{streets[i % 10]}路{i}号", "receiving": ["1:am", "3:pm", f"{i % 5}:am"],
                 "version": 1 + i % 4} for i in range(1, RECORDS + 1)]
    return ErrorSchema, PageArgs, StationSchema, stations


CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 415: "unsupported_media_type",
         422: "invalid", 500: "server_error"}


def flatten(messages) -> dict:
    """webargs nests field errors by location ({"json": {...}}); clients want field names (as trainer.web.errors)."""
    flat: dict = {}
    for location, errors in (messages or {}).items():
        if isinstance(errors, dict):
            flat.update(errors)
        else:
            flat[location] = errors
    return flat


def error_body(status: int, message: str, fields: dict) -> dict:
    if status == 422 and fields:
        message = "Some fields are not valid."
    return {"error": {"code": CODES.get(status, "error"), "message": message, "fields": fields}}


# --- the two apps ---------------------------------------------------------------------------------------------
def smorest_app(instances: bool = False):
    """As trainer's areas do, the decorators get schema classes; webargs then builds a new schema object for every
    request it parses (APIFlask builds it once, when decorating). ``instances`` passes objects instead."""
    from flask import Flask, jsonify
    from flask_smorest import Api, Blueprint
    from werkzeug.exceptions import HTTPException

    ErrorSchema, PageArgs, StationSchema, stations = shared()

    class QuietApi(Api):  # as trainer.api.Api: errors are left to the app's own handler
        DEFAULT_ERROR_RESPONSE_NAME = None  # APIFlask documents no "default" response; keep the documents alike

        def _register_error_handlers(self):
            pass

    app = Flask("bench_smorest")
    app.config.update(API_TITLE="Bench", API_VERSION="v1", OPENAPI_VERSION="3.0.3", OPENAPI_URL_PREFIX="/api/v1",
                      OPENAPI_JSON_PATH="openapi.json")
    QuietApi.ERROR_SCHEMA = ErrorSchema
    api = QuietApi(app)

    @app.errorhandler(HTTPException)
    def handle(error):
        data = getattr(error, "data", None) or {}
        response = jsonify(error_body(error.code, error.description, flatten(data.get("messages"))))
        response.status_code = error.code
        return response

    blp = Blueprint("stations", __name__, url_prefix="/api/v1")

    @blp.route("/stations")
    @blp.arguments(PageArgs() if instances else PageArgs, location="query")
    @blp.response(200, StationSchema(many=True))
    def list_stations(args):
        """Service stations, paginated."""
        page, size = args["page"], args["page_size"]
        items = stations[(page - 1) * size:page * size]
        return items, 200, {"X-Total-Count": str(len(stations))}

    @blp.route("/stations", methods=["POST"])
    @blp.arguments(StationSchema() if instances else StationSchema)
    @blp.response(201, StationSchema() if instances else StationSchema)
    @blp.alt_response(422, schema=ErrorSchema, description="Invalid input")
    def create_station(data):
        """Create a station."""
        return {**data, "id": RECORDS + 1, "version": 1}

    api.register_blueprint(blp)

    def spec():
        return api.spec.to_dict()

    return app, spec


def apiflask_app():
    from apiflask import APIBlueprint, APIFlask

    ErrorSchema, PageArgs, StationSchema, stations = shared()
    app = APIFlask("bench_apiflask", title="Bench", version="v1", spec_path="/api/v1/openapi.json", docs_path=None)
    app.config.update(VALIDATION_ERROR_SCHEMA=ErrorSchema, HTTP_ERROR_SCHEMA=ErrorSchema)

    @app.error_processor
    def handle(error):
        return error_body(error.status_code, error.message, flatten(error.detail)), error.status_code, error.headers

    bp = APIBlueprint("stations", __name__, url_prefix="/api/v1")

    @bp.get("/stations")
    @bp.input(PageArgs, location="query")
    @bp.output(StationSchema(many=True))
    def list_stations(query_data):
        """Service stations, paginated."""
        page, size = query_data["page"], query_data["page_size"]
        items = stations[(page - 1) * size:page * size]
        return items, 200, {"X-Total-Count": str(len(stations))}

    @bp.post("/stations")
    @bp.input(StationSchema, location="json")
    @bp.output(StationSchema, status_code=201)
    def create_station(json_data):
        """Create a station."""
        return {**json_data, "id": RECORDS + 1, "version": 1}

    app.register_blueprint(bp)

    def spec():
        return app._get_spec("json", force_update=True)

    return app, spec


BUILDERS = {"flask-smorest": smorest_app, SMOREST_INST: lambda: smorest_app(instances=True), "APIFlask": apiflask_app}
MODULES = {"flask-smorest": "flask_smorest", SMOREST_INST: "flask_smorest", "APIFlask": "apiflask"}


# --- measuring ------------------------------------------------------------------------------------------------
OPERATIONS = {  # name: (method, url, body, expected status)
    "GET list": ("get", "/api/v1/stations?page=1&page_size=50", None, 200),
    "POST valid": ("post", "/api/v1/stations", VALID, 201),
    "POST invalid": ("post", "/api/v1/stations", INVALID, 422),
}


def follows_format(body, *fields: str) -> bool:
    if not isinstance(body, dict) or set(body) != {"error"} or not isinstance(body["error"], dict):
        return False
    error = body["error"]
    return (set(error) == {"code", "message", "fields"} and isinstance(error["message"], str)
            and all(f in error["fields"] for f in fields))


def startup(framework: str) -> dict:
    """In a fresh subprocess: import time, cold build of app + OpenAPI document, its size, error-format checks."""
    import flask  # noqa: F401  imported first so the figure below is the framework's own
    import marshmallow  # noqa: F401
    import webargs  # noqa: F401

    t0 = time.perf_counter()
    __import__(MODULES[framework])
    import_ms = (time.perf_counter() - t0) * 1000
    builds = []
    for _ in range(SPEC_BUILDS):
        t0 = time.perf_counter()
        app, spec = BUILDERS[framework]()
        with app.app_context():
            document = spec()
        builds.append((time.perf_counter() - t0) * 1000)
    operations = {f"{method.upper()} {path}": sorted(op.get("responses", {}))
                  for path, item in document.get("paths", {}).items() for method, op in item.items()
                  if method in ("get", "post")}
    client = app.test_client()
    served = []
    for _ in range(100):
        t0 = time.perf_counter()
        client.get("/api/v1/openapi.json")
        served.append((time.perf_counter() - t0) * 1000)
    listed = client.get("/api/v1/stations?page=1&page_size=50")
    invalid = client.post("/api/v1/stations", json=INVALID).get_json()
    checks = {
        "GET list returns 50 records": len(listed.get_json()) == RECORDS
        and listed.headers.get("X-Total-Count") == str(RECORDS),
        "POST invalid (422)": follows_format(invalid, "name", "receiving"),
        "bad page_size (422)": follows_format(client.get("/api/v1/stations?page_size=500").get_json(), "page_size"),
        "unknown path (404)": follows_format(client.get("/api/v1/nothing").get_json()),
        "wrong method (405)": follows_format(client.delete("/api/v1/stations").get_json()),
    }
    return {"import_ms": import_ms, "build_spec_ms": statistics.median(builds),
            "spec_bytes": len(json.dumps(document, ensure_ascii=False).encode()),
            "serve_spec_ms": statistics.median(served), "operations": operations, "checks": checks,
            "invalid_body": invalid}


def measure(frameworks: list[str], n: int, warmup: int, block: int) -> dict:
    """Both apps in this process, requests interleaved in blocks (order swapped every block) so that the load of
    a shared machine falls on both alike. Returns, per operation and framework, latencies and block times."""
    clients = {f: BUILDERS[f]()[0].test_client() for f in frameworks}
    results: dict = {}
    for op, (method, url, body, expected) in OPERATIONS.items():
        calls = {f: (lambda c=c, m=method, u=url, j=body: getattr(c, m)(u, json=j)) for f, c in clients.items()}
        for call in calls.values():
            for _ in range(warmup):
                call()
        samples = {f: [] for f in frameworks}
        blocks = {f: [] for f in frameworks}
        wrong = dict.fromkeys(frameworks, 0)
        for b in range(n // block):
            for f in (frameworks if b % 2 == 0 else frameworks[::-1]):
                call = calls[f]
                started = time.perf_counter()
                for _ in range(block):
                    t0 = time.perf_counter_ns()
                    response = call()
                    samples[f].append(time.perf_counter_ns() - t0)
                    wrong[f] += response.status_code != expected
                blocks[f].append(time.perf_counter() - started)
        results[op] = {f: {"samples": sorted(samples[f]), "blocks": blocks[f], "wrong": wrong[f]} for f in frameworks}
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="timed requests per operation and framework")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--block", type=int, default=100, help="requests in a row before switching framework")
    parser.add_argument("--startup", choices=FRAMEWORKS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.startup:
        print(json.dumps(startup(args.startup), ensure_ascii=False))
        return 0

    frameworks = [f for f in FRAMEWORKS if importlib.util.find_spec(MODULES[f])]
    if "flask-smorest" not in frameworks:
        print("flask-smorest not installed; nothing to measure")
        return 1
    if "APIFlask" not in frameworks:
        print("APIFlask not installed; measuring flask-smorest only "
              "(.venv/bin/pip install apiflask && .venv/bin/python bench/bench_api.py)")
    from importlib.metadata import version

    print("versions:", ", ".join(f"{f} {version(f)}" for f in frameworks if f != SMOREST_INST),
          f"| Flask {version('flask')}, marshmallow {version('marshmallow')}, webargs {version('webargs')},"
          f" apispec {version('apispec')}, Python {sys.version.split()[0]}")
    print(f"{args.requests} requests per operation and framework after {args.warmup} warm-up, Flask test client "
          f"in-process, frameworks interleaved in blocks of {args.block}\n")

    results = measure(frameworks, args.requests, args.warmup, args.block)
    header = f"{'':18} {'operation':13} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7}"
    print(header)
    print("-" * len(header))
    for op, per in results.items():
        for f, r in per.items():
            s = r["samples"]
            note = f"  ({r['wrong']} unexpected statuses)" if r["wrong"] else ""
            print(f"{f:18} {op:13} {len(s) / sum(r['blocks']):7.0f} {s[len(s) // 2] / 1e6:7.3f} "
                  f"{s[int(len(s) * 0.99) - 1] / 1e6:7.3f}{note}")
    print("\ntime relative to flask-smorest, block by block (median [quartiles]; < 1 means faster):")
    for other in frameworks[1:]:
        for op, per in results.items():
            ratios = sorted(a / s for a, s in zip(per[other]["blocks"], per["flask-smorest"]["blocks"], strict=True))
            q = statistics.quantiles(ratios, n=4)
            print(f"  {other:18} {op:13} {statistics.median(ratios):.2f} [{q[0]:.2f}-{q[2]:.2f}]")

    print()
    failed = False
    for f in (f for f in frameworks if f != SMOREST_INST):
        run = subprocess.run([sys.executable, str(HERE), "--startup", f], capture_output=True, text=True)
        if run.returncode != 0:
            print(f"{f}: start-up measurement failed\n{run.stderr[-2000:]}")
            failed = True
            continue
        r = json.loads(run.stdout.strip().splitlines()[-1])
        print(f"{f}: import {r['import_ms']:.0f} ms; build app + OpenAPI document {r['build_spec_ms']:.2f} ms "
              f"(median of {SPEC_BUILDS}); document {r['spec_bytes']:,} bytes (compact JSON); "
              f"GET /openapi.json {r['serve_spec_ms']:.3f} ms")
        print(f"  documented responses: {r['operations']}")
        print('  error format {"error": {code, message, fields}}: '
              + ", ".join(f"{name} {'yes' if ok else 'NO'}" for name, ok in r["checks"].items()))
        print(f"  422 body: {json.dumps(r['invalid_body'], ensure_ascii=False)}")
        failed |= not all(r["checks"].values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
