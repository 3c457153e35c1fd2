"""Committed credentials: found by kind and location, their values never in any output.

The keys are generated at test time (random, the right shape for each provider) rather than
committed, so this repository never holds anything a secret scanner would flag.
"""

from __future__ import annotations

import json
import random
import string
from pathlib import Path

from fm_governance.scan import scan_project
from fm_governance.scan.credentials import looks_real as _looks_real


def _random(n: int, alphabet: str = string.ascii_letters + string.digits, seed: int = 0) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(alphabet) for _ in range(n))


def planted_keys() -> dict[str, str]:
    return {
        "openai-api-key": "sk-proj-" + _random(48, seed=1),
        "anthropic-api-key": "sk-ant-api03-" + _random(90, string.ascii_letters + string.digits + "_-", seed=2),
        "huggingface-token": "hf_" + _random(34, seed=3),
        "google-api-key": "AIza" + _random(35, seed=4),
        "groq-api-key": "gsk_" + _random(52, seed=5),
        "aws-access-key-id": "AKIA" + _random(16, string.ascii_uppercase + string.digits, seed=6),
        "mistral-credential": _random(32, seed=7),
    }


def make_project(root: Path, keys: dict[str, str]) -> None:
    (root / "src").mkdir()
    (root / "tests").mkdir()
    (root / "src" / "settings.py").write_text(
        f'OPENAI_KEY = "{keys["openai-api-key"]}"\nANTHROPIC = "{keys["anthropic-api-key"]}"\n# a comment still leaks: {keys["huggingface-token"]}\n'
    )
    (root / ".env").write_text(f"GOOGLE_KEY={keys['google-api-key']}\nMISTRAL_API_KEY={keys['mistral-credential']}\nOPENAI_API_KEY=sk-...your-key-here\n")
    (root / "deploy.yaml").write_text(f"aws:\n  access_key_id: {keys['aws-access-key-id']}\n")
    (root / "tests" / "test_client.py").write_text(f'GROQ = "{keys["groq-api-key"]}"\n')
    (root / "README.md").write_text("Set `OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx` before running.\n")


def test_planted_keys_are_reported_by_kind_and_location_only(tmp_path):
    keys = planted_keys()
    make_project(tmp_path, keys)
    result = scan_project(tmp_path, progress=False)
    secrets = sorted((f["file"], f["line"], f["value"]) for f in result.findings if f["kind"] == "secret")
    assert secrets == [
        (".env", 1, "google-api-key"),
        (".env", 2, "mistral-credential"),
        ("deploy.yaml", 2, "aws-access-key-id"),
        ("src/settings.py", 1, "openai-api-key"),
        ("src/settings.py", 2, "anthropic-api-key"),
        ("src/settings.py", 3, "huggingface-token"),
        ("tests/test_client.py", 1, "groq-api-key"),
    ]
    signal = next(s for s in result.signals if s["id"] == "committed-credentials")
    assert signal["count"] == 7 and "DE-07" in signal["items"]

    outputs = [
        json.dumps(result.to_json_dict()),
        json.dumps(result.to_inventory()),
        repr(result),
        json.dumps(result.findings),
    ]
    for value in keys.values():
        for text in outputs:
            assert value not in text
            assert value[-12:] not in text  # not even a tail of it


def test_placeholders_are_not_secrets():
    assert not _looks_real("sk-...your-key-here")
    assert not _looks_real("${OPENAI_API_KEY}")
    assert not _looks_real("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
    assert _looks_real(_random(40, seed=9))


def test_credentials_without_a_provider_prefix_are_found_by_shape_name_or_neighbour(tmp_path):
    github = "ghp_" + _random(36, seed=11)
    fine_grained = "github_pat_" + _random(22, seed=12) + "_" + _random(59, seed=13)
    jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ" + _random(50, seed=14) + "." + _random(43, seed=15)
    aws_secret = _random(40, string.ascii_letters + string.digits + "/+", seed=16)
    beside = _random(40, string.ascii_letters + string.digits + "/+", seed=17)
    key_id = "AKIA" + _random(16, string.ascii_uppercase + string.digits, seed=18)
    generic = _random(40, seed=19)
    (tmp_path / "ci.yaml").write_text(f"env:\n  GH: {github}\n  PAT: '{fine_grained}'\n")
    (tmp_path / "auth.py").write_text(f'SESSION = "{jwt}"\nclient_secret = "{generic}"\napiKey: "{generic}"\n')
    (tmp_path / "credentials").write_text(f"[default]\naws_access_key_id={key_id}\naws_secret_access_key={aws_secret}\n")
    (tmp_path / "handover.md").write_text(f"Keys for the bedrock account:\n\n{key_id}\n{beside}\n")
    result = scan_project(tmp_path, progress=False)
    secrets = sorted((f["file"], f["line"], f["value"], f.get("variable")) for f in result.findings if f["kind"] == "secret")
    assert secrets == [
        ("auth.py", 1, "json-web-token", None),
        ("auth.py", 2, "credential", "client_secret"),
        ("auth.py", 3, "credential", "apiKey"),
        ("ci.yaml", 2, "github-token", None),
        ("ci.yaml", 3, "github-token", None),
        ("credentials", 2, "aws-access-key-id", None),
        ("credentials", 3, "aws-secret-access-key", "aws_secret_access_key"),
        ("handover.md", 3, "aws-access-key-id", None),
        ("handover.md", 4, "aws-secret-access-key", None),
    ]
    text = json.dumps(result.to_json_dict())
    for value in (github, fine_grained, jwt, aws_secret, beside, generic):
        assert value[-8:] not in text


def test_ordinary_assignments_to_key_token_and_secret_names_are_not_credentials(tmp_path):
    (tmp_path / "app.py").write_text(
        "tokenizer = AutoTokenizer.from_pretrained('bert-base-uncased')\n"
        "primary_key = True\n"
        'KEY_PATH = "/etc/ssl/private/server-2024.pem"\n'
        'SECRET_KEY = os.environ["SECRET_KEY"]\n'
        "cache_key = hashlib.sha256(payload).hexdigest()\n"
        'API_TOKEN = "${API_TOKEN}"\n'
        "max_tokens: 1024\n"
        'sort_key = "created_at_descending_order_then_id"\n'
    )
    result = scan_project(tmp_path, progress=False)
    assert [f for f in result.findings if f["kind"] == "secret"] == []
