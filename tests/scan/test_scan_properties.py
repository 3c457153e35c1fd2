"""Properties: any bytes, any file name kind, the scanner neither crashes nor echoes a secret."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fm_governance.scan.catalog import rules
from fm_governance.scan.detect import scan_file

NAMES = [
    "a.py",
    "b.ts",
    "c.go",
    "d.md",
    "e.yaml",
    "f.ipynb",
    "package.json",
    "pyproject.toml",
    "requirements.txt",
    "yarn.lock",
    "Dockerfile",
    ".env",
    "g.rs",
    "h.java",
]
FRAGMENTS = [
    "import openai\n",
    '"gpt-4o"',
    "OPENAI_API_KEY=",
    "from transformers import x\n",
    '{"cells": [',
    "ollama/",
    "sk-proj-",
    "\0",
    "\xff",
    "\n",
    '"',
    "'",
    "[",
    "]",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(NAMES),
    parts=st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), max_size=30),
    raw=st.binary(max_size=200),
)
def test_scan_file_never_raises(tmp_path, name, parts, raw):
    path = tmp_path / name
    path.write_bytes("".join(parts).encode("utf-8", "surrogatepass") + raw)
    findings, skipped, _ = scan_file(str(tmp_path), name, rules())
    # scan_file contains any exception as "could not be parsed"; the detectors should never need that
    assert [reason for _path, reason in skipped if reason.startswith("could not")] == []
    assert all(f["file"] == name for f in findings)
    assert all(isinstance(f["line"], int) for f in findings)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    secret=st.text(alphabet=string.ascii_letters + string.digits, min_size=48, max_size=60),
    prefix=st.sampled_from(["sk-proj-", "hf_", "gsk_", "sk-ant-api03-"]),
)
def test_secret_values_never_appear_in_findings(tmp_path, secret, prefix):
    value = prefix + secret
    (tmp_path / "k.py").write_text(f'KEY = "{value}"  # OPENAI_API_KEY={value}\n')
    findings, _, _ = scan_file(str(tmp_path), "k.py", rules())
    assert value not in repr(findings)
    assert secret not in repr(findings)
