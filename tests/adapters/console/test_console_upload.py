"""Console uploads: ``/upload PATH [caption]`` typed, and a ``file`` object (name + base64) in JSONL."""

import base64
import json
from pathlib import Path

import pytest

from bot.adapters.console.inbound import BadLine, parse_jsonl, parse_typed
from bot.core.types import ChatKind
from tests.adapters.console.test_console import demo_db, run_console  # noqa: F401

CSV = (
    b"name,birth_date,gemeente,categories,urgency,description\n"
    b"Pieter Fictief,,Waterdam,overlast,normaal,Fictief\n"
)


def test_typed_upload_reads_the_file_and_keeps_the_caption(tmp_path: Path):
    path = tmp_path / "lijst.csv"
    path.write_bytes(CSV)
    incoming = parse_typed(f"/upload {path} /import politie", "procesmanager", [], None)
    assert incoming.file is not None and incoming.file.name == "lijst.csv" and incoming.file.data == CSV
    assert incoming.file.mime == "text/csv" and incoming.text == "/import politie"
    bare = parse_typed(f"/upload {path}", "procesmanager", [], "triage-groep")
    assert bare.text is None and bare.chat_kind == ChatKind.GROUP
    with pytest.raises(BadLine, match=r"console\.file_missing"):
        parse_typed(f"/upload {tmp_path / 'missing.csv'}", "procesmanager", [], None)


def test_jsonl_file_object_is_decoded_and_checked():
    line = json.dumps({"user": "procesmanager", "text": "/import politie",
                       "file": {"name": "l.csv", "data": base64.b64encode(CSV).decode()}})  # fmt: skip
    incoming = parse_jsonl(line)
    assert incoming.file is not None and incoming.file.data == CSV and incoming.text == "/import politie"
    with pytest.raises(BadLine, match=r"console\.bad_base64"):
        parse_jsonl(json.dumps({"user": "procesmanager", "file": {"name": "l.csv", "data": "%%%"}}))
    with pytest.raises(BadLine, match=r"console\.bad_file"):
        parse_jsonl(json.dumps({"user": "procesmanager", "file": "l.csv"}))


def test_jsonl_console_runs_an_upload_to_its_dry_run(demo_db: str, tmp_path: Path):  # noqa: F811
    data = base64.b64encode(CSV).decode()
    lines = [
        json.dumps(
            {"user": "procesmanager", "text": "/import politie", "file": {"name": "l.csv", "data": data}}
        )
    ]
    out, stderr, code = run_console(demo_db, lines, tmp_path)
    assert code == 0, stderr
    assert "Proefrun van l.csv (bron: Politie): 1 rij -> 1 nieuw signaal" in out[0]["text"]
    assert [b["id"] for b in out[0]["buttons"]] == ["upload.import", "upload.cancel"]


def test_jsonl_importeren_under_an_older_dry_run_imports_nothing(demo_db: str, tmp_path: Path):  # noqa: F811
    """Black-box QA's repro: A.csv (1 row), then B.csv (2 rows), then A's "Importeren" imported B.csv."""
    two = CSV + b"Bert Fictief,,Waterdam,overlast,normaal,Fictief B\n"
    files = [{"name": "A.csv", "data": base64.b64encode(CSV).decode()},
             {"name": "B.csv", "data": base64.b64encode(two).decode()}]  # fmt: skip
    uploads = [json.dumps({"user": "procesmanager", "text": "/import politie", "file": f}) for f in files]
    out, stderr, code = run_console(demo_db, uploads, tmp_path)
    assert code == 0, stderr
    value_a, value_b = (next(b["value"] for b in o["buttons"] if b["id"] == "upload.import") for o in out)
    presses = [
        json.dumps({"user": "procesmanager", "press": "upload.import", "value": value})
        for value in ("1", value_a, value_b, value_b)
    ]
    out, stderr, code = run_console(demo_db, presses, tmp_path)
    assert code == 0, stderr
    assert [("geïmporteerd:" in o["text"], "B.csv" in o["text"]) for o in out[:2]] == [(False, True)] * 2
    assert "Deze knop hoort bij een eerdere upload" in out[0]["text"]
    assert "B.csv is geïmporteerd: 2 nieuwe signalen" in out[2]["text"]
    assert "al geïmporteerd" in out[3]["text"]
