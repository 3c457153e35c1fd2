"""Properties: any bytes, any file name kind, the scanner neither crashes nor echoes a secret."""

from __future__ import annotations

import random
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


#: Credential kinds by (public prefix, alphabet of the secret part, its length). A bare AWS secret
#: access key has no shape of its own (it is known by its name or its neighbour), so it is not here.
_KEY_SHAPES = [
    ("sk-proj-", string.ascii_letters + string.digits, 48),
    ("sk-ant-api03-", string.ascii_letters + string.digits + "_-", 93),
    ("sk-or-v1-", "0123456789abcdef", 64),
    ("hf_", string.ascii_letters + string.digits, 34),
    ("AIza", string.ascii_letters + string.digits + "_-", 35),
    ("AKIA", string.ascii_uppercase + string.digits, 16),
    ("gsk_", string.ascii_letters + string.digits, 52),
    ("xai-", string.ascii_letters + string.digits, 80),
    ("r8_", string.ascii_letters + string.digits, 37),
    ("pplx-", string.ascii_letters + string.digits, 48),
    ("ghp_", string.ascii_letters + string.digits, 36),
    ("github_pat_", string.ascii_letters + string.digits + "_", 82),
    ("eyJhbGciOiJIUzI1NiJ9.eyJ", string.ascii_letters + string.digits + "_-", 60),
    ("SERVICE_TOKEN=", string.ascii_letters + string.digits, 40),
]


@settings(max_examples=300, deadline=None)
@given(
    shape=st.sampled_from(_KEY_SHAPES),
    seed=st.integers(0, 2**32),
    before=st.text(max_size=12),
    after=st.text(max_size=12),
)
def test_a_key_anywhere_in_a_kept_string_is_redacted(shape, seed, before, after):
    # Whatever surrounds it (a route prefix, a word glued to it, control characters, undecodable
    # bytes), no eight characters of a key's secret part survive the boundary.
    from fm_governance.scan.redact import clean

    prefix, alphabet, length = shape
    rnd = random.Random(seed)  # a realistic key (random), not one shrunk to "AAAA…"
    secret = "".join(rnd.choice(alphabet) for _ in range(length))
    out = clean(before + prefix + secret + after, rules().credentials)
    assert not [secret[i : i + 8] for i in range(len(secret) - 7) if secret[i : i + 8] in out]
