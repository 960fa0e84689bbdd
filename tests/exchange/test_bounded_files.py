"""Files are held to the one input rule (trainer.core.inputs) and to the upload limit: an Excel sheet's bad cells
are row errors, a programme file's bad values are listed by their place, a deeply nested JSON file is a clear
message on the command line, and a workbook or an upload too large for what it holds is refused quickly, while
the server keeps answering others."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import zipfile
from datetime import date
from io import BytesIO

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from werkzeug.serving import make_server

from tests.exchange.conftest import small_programme
from trainer.core.extensions import db
from trainer.exchange.programme import ProgrammeError, import_programme
from trainer.org.models import Station, Union
from trainer.visits.models import Contract, Firm

OUTSIDE = "超出系统接受的日期范围（2000-01-01 至 2100-12-31）"


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _xlsx(rows) -> BytesIO:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def _problems(html: str) -> list[str]:
    listed = re.search(r'<ul class="problems">(.*?)</ul>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", listed.group(1)) if listed else []


def test_excel_cells_outside_the_rule_are_row_errors_and_nothing_is_imported(login_as):
    coordinator = login_as("coordinator", "chaoyang")
    sheet = _xlsx([["律所名称", "联系人", "合同开始", "合同结束", "服务站数"],
                   ["北京好律师事务所", "刘振华", "2026-01-01", "2027-12-31", 3],
                   ["北京远日期律师事务所", "陈晓梅", "2026-01-01", date(9999, 12, 31), 2],
                   ["北京换行\n律师事务所", "孙立群", "2026-01-01", "2027-12-31", 99999999999]])
    response = coordinator.post("/visits/import/firms", data={"file": (sheet, "firms.xlsx")},
                                content_type="multipart/form-data")
    assert response.status_code == 422
    assert _problems(response.get_data(as_text=True)) == [
        f"第 3 行, 合同结束: 9999-12-31 {OUTSIDE}。",
        "第 4 行, 律所名称: 含有换行符或制表符；此项只能填写一行。",
        "第 4 行, 服务站数: 99999999999 超出范围（整数须在 -2147483648 至 2147483647 之间）。"]
    assert _count(Firm) == 0 and _count(Contract) == 0


def test_programme_file_values_outside_the_rule_are_listed_by_place_and_nothing_is_imported(app, districts):
    firm = {"name": "北京金衡律师事务所", "contracts": [{"start": "0001-01-01", "end": "2027-12-31"}]}
    data = small_programme(visits={"firms": [firm]})
    data["stations"][0]["am_hours"] = "09:00\udc80"  # a value no section reads as text, held to the rule too
    with pytest.raises(ProgrammeError) as refused:
        import_programme(data)
    assert refused.value.fields == {"stations[0].am_hours": "含有无效字符（U+DC80），请删除。"}
    del data["stations"][0]["am_hours"]
    with pytest.raises(ProgrammeError) as refused:
        import_programme(data)
    assert refused.value.fields == {"visits.firms[0].contracts[0].start": f"0001-01-01 {OUTSIDE}。"}
    assert _count(Firm) == 0 and _count(Union) == 0 and _count(Station) == 0


def test_cli_import_of_a_deeply_nested_file_is_a_clear_message(app, tmp_path):
    path = tmp_path / "deep.json"
    path.write_text('{"a":' * 100_000)
    result = app.test_cli_runner().invoke(args=["exchange", "import", str(path)])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: cannot read {path}: JSON 嵌套超过 32 层，无法读取。"
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception,
                                                                                        SystemExit)
    path.write_text(json.dumps(small_programme(unions=[{"name": "月坛\x07街道总工会"}])))
    result = app.test_cli_runner().invoke(args=["exchange", "import", str(path)])
    assert result.exit_code == 1
    assert "! unions[0].name: 含有控制字符（U+0007），请删除。" in result.output


def _bomb() -> bytes:
    """A 1.6 KB workbook whose sheet claims A1:XFD1048576 and holds one cell in row 10,000."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
                            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{main}"><dimension ref="A1:XFD1048576"/><sheetData>'
            '<row r="1"><c r="A1" t="inlineStr"><is><t>律所名称</t></is></c></row>'
            '<row r="10000"><c r="A10000" t="inlineStr"><is><t>北京律师事务所</t></is></c></row>'
            '</sheetData></worksheet>'),
    }
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_the_excel_bomb_is_refused_in_well_under_two_seconds(login_as):
    bomb = _bomb()
    assert len(bomb) < 1700
    coordinator = login_as("coordinator", "chaoyang")
    started = time.perf_counter()
    response = coordinator.post("/visits/import/firms", data={"file": (BytesIO(bomb), "bomb.xlsx")},
                                content_type="multipart/form-data")
    elapsed = time.perf_counter() - started
    assert response.status_code == 422
    assert _problems(response.get_data(as_text=True)) == ["第 5002 行: 行数太多（最多 5000 行）。"]
    assert elapsed < 1.5, elapsed  # about 0.05 s here; the padded reading took 12-43 s
    assert _count(Firm) == 0


