"""Fewer false labels: each case is a small project that a scanner used to misread, and what it must say.

Every test here is a regression for one way the scanner labelled a provider or a package as used
when the project did not use it (or missed the right label): router-style ``org/model`` ids,
install commands inside documentation stored as JSON, LangSmith, a project's own package,
docstrings and trailing comments, and requirement lines that ``packaging`` refuses.
"""

from __future__ import annotations

import json

import pytest

from conftest import scan_files as scan


def found(result) -> set[tuple[str | None, str, str, int, str]]:  # type: ignore[no-untyped-def]
    return {(f["provider"], f["kind"], f["context"], f["line"], f["value"]) for f in result.findings}


def used(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [p["id"] for p in result.providers]


# --------------------------------------------------------------------------- org/model: hub or router


def test_a_router_style_gemini_id_is_google_not_hugging_face(tmp_path):
    result = scan(tmp_path, {"app.py": 'client = OpenAI(base_url=ROUTER)\nreply = client.chat.completions.create(model="google/gemini-2.5-pro")\n'})
    assert used(result) == ["google"]
    (model,) = result.models
    assert (model["id"], model["provider"], model["model"]) == ("google/gemini-2.5-pro", "google", "gemini-2.5-pro")


def test_the_same_string_in_a_file_that_downloads_from_the_hub_is_a_hub_repository(tmp_path):
    result = scan(tmp_path, {"load.py": 'from transformers import AutoModel\nNAME = "google/gemini-2.5-pro"\nmodel = AutoModel.from_pretrained(NAME)\n'})
    assert ("huggingface", "model-id", "code", 2, "google/gemini-2.5-pro") in found(result)
    assert "google" not in used(result)


def test_an_open_weight_repository_of_a_hub_organisation_stays_a_hub_repository(tmp_path):
    # Gemma is published on the hub; no hosted provider serves "gemma-2-9b-it" under its own name.
    result = scan(tmp_path, {"config.yaml": "model: google/gemma-2-9b-it\n"})
    assert found(result) == {("huggingface", "model-id", "config", 1, "google/gemma-2-9b-it")}


# --------------------------------------------------------------------------- install commands in JSON data


def test_an_install_command_in_documentation_text_of_a_json_file_is_prose(tmp_path):
    docs = {"pages": [{"title": "Quick start", "body": "To try it, run pip install openai and set your key.\n\nThen call the API."}]}
    result = scan(tmp_path, {"site/search-index.json": json.dumps(docs) + "\n"})
    assert found(result) == {("openai", "install-command", "prose", 1, "openai")}
    assert used(result) == []


def test_an_install_command_that_is_the_whole_json_value_still_counts(tmp_path):
    devcontainer = '{\n  "postCreateCommand": "pip install anthropic",\n  "postStartCommand": "npm ci && pip install cohere"\n}\n'
    result = scan(tmp_path, {".devcontainer/devcontainer.json": devcontainer})
    assert ("anthropic", "install-command", "config", 2, "anthropic") in found(result)
    assert ("cohere", "install-command", "config", 3, "cohere") in found(result)
    assert used(result) == ["anthropic", "cohere"]


# --------------------------------------------------------------------------- LangSmith


@pytest.mark.parametrize(
    "files",
    [
        {"tracing.py": "from langsmith import traceable\nimport langsmith\n"},
        {"requirements.txt": "langsmith>=0.1\n"},
        {".env.example": "LANGSMITH_API_KEY=\nLANGSMITH_TRACING=true\n"},
    ],
)
def test_langsmith_does_not_label_langchain(tmp_path, files):
    assert used(scan(tmp_path, files)) == []


def test_langchain_itself_is_still_found(tmp_path):
    assert used(scan(tmp_path, {"chain.py": "from langchain_core.prompts import ChatPromptTemplate\n"})) == ["langchain"]


# --------------------------------------------------------------------------- a project's own package


OWN_PACKAGE_CASES = {
    # The instructor repository: pyproject names it, its examples import it.
    "pyproject": (
        {
            "pyproject.toml": '[project]\nname = "instructor"\ndependencies = ["openai>=1"]\n',
            "examples/extract.py": "import instructor\nfrom instructor.patch import patch\n",
            "README.md": "pip install instructor\n",
        },
        "instructor",
        ["openai"],
    ),
    # The Vercel AI SDK monorepo: packages/ai is "ai", packages/openai is "@ai-sdk/openai".
    "npm workspace": (
        {
            "packages/ai/package.json": '{"name": "ai", "dependencies": {"@ai-sdk/openai": "workspace:*"}}\n',
            "packages/openai/package.json": '{"name": "@ai-sdk/openai"}\n',
            "examples/next/app.ts": 'import { openai } from "@ai-sdk/openai";\nimport { generateText } from "ai";\n',
        },
        "@ai-sdk/openai",
        [],
    ),
    "Cargo.toml": ({"Cargo.toml": '[package]\nname = "async-openai"\n', "examples/chat.rs": "use async_openai::Client;\n"}, "async-openai", []),
    "go.mod": (
        {"go.mod": "module github.com/openai/openai-go\n\ngo 1.22\n", "examples/main.go": 'package main\n\nimport "github.com/openai/openai-go/option"\n'},
        "github.com/openai/openai-go",
        [],
    ),
    "csproj": (
        {
            "src/Anthropic/Anthropic.csproj": "<Project Sdk='Microsoft.NET.Sdk'><PropertyGroup><PackageId>Anthropic</PackageId></PropertyGroup></Project>\n",
            "samples/Demo/Demo.csproj": "<Project><ItemGroup><PackageReference Include='Anthropic' /></ItemGroup></Project>\n",
            "samples/Demo/Program.cs": "using Anthropic;\n",
        },
        "anthropic",
        [],
    ),
    "composer.json": (
        {
            "composer.json": '{"name": "openai-php/client", "autoload": {"psr-4": {"OpenAI\\\\": "src/"}}}\n',
            "examples/a.php": "<?php\nuse OpenAI\\Client;\n",
            "demo/composer.json": '{"require": {"openai-php/client": "^0.10"}}\n',
        },
        "openai-php/client",
        [],
    ),
    "gemspec": (
        {"ruby-openai.gemspec": 'Gem::Specification.new do |spec|\n  spec.name = "ruby-openai"\nend\n', "Gemfile": 'gem "ruby-openai"\n'},
        "ruby-openai",
        [],
    ),
}


@pytest.mark.parametrize("case", list(OWN_PACKAGE_CASES))
def test_a_projects_own_package_is_not_a_dependency_of_itself(tmp_path, case):
    files, own, providers = OWN_PACKAGE_CASES[case]
    result = scan(tmp_path, files)
    assert used(result) == providers
    assert own in result.stats["own_packages"]
    assert all(f["kind"] != "project-name" for f in result.findings)


def test_a_manifest_in_a_test_folder_does_not_name_the_project(tmp_path):
    # A fixture project called "openai" must not hide the real openai dependency.
    result = scan(tmp_path, {"tests/fixtures/fake/pyproject.toml": '[project]\nname = "openai"\n', "requirements.txt": "openai\n"})
    assert used(result) == ["openai"]
    assert result.stats["own_packages"] == []


def test_another_ecosystems_package_of_the_same_name_is_kept(tmp_path):
    # A JavaScript package named "cohere-demo" is not the Python "cohere"; a Python package named
    # "groq" (say, a fork) does not hide the npm "groq-sdk".
    result = scan(tmp_path, {"pyproject.toml": '[project]\nname = "groq"\n', "package.json": '{"name": "x", "dependencies": {"groq-sdk": "1"}}\n'})
    assert used(result) == ["groq"]


# --------------------------------------------------------------------------- docstrings and trailing comments


def test_docstrings_are_prose(tmp_path):
    source = (
        '"""Chat helpers.\n'
        "\n"
        "Example::\n"
        "\n"
        "    import anthropic\n"
        '    client.messages.create(model="claude-3-5-sonnet-20241022")\n'
        '"""\n'
        "\n"
        "def ask(question):\n"
        "    '''Ask with model=\"gpt-4o\".'''\n"
        '    return call(model="mistral-large-latest")\n'
    )
    result = scan(tmp_path, {"helpers.py": source})
    assert ("anthropic", "model-id", "prose", 6, "claude-3-5-sonnet-20241022") in found(result)
    assert ("openai", "model-id", "prose", 10, "gpt-4o") in found(result)
    assert ("mistral", "model-id", "code", 11, "mistral-large-latest") in found(result)
    assert used(result) == ["mistral"]


def test_docstrings_of_methods_in_nested_blocks_are_prose(tmp_path):
    source = (
        "try:\n"
        "    import fast\n"
        "except ImportError:\n"
        "    class Client:\n"
        "        def ask(self):\n"
        '            """Calls "gpt-4o" by default."""\n'
        '            return self.call(model="command-r-plus")\n'
    )
    result = scan(tmp_path, {"client.py": source})
    assert ("openai", "model-id", "prose", 6, "gpt-4o") in found(result)
    assert ("cohere", "model-id", "code", 7, "command-r-plus") in found(result)


def test_a_file_that_does_not_parse_as_python_keeps_its_lines_as_code(tmp_path):
    result = scan(tmp_path, {"legacy.py": 'print "hello"\n"""\nmodel = "gpt-4o"\n"""\n'})
    assert ("openai", "model-id", "code", 3, "gpt-4o") in found(result)


def test_a_prompt_template_in_triple_quotes_is_code(tmp_path):
    # Only a string that stands alone as a statement documents code; one that is assigned runs.
    result = scan(tmp_path, {"prompts.py": 'CONFIG = """\nmodel: "gpt-4o"\n"""\n'})
    assert ("openai", "model-id", "code", 2, "gpt-4o") in found(result)


@pytest.mark.parametrize(
    ("rel", "line", "code", "prose"),
    [
        ("app.py", 'client = Groq()  # was: model="gpt-4o"\n', None, ("openai", "gpt-4o")),
        ("app.py", 'MODEL = "claude-3-5-haiku-latest"  # or "gpt-4o-mini"\n', ("anthropic", "claude-3-5-haiku-latest"), ("openai", "gpt-4o-mini")),
        ("app.ts", 'const model = "gemini-2.0-flash"; // "gpt-4o" was slower\n', ("google", "gemini-2.0-flash"), ("openai", "gpt-4o")),
        ("config.yaml", "model: gpt-4o  # fallback: claude-3-opus-20240229\n", ("openai", "gpt-4o"), None),
        ("run.sh", 'curl https://api.mistral.ai/v1/chat  # see "gpt-4o" notes\n', ("mistral", "api.mistral.ai"), ("openai", "gpt-4o")),
    ],
)
def test_a_trailing_comment_is_prose_and_the_code_before_it_is_code(tmp_path, rel, line, code, prose):
    result = scan(tmp_path, {rel: line})
    contexts = {(f["provider"], f["value"]): f["context"] for f in result.findings}
    if code:
        assert contexts[code] in ("code", "config")
    if prose:
        assert contexts[prose] == "prose"


@pytest.mark.parametrize(
    ("rel", "line"),
    [
        ("app.py", 'URL = "https://example.com/#anchor"; MODEL = "gpt-4o"\n'),
        ("app.ts", 'const url = "https://example.com/x"; const model = "gpt-4o";\n'),
        ("app.ts", 'call(/* model */ "gpt-4o");\n'),
        ("app.ts", 'const url = /https?:\\/\\//; const model = "gpt-4o";\n'),
        ("config.yaml", "url: https://example.com/v1 \nmodel: gpt-4o\n"),
        ("run.sh", "echo a#b gpt-4o-model=gpt-4o\nexport MODEL='gpt-4o'\n"),
    ],
)
def test_comment_markers_inside_strings_and_urls_are_not_comments(tmp_path, rel, line):
    result = scan(tmp_path, {rel: line})
    assert [f["context"] for f in result.findings if f["value"] == "gpt-4o"] in (["code"], ["config"])


# --------------------------------------------------------------------------- requirements through packaging


def test_requirement_lines_are_read_as_pip_reads_them(tmp_path):
    text = (
        "# pinned\n"
        "openai==1.51.0 \\\n"
        "    --hash=sha256:0123456789abcdef\n"
        "-r base.txt\n"
        "-e .\n"
        "\"anthropic[bedrock] ; python_version >= '3.9'\"\n"
        "Cohere>=5  # the SDK\n"
        "mistralai @ https://example.com/mistralai-1.0-py3-none-any.whl\n"
    )
    result = scan(tmp_path, {"requirements.txt": text})
    deps = {(f["provider"], f["line"]) for f in result.findings}
    assert deps == {("openai", 2), ("cohere", 7), ("mistral", 8)}
    # A quoted line is not a requirement packaging reads: skipped with its reason, not guessed at.
    skipped = {s["path"]: s["reason"] for s in result.skipped}
    assert list(skipped) == ["requirements.txt:6"]
    assert skipped["requirements.txt:6"].startswith("not a requirement packaging can read: ")


def test_a_url_requirement_is_skipped_with_a_reason_and_the_token_is_not_repeated(tmp_path):
    result = scan(tmp_path, {"requirements.txt": "git+https://user:ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/acme/x.git\ngroq\n"})
    assert used(result) == ["groq"]
    (entry,) = result.skipped
    assert entry["path"] == "requirements.txt:1"
    assert "a URL or a path" in entry["reason"]
    assert "ghp_" not in json.dumps(result.to_json_dict())


def test_setup_cfg_requirements_are_read_with_configparser(tmp_path):
    cfg = "[metadata]\nname = acme\n\n[options]\ninstall_requires =\n    mistralai>=1.0\n    requests\n\n[options.extras_require]\nai = cohere>=5; groq\n"
    result = scan(tmp_path, {"setup.cfg": cfg})
    assert {(f["provider"], f["line"]) for f in result.findings} == {("mistral", 6), ("cohere", 10), ("groq", 10)}


def test_pyproject_entry_packaging_refuses_is_skipped_with_a_reason(tmp_path):
    result = scan(tmp_path, {"pyproject.toml": '[project]\nname = "x"\ndependencies = ["openai >= 1 <2", "anthropic"]\n'})
    assert used(result) == ["anthropic"]
    (entry,) = result.skipped
    assert entry["path"] == "pyproject.toml"
    assert entry["reason"].startswith("a dependency entry skipped: not a requirement packaging can read")


def test_conda_environment_specs_and_its_pip_section(tmp_path):
    env = (
        "name: rag\n"
        "channels:\n"
        "  - conda-forge\n"
        "dependencies:\n"
        "  - python=3.11\n"
        "  - conda-forge::openai=1.51  # the SDK from conda-forge\n"
        "  - pip\n"
        "  - pip:\n"
        "      - anthropic[vertex]>=0.40\n"
    )
    result = scan(tmp_path, {"environment.yml": env})
    assert {(f["provider"], f["kind"], f["line"]) for f in result.findings} == {
        ("openai", "dependency", 6),
        ("anthropic", "dependency", 9),
        ("google", "dependency", 9),
    }
    assert result.skipped == []
