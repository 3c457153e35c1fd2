"""A scan's start-up: the scanner's own data is checked without importing jsonschema.

The scanner validates its data files (providers, models, secrets) against their schemas on every
run. jsonschema is only needed to explain an error: importing it can cost seconds (with
``rfc3987-syntax`` installed, its format checker builds dozens of grammar parsers on import), which
was most of the start-up time on real repositories. Valid data is confirmed by fastjsonschema, and
a broken file still gets jsonschema's located, rewritten errors.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fm_governance.core.errors import InputErrors, Location
from fm_governance.core.schemas import validate_against

PROBE = """
import json, sys
from pathlib import Path
from fm_governance.cli import main
code = 0
try:
    main(["assess", sys.argv[1], "--dry-run", "--format", "json"])
except SystemExit as exit:
    code = exit.code
print(json.dumps({"code": code, "loaded": sorted(m for m in ("jsonschema", "rfc3987_syntax", "lark") if m in sys.modules)}), file=sys.stderr)
"""


def test_assess_scans_without_importing_jsonschema(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("from openai import OpenAI\nclient = OpenAI()\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path)], capture_output=True, text=True, check=True)
    report = json.loads(run.stderr.strip().splitlines()[-1])
    assert report == {"code": 0, "loaded": []}
    assert [p["id"] for p in json.loads(run.stdout)["providers"]] == ["openai"]


SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["id"],
    "additionalProperties": False,
    "properties": {"id": {"type": "string", "pattern": "^[a-z]+$"}, "match": {"type": "string", "format": "regex"}},
}


def locate(*_path: object, **_how: object) -> Location:
    return Location("data.yaml", 3, 1)


@pytest.mark.parametrize(
    "data",
    [
        {"id": "openai"},
        {"id": "openai", "match": "gpt-.*"},
    ],
)
def test_valid_data_passes(data: dict[str, str]) -> None:
    assert validate_against(SCHEMA, data, locate, fix="fix it") == data


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"id": "OpenAI"},
        {"id": "openai\n"},  # `$` is the end of the text (ECMA-262), not "before a final newline"
        {"id": "openai", "match": "gpt-("},
        {"id": "openai", "extra": 1},
    ],
)
def test_invalid_data_still_gets_a_located_error(data: dict[str, str]) -> None:
    with pytest.raises(InputErrors) as info:
        validate_against(SCHEMA, data, locate, fix="fix it")
    assert "data.yaml:3:1" in str(info.value)
