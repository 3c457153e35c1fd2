"""Open-weight licences added from their primary texts, and the ones left out for want of one.

DeepSeek-V3 (and V3-Base) is under the DeepSeek License Agreement 1.0, read in the model
repository's LICENSE-MODEL: its use-based restrictions must be passed on to anyone the model is
distributed to, so the ``open-weight-licence-duties`` signal is raised. Later DeepSeek-V3 releases
and Falcon 3, whose licence texts could not be read, stay without a catalog entry rather than get
a guessed licence.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from fm_governance.cli import main


def assess_json(root: Path, code: str) -> dict:  # type: ignore[type-arg]
    root.mkdir()
    (root / "serve.py").write_text(code, encoding="utf-8")
    result = CliRunner().invoke(main, ["assess", str(root), "--dry-run", "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_deepseek_v3_weights_carry_the_deepseek_licence_and_its_duties(tmp_path: Path) -> None:
    code = 'from transformers import AutoModelForCausalLM\n\nmodel = AutoModelForCausalLM.from_pretrained("deepseek-ai/DeepSeek-V3")\n'
    data = assess_json(tmp_path / "app", code)
    [model] = data["models"]
    assert model["id"] == "deepseek-ai/DeepSeek-V3"
    licence = model["catalog"]["licence"]
    assert licence["id"] == "DeepSeek License Agreement 1.0 (23 October 2023)"
    assert licence["url"].startswith("https://github.com/deepseek-ai/DeepSeek-V3/blob/")
    assert licence["url"].endswith("/LICENSE-MODEL")
    assert set(licence["duties"]) == {"use-policy", "pass-through-terms"}
    assert (model["developer"], model["catalog"]["weights"]) == ("deepseek", "open")
    duties = next(s for s in data["signals"] if s["id"] == "open-weight-licence-duties")
    assert duties["models"] == ["deepseek-ai/DeepSeek-V3"]


def test_an_ollama_tag_and_a_quantised_copy_get_the_same_licence(tmp_path: Path) -> None:
    code = 'import subprocess\n\nsubprocess.run("ollama pull deepseek-v3:671b", shell=True)\nURL = "https://huggingface.co/unsloth/DeepSeek-V3-GGUF"\n'
    data = assess_json(tmp_path / "app", code)
    licences = {m["id"]: (m["catalog"] or {}).get("licence", {}).get("id") for m in data["models"]}
    assert licences == {
        "deepseek-v3:671b": "DeepSeek License Agreement 1.0 (23 October 2023)",
        "unsloth/DeepSeek-V3-GGUF": "DeepSeek License Agreement 1.0 (23 October 2023)",
    }


def test_releases_whose_licence_was_not_read_have_no_catalog_entry(tmp_path: Path) -> None:
    code = (
        "from transformers import AutoModelForCausalLM\n\n"
        'a = AutoModelForCausalLM.from_pretrained("deepseek-ai/DeepSeek-V3-0324")\n'
        'b = AutoModelForCausalLM.from_pretrained("tiiuae/Falcon3-7B-Instruct")\n'
    )
    data = assess_json(tmp_path / "app", code)
    assert {m["id"]: m["catalog"] for m in data["models"]} == {"deepseek-ai/DeepSeek-V3-0324": None, "tiiuae/Falcon3-7B-Instruct": None}
