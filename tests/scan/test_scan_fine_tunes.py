"""Fine-tuned model ids inherit their base model's lifecycle.

A fine-tune is served on its base model and retires with it: OpenAI's id
``ft:gpt-4o-mini-2024-07-18:acme:support:9abc`` names the base, so the catalog entry, the
retirement dates, the ``retiring-model`` and ``deprecated-model`` signals and the report's
retirement lines are the base's, while the inventory keeps the full id and says which model it was
tuned from; so does a Bedrock custom model's ARN, which names its base model. Ids that do not name
their base (a Gemini ``tunedModels/…`` name, a provisioned-model ARN) get no lifecycle rather than
a guessed one.
"""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from fm_governance.cli import main
from fm_governance.scan import scan_project
from fm_governance.scan.catalog import catalog_keys, fine_tune_base

FINE_TUNE = "ft:gpt-4o-mini-2024-07-18:acme:support:9abcDEF1"


def write_app(root: Path, model: str) -> Path:
    root.mkdir()
    (root / "app.py").write_text(
        f'from openai import OpenAI\n\nclient = OpenAI()\nreply = client.chat.completions.create(model="{model}", messages=[])\n',
        encoding="utf-8",
    )
    return root


@pytest.fixture
def on_a_fixed_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """`assess` scans on the day it is run; the catalog's dates are judged on 2026-12-06 here."""
    import fm_governance.scan as scan_package

    real = scan_package.scan_project

    def fixed(*args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs["today"] = _dt.date(2026, 12, 6)
        return real(*args, **kwargs)

    monkeypatch.setattr(scan_package, "scan_project", fixed)


@pytest.mark.usefixtures("on_a_fixed_day")
def test_assess_gives_a_fine_tune_its_base_models_retirement_signal_and_dates(tmp_path: Path) -> None:
    project = write_app(tmp_path / "app", FINE_TUNE)
    result = CliRunner().invoke(main, ["assess", str(project)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "retiring-model" in result.stdout
    inventory = yaml.safe_load((project / "fm-governance.yaml").read_text(encoding="utf-8"))["inventory"]
    [model] = inventory["models"]
    # The full id stays, and says what it was tuned from; the dates are the base snapshot's.
    assert model["id"] == FINE_TUNE
    assert model["base_model"] == "gpt-4o-mini-2024-07-18"
    assert (model["family"], model["retired"], model["alias"]) == ("GPT-4o mini", "2027-01-14", "pinned")
    signals = {s["id"]: s for s in inventory["signals"]}
    assert signals["retiring-model"]["evidence"] == ["app.py:4"]
    assert {"closed-fine-tune", "deprecated-model"} <= set(signals)

    dry = CliRunner().invoke(main, ["assess", str(project), "--dry-run", "--format", "json"], catch_exceptions=False)
    retiring = next(s for s in json.loads(dry.stdout)["signals"] if s["id"] == "retiring-model")
    assert retiring["retires"] == {FINE_TUNE: "2027-01-14"}


@pytest.mark.usefixtures("on_a_fixed_day")
def test_the_report_prints_the_fine_tunes_retirement_line(tmp_path: Path) -> None:
    project = write_app(tmp_path / "app", FINE_TUNE)
    assert CliRunner().invoke(main, ["assess", str(project)], catch_exceptions=False).exit_code == 0
    report = CliRunner().invoke(main, ["report", str(project / "fm-governance.yaml"), "--as-of", "2026-12-06"], catch_exceptions=False)
    assert report.exit_code == 0, report.output
    assert "1 model in use is past or near retirement" in report.stdout
    line = next(row for row in report.stdout.splitlines() if "9abcDEF1" in row and "retires" in row)
    assert r"retires 2027-01-14 \(in 39 days\)" in line  # Markdown-escaped parentheses
    # The reader learns which model it was tuned from, whose retirement it shares.
    assert any("9abcDEF1" in row and r"fine-tuned from gpt-4o-mini-2024-07-18" in row for row in report.stdout.splitlines()), report.stdout


def test_a_fine_tune_of_a_model_without_dates_has_none(tmp_path: Path) -> None:
    project = write_app(tmp_path / "app", "ft:gpt-4o-2024-05-13:acme::x1")
    [model] = scan_project(project, progress=False, today=_dt.date(2026, 12, 6)).models
    assert model["base_model"] == "gpt-4o-2024-05-13"
    assert model["catalog"]["family"] == "GPT-4o"
    assert model["catalog"]["lifecycle"] is None


@pytest.mark.parametrize(
    ("model_id", "base"),
    [
        (FINE_TUNE, "gpt-4o-mini-2024-07-18"),
        ("ft:gpt-4o-mini-2024-07-18:acme::9abc", "gpt-4o-mini-2024-07-18"),
        ("ft:gpt-3.5-turbo-0125:personal::8xyz", "gpt-3.5-turbo-0125"),
        # A Bedrock custom model's ARN names its base (Bedrock's API reference, CustomModelSummary).
        (
            "arn:aws:bedrock:us-east-1:123456789012:custom-model/anthropic.claude-3-haiku-20240307-v1:0:200k/0a1b2c3d4e5f",
            "anthropic.claude-3-haiku-20240307-v1:0:200k",
        ),
        # Shapes that do not name their base: no base, no borrowed lifecycle.
        ("arn:aws:bedrock:us-east-1:123456789012:custom-model/my-model", None),
        ("arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123def456", None),
        ("tunedModels/my-model-123", None),
        ("gpt-4o-mini-2024-07-18", None),
        ("ft::acme::x", None),
    ],
)
def test_the_base_is_read_only_where_the_id_names_it(model_id: str, base: str | None) -> None:
    assert fine_tune_base(model_id) == base
    keys = catalog_keys(model_id)
    assert keys[0] == model_id.lower()
    if base:
        assert keys[1] == base


def test_a_bedrock_custom_model_names_its_base_and_its_developer(tmp_path: Path) -> None:
    arn = "arn:aws:bedrock:us-east-1:123456789012:custom-model/anthropic.claude-3-haiku-20240307-v1:0:200k/0a1b2c3d4e5f"
    project = tmp_path / "app"
    project.mkdir()
    (project / "app.py").write_text(
        f'import boto3\n\nclient = boto3.client("bedrock-runtime")\nclient.converse(modelId="{arn}", messages=[])\n', encoding="utf-8"
    )
    [model] = scan_project(project, progress=False, today=_dt.date(2026, 12, 6)).models
    assert (model["id"], model["kind"], model["provider"]) == (arn, "fine-tuned-model", "bedrock")
    assert model["base_model"] == "anthropic.claude-3-haiku-20240307-v1:0:200k"
    assert (model["developer"], model["channel"]) == ("anthropic", "bedrock")