def test_an_upload_over_the_limit_is_413_with_a_page_in_the_users_language(login_as):
    coordinator = login_as("coordinator", "chaoyang")
    big = b"x" * (5 * 1024 * 1024 + 1)  # a body declaring more than the limit is refused unread
    upload = {"data": big, "content_type": "multipart/form-data; boundary=b"}
    response = coordinator.post("/visits/import/firms", **upload)
    assert response.status_code == 413
    assert "上传的内容超过 5 MB，未保存任何内容。" in response.get_data(as_text=True)
    coordinator.post("/lang/en")
    response = coordinator.post("/visits/import/firms", **upload)
    assert response.status_code == 413
    assert "The upload is larger than 5 MB; nothing was saved." in response.get_data(as_text=True)


def _http_get(port: int, path: str) -> tuple[int, float]:
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(f"GET {path} HTTP/1.1\r\nHost: trainer.test\r\nConnection: close\r\n\r\n".encode())
        status = int(conn.recv(64).split()[1])
    return status, time.perf_counter() - started


@pytest.mark.slow  # a real threaded server and 30 MB over loopback
def test_a_30_mb_upload_is_refused_quickly_while_the_server_answers_others(app, login_as):
    coordinator = login_as("coordinator", "chaoyang")
    cookie = coordinator.get_cookie("session").value
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_port
    size = 30 * 1024 * 1024
    answer: dict = {}

    def upload() -> None:
        started = time.perf_counter()
        with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
            conn.sendall(("POST /visits/import/firms HTTP/1.1\r\nHost: trainer.test\r\n"
                          f"Cookie: session={cookie}\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                          f"Content-Length: {size}\r\n\r\n").encode())
            # The answer comes before the body is sent: the server refuses it from its declared length.
            answer["head"] = conn.recv(4096)
            answer["refused_after"] = time.perf_counter() - started
            chunk = b"x" * (1024 * 1024)
            try:
                for _ in range(30):
                    conn.sendall(chunk)
            except OSError:
                pass
            answer["done_after"] = time.perf_counter() - started

    try:
        uploading = threading.Thread(target=upload)
        uploading.start()
        others = [_http_get(port, "/login") for _ in range(5)]
        uploading.join(timeout=20)
    finally:
        server.shutdown()
    assert answer["head"].startswith(b"HTTP/1.1 413"), answer["head"][:100]
    assert answer["refused_after"] < 1.0
    assert all(status == 200 and took < 1.0 for status, took in others), others
    assert _count(Firm) == 0


def test_command_line_dates_and_years_outside_the_span_are_usage_errors(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["workdays", "check", "9999-12-31"])
    assert result.exit_code == 2 and "9999-12-31" in result.output and "2100-12-31" in result.output
    result = runner.invoke(args=["jobs", "run-now", "calendars.drop_expired_cancellations", "--date", "0001-01-01"])
    assert result.exit_code == 2 and "0001-01-01" in result.output
    result = runner.invoke(args=["rotation", "plan", "--year", "99999999999"])
    assert result.exit_code == 2 and "2000<=x<=2100" in result.output
    assert "Traceback" not in result.output
