"""Manifests and imports of every language with an official provider SDK, and manifests that do not parse.

C#/.NET, Java and Kotlin, Go, Ruby, PHP and Rust: one small file per declaration form the scanner
reads, with the finding it must produce (provider, kind, context, line). A structured manifest that
does not parse is listed under ``skipped`` with a one-line reason and never stops the scan; an XML
manifest that declares entities (the "billion laughs" bomb) or external entities is refused
without expanding or fetching anything.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fm_governance.scan import scan_project
from fm_governance.scan.manifests import FORMATS, GEMFILE_GEM, GEMSPEC_DEPENDENCY, GRADLE_COORDINATE, GRADLE_MAP, Declared, ManifestError, parse


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def found(tmp_path: Path, files: dict[str, str]) -> set[tuple[str | None, str, str, int]]:
    write(tmp_path, files)
    result = scan_project(tmp_path, progress=False)
    assert result.skipped == []
    return {(f["provider"], f["kind"], f["context"], f["line"]) for f in result.findings}


CASES = {
    # ---- .NET: MSBuild project files, central package management, packages.config, using, #:package
    "csproj item with a child Version": (
        {
            "Bot.csproj": '<Project Sdk="Microsoft.NET.Sdk">\n  <ItemGroup>\n    <PackageReference Include="Anthropic">\n      <Version>12.0.0</Version>\n    </PackageReference>\n  </ItemGroup>\n</Project>\n'
        },
        {("anthropic", "dependency", "dependency", 3)},
    ),
    "fsproj": (
        {"Bot.fsproj": '<Project>\n<ItemGroup><PackageReference Include="Google.GenAI" Version="1.1.0" /></ItemGroup>\n</Project>\n'},
        {("google", "dependency", "dependency", 2)},
    ),
    "Directory.Packages.props": (
        {
            "Directory.Packages.props": '<Project>\n  <ItemGroup>\n    <PackageVersion Include="AWSSDK.BedrockRuntime" Version="4.0.0" />\n  </ItemGroup>\n</Project>\n'
        },
        {("bedrock", "dependency", "dependency", 3)},
    ),
    "NuGet ids ignore case": (
        {"App.vbproj": '<Project><ItemGroup>\n<PackageReference Include="azure.ai.openai" Version="2.1.0" />\n</ItemGroup></Project>\n'},
        {("azure-openai", "dependency", "dependency", 2)},
    ),
    "packages.config": (
        {
            "legacy/packages.config": '<?xml version="1.0" encoding="utf-8"?>\n<packages>\n  <package id="Microsoft.SemanticKernel" version="1.30.0" targetFramework="net48" />\n</packages>\n'
        },
        {("semantic-kernel", "dependency", "dependency", 3)},
    ),
    "semantic kernel connector names its provider": (
        {
            "Agent.csproj": '<Project><ItemGroup>\n<PackageReference Include="Microsoft.SemanticKernel.Connectors.Ollama" Version="1.30.0-alpha" />\n</ItemGroup></Project>\n'
        },
        {("semantic-kernel", "dependency", "dependency", 2), ("ollama", "dependency", "dependency", 2)},
    ),
    "C# using forms": (
        {
            "Chat.cs": "global using Google.GenAI;\nusing static Amazon.BedrockRuntime.Model.ContentBlock;\nusing SK = Microsoft.SemanticKernel;\nusing (var s = File.OpenRead(path)) { }\n"
        },
        {("google", "import", "code", 1), ("bedrock", "import", "code", 2), ("semantic-kernel", "import", "code", 3)},
    ),
    "C# file-based app package directive": ({"ask.cs": "#:package Anthropic@12.0.0\nConsole.WriteLine(1);\n"}, {("anthropic", "dependency", "code", 1)}),
    "C# comment is prose": ({"Old.cs": "// using Azure.AI.OpenAI; (removed)\nclass A {}\n"}, set()),
    # ---- Java and Kotlin
    "pom dependencyManagement and plugin dependencies": (
        {
            "pom.xml": "<project>\n<dependencyManagement><dependencies>\n<dependency>\n<groupId>com.microsoft.semantic-kernel</groupId>\n<artifactId>semantickernel-bom</artifactId>\n</dependency>\n</dependencies></dependencyManagement>\n</project>\n"
        },
        {("semantic-kernel", "dependency", "dependency", 4)},
    ),
    "pom property coordinates are not names": (
        {
            "pom.xml": "<project><dependencies>\n<dependency><groupId>${ai.group}</groupId><artifactId>openai-java</artifactId></dependency>\n</dependencies></project>\n"
        },
        set(),
    ),
    "gradle groovy map notation": (
        {"build.gradle": "dependencies {\n    implementation group: 'software.amazon.awssdk', name: 'bedrockruntime', version: '2.29.0'\n}\n"},
        {("bedrock", "dependency", "dependency", 2)},
    ),
    "gradle version catalog": (
        {
            "gradle/libs.versions.toml": '[versions]\nlc4j = "1.0.0"\n\n[libraries]\nlc4j-openai = { module = "dev.langchain4j:langchain4j-open-ai", version.ref = "lc4j" }\nanthropic = "com.anthropic:anthropic-java:2.1.0"\n'
        },
        {("langchain4j", "dependency", "dependency", 5), ("openai", "dependency", "dependency", 5), ("anthropic", "dependency", "dependency", 6)},
    ),
    "openai-kotlin (community) in Groovy Gradle": (
        {
            "app/build.gradle": "dependencies {\n    implementation 'com.aallam.openai:openai-client:3.8.2'\n}\n",
            "app/Chat.kt": "import com.aallam.openai.client.OpenAI\n",
        },
        {("openai", "dependency", "dependency", 2), ("openai", "import", "code", 1)},
    ),
    "spring ai import": (
        {"Chat.java": "import org.springframework.ai.azure.openai.AzureOpenAiChatModel;\n"},
        {("spring-ai", "import", "code", 1), ("azure-openai", "import", "code", 1)},
    ),
    # ---- Go
    "go.mod single-line require": (
        {"go.mod": "module x\n\ngo 1.22\n\nrequire github.com/anthropics/anthropic-sdk-go v1.2.0\n"},
        {("anthropic", "dependency", "dependency", 5)},
    ),
    "go.mod replace and exclude blocks are not dependencies": (
        {
            "go.mod": "module x\n\nrequire (\n\tgithub.com/google/uuid v1.6.0\n\tgithub.com/cohere-ai/cohere-go/v2 v2.12.0 // indirect\n)\n\nreplace (\n\tgithub.com/openai/openai-go v1.0.0 => ../openai-go\n)\n\nexclude github.com/anthropics/anthropic-sdk-go v0.1.0\n"
        },
        {("cohere", "dependency", "dependency", 5)},
    ),
    "openai-go azure package": (
        {"main.go": 'package main\n\nimport (\n\t"github.com/openai/openai-go"\n\t"github.com/openai/openai-go/azure"\n)\n'},
        # Azure evidence turns openai-go into the way to Azure: the OpenAI import stays, marked.
        {("openai", "import", "code", 4), ("openai", "import", "code", 5), ("azure-openai", "import", "code", 5)},
    ),
    # ---- Ruby
    "gemspec": (
        {
            "digest.gemspec": 'Gem::Specification.new do |spec|\n  spec.name = "digest"\n  spec.add_dependency "openai", "~> 0.34"\n  spec.add_development_dependency %q<anthropic>\nend\n'
        },
        {("openai", "dependency", "dependency", 3), ("anthropic", "dependency", "dependency", 4)},
    ),
    "ruby require with parentheses": ({"lib/ask.rb": "require('aws-sdk-bedrockruntime')\nrequire_relative 'openai'\n"}, {("bedrock", "import", "code", 1)}),
    # ---- PHP
    "php use forms": (
        {"src/Ask.php": "<?php\nuse \\OpenAI;\nuse Anthropic\\{Client, Messages};\nuse function Aws\\BedrockRuntime\\invoke;\n// use Anthropic\\Client;\n"},
        {("openai", "import", "code", 2), ("anthropic", "import", "code", 3), ("bedrock", "import", "code", 4)},
    ),
    "composer require-dev": (
        {"composer.json": '{\n  "require-dev": {\n    "openai-php/client": "^0.10"\n  }\n}\n'},
        {("openai", "dependency", "dependency", 3)},
    ),
    # ---- Rust
    "cargo workspace and target dependencies": (
        {"Cargo.toml": '[workspace.dependencies]\nollama-rs = "0.2"\n\n[target.\'cfg(unix)\'.dependencies]\nasync-openai = "0.26"\n'},
        {("ollama", "dependency", "dependency", 2), ("openai", "dependency", "dependency", 5)},
    ),
    # ---- install commands in docs and scripts
    "install commands of every package manager": (
        {
            "README.md": "dotnet add package Azure.AI.OpenAI --prerelease\ndotnet add src/Bot.csproj package Anthropic\ngem install aws-sdk-bedrockruntime\nbundle add ruby-openai\ncomposer require anthropic-ai/sdk:^0.5\ngo get github.com/openai/openai-go@v1.12.0\ncargo add async-openai@0.26\n"
        },
        {
            ("azure-openai", "install-command", "prose", 1),
            ("anthropic", "install-command", "prose", 2),
            ("bedrock", "install-command", "prose", 3),
            ("openai", "install-command", "prose", 4),
            ("anthropic", "install-command", "prose", 5),
            ("openai", "install-command", "prose", 6),
            ("openai", "install-command", "prose", 7),
        },
    ),
    # ---- lock files: found, at low confidence, and never enough on their own to make a provider "used"
    "Gemfile.lock": (
        {"Gemfile.lock": "GEM\n  remote: https://rubygems.org/\n  specs:\n    anthropic (1.16.0)\n      connection_pool\n    connection_pool (2.5.0)\n"},
        {("anthropic", "lockfile", "dependency", 4)},
    ),
    "composer.lock": (
        {"composer.lock": '{\n  "packages": [\n    {\n      "name": "openai-php/client",\n      "version": "v0.10.3"\n    }\n  ],\n  "packages-dev": []\n}\n'},
        {("openai", "lockfile", "dependency", 4)},
    ),
    "packages.lock.json": (
        {
            "packages.lock.json": '{\n  "version": 1,\n  "dependencies": {\n    "net8.0": {\n      "Azure.AI.OpenAI": {"type": "Direct"},\n      "OpenAI": {"type": "Transitive"}\n    }\n  }\n}\n'
        },
        {("azure-openai", "lockfile", "dependency", 5), ("openai", "lockfile", "dependency", 6)},
    ),
    # ---- the catalogue: providers that had no entry, and URLs in any language
    "writer": (
        {"app.py": "from writerai import Writer\nclient = Writer()\nclient.chat.chat(model='palmyra-x5', messages=[])\n"},
        {("writer", "import", "code", 1), ("writer", "model-id", "code", 3)},
    ),
    "deepinfra through the AI SDK is DeepInfra and the AI SDK": (
        {"package.json": '{\n  "dependencies": {\n    "@ai-sdk/deepinfra": "^1.0.0"\n  }\n}\n'},
        {("deepinfra", "dependency", "dependency", 3), ("vercel-ai-sdk", "dependency", "dependency", 3)},
    ),
    "deepinfra through LangChain": (
        {"chain.py": "from langchain_community.chat_models import ChatDeepInfra\nkey = os.environ['DEEPINFRA_API_TOKEN']\n"},
        {("deepinfra", "symbol", "code", 1), ("langchain", "import", "code", 1), ("deepinfra", "env-var", "code", 2)},
    ),
    "deepinfra base url in Kotlin": (
        {"Client.kt": 'val client = OpenAIOkHttpClient.builder().baseUrl("https://api.deepinfra.com/v1/openai").build()\n'},
        {("deepinfra", "base-url", "code", 1)},
    ),
    "base URL of a client in Ruby and PHP": (
        {
            "lib/llm.rb": 'client = OpenAI::Client.new(uri_base: "https://api.groq.com/openai/v1")\n',
            "src/Llm.php": "<?php\n$client = OpenAI::factory()->withBaseUri('api.together.xyz/v1')->make();\n",
        },
        {("groq", "base-url", "code", 1), ("together", "base-url", "code", 2)},
    ),
    "azure openai URL formatted in C#": (
        {"Rest.cs": 'var url = $"https://{resource}.openai.azure.com/openai/deployments/{name}/chat/completions?api-version=2024-10-21";\n'},
        {("azure-openai", "endpoint", "code", 1)},
    ),
    "azure openai deployment path in Ruby": (
        {"client.rb": 'uri = URI("#{ENV.fetch("AOAI_HOST")}/openai/deployments/#{deployment}/chat/completions")\n'},
        {("azure-openai", "endpoint", "code", 1)},
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_detection(tmp_path, case):
    files, expected = CASES[case]
    assert found(tmp_path, files) == expected


# --------------------------------------------------------------------------- anchored line patterns


@pytest.mark.parametrize(
    ("line", "coordinate"),
    [
        ('implementation("com.openai:openai-java:2.0.0")', "com.openai:openai-java"),
        ("    api 'com.anthropic:anthropic-java'", "com.anthropic:anthropic-java"),
        ('testImplementation(platform("org.springframework.ai:spring-ai-bom:1.0.0"))', "org.springframework.ai:spring-ai-bom"),
        ('kapt "dev.langchain4j:langchain4j:1.0.0"', "dev.langchain4j:langchain4j"),
        ('// implementation("com.openai:openai-java:2.0.0")', None),
        ('url = uri("https://repo.example.com:8443/maven")', None),
        ('    description = "see com.openai:openai-java"', None),
    ],
)
def test_gradle_coordinate_pattern(line, coordinate):
    m = GRADLE_COORDINATE.search(line)
    assert (f"{m.group(1)}:{m.group(2)}" if m else None) == coordinate


def test_gradle_map_pattern():
    assert GRADLE_MAP.search('implementation(group = "com.google.genai", name = "google-genai", version = "1.0.0")').groups() == (
        "com.google.genai",
        "google-genai",
    )
    assert GRADLE_MAP.search("// implementation group: 'a', name: 'b'") is None


@pytest.mark.parametrize(
    ("line", "gem"),
    [
        ('gem "openai"', "openai"),
        ("  gem 'anthropic', '~> 1.16', require: false", "anthropic"),
        ('gem("ruby-openai", require: "openai")', "ruby-openai"),
        ('# gem "openai"', None),
        ('source "https://rubygems.org"', None),
        ('gemspec path: "openai"', None),
    ],
)
def test_gemfile_pattern(line, gem):
    m = GEMFILE_GEM.search(line)
    assert (m.group(1) if m else None) == gem


@pytest.mark.parametrize(
    ("line", "gem"),
    [
        ('  spec.add_dependency "openai", "~> 0.34"', "openai"),
        ("  s.add_runtime_dependency('anthropic')", "anthropic"),
        ('  s.add_development_dependency %q<aws-sdk-bedrockruntime>, [">= 0"]', "aws-sdk-bedrockruntime"),
        ('  # spec.add_dependency "openai"', None),
        ('  spec.summary = "add_dependency \\"openai\\""', None),
    ],
)
def test_gemspec_pattern(line, gem):
    m = GEMSPEC_DEPENDENCY.search(line)
    assert ((m.group(1) or m.group(2)) if m else None) == gem


def test_parsers_return_declarations_in_file_order():
    text = '[dependencies]\nserde = "1"\nasync-openai = "0.26"\n\n[dev-dependencies.ollama]\npackage = "ollama-rs"\nversion = "0.2"\n'
    assert parse("cargo", text) == [Declared("cargo", "serde", 2), Declared("cargo", "async-openai", 3), Declared("cargo", "ollama-rs", 5)]


# --------------------------------------------------------------------------- manifests that do not parse

#: file -> (text, what the reason starts with, the line it names). The parser's own wording of the
#: problem sits between the two and is not pinned here: it belongs to expat, tomllib and json.
MALFORMED = {
    "Bot.csproj": ('<Project><ItemGroup>\n<PackageReference Include="Anthropic" Version="1">\n</ItemGroup></Project>\n', "not well-formed XML (", "line 3"),
    "Directory.Packages.props": ("<Project>\n<ItemGroup>\n", "not well-formed XML (", "line 3"),
    "packages.config": ('<packages>\n<package id="OpenAI" version="2" \n</packages>\n', "not well-formed XML (", "line 3"),
    "pom.xml": ("<project><dependencies>\n<dependency><groupId>com.anthropic</groupId>\n</project>\n", "not well-formed XML (", "line 3"),
    "Cargo.toml": ('[dependencies]\nasync-openai = "0.26\n', "not valid TOML (", "line 2"),
    "libs.versions.toml": ("[libraries]\nopenai = { module = \n", "not valid TOML (", "line 2"),
    "pyproject.toml": ('[project\nname = "x"\n', "not valid TOML (", "line 1"),
    "Pipfile": ("[packages\n", "not valid TOML (", "line 1"),
    "composer.json": ('{\n  "require": {\n    "anthropic-ai/sdk": "^0.5",\n  }\n}\n', "not valid JSON (", "line 4"),
    "package.json": ('{\n  "dependencies": {"openai": "^4"\n}\n', "not valid JSON (", "line 4"),
    "Pipfile.lock": ('{"default": {', "not valid JSON (", "line 1"),
    "composer.lock": ('{"packages": [}', "not valid JSON (", "line 1"),
    "packages.lock.json": ('{"dependencies": {"net8.0": }}', "not valid JSON (", "line 1"),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_a_manifest_that_does_not_parse_is_skipped_with_a_reason(tmp_path, name):
    text, starts, line = MALFORMED[name]
    (tmp_path / name).write_text(text)
    (tmp_path / "app.py").write_text("import anthropic\n")
    result = scan_project(tmp_path, progress=False)
    assert [s["path"] for s in result.skipped] == [name]
    reason = result.skipped[0]["reason"]
    assert reason.startswith(starts) and f"{line}," in reason and reason.endswith("); dependencies not read"), reason
    assert "\n" not in reason
    # The rest of the project is scanned as usual, and no dependency is guessed from the broken file.
    assert [p["id"] for p in result.providers] == ["anthropic"]
    assert not any(f["file"] == name and f["kind"] in ("dependency", "lockfile") for f in result.findings)


def test_the_manifest_parsers_raise_manifest_error_only():
    for fmt, text in [("msbuild", "<a>"), ("pom", ""), ("composer", "[1,"), ("cargo", "x ="), ("gradle-catalog", "[libraries")]:
        with pytest.raises(ManifestError):
            parse(fmt, text)
    # Line formats have no syntax to break: a line that is not a declaration is ignored.
    assert parse("gradle", "}}} not kotlin {{{") == []
    assert parse("gemfile", "end end end") == []


BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Project><ItemGroup><PackageReference Include="&lol9;" /><PackageReference Include="Azure.AI.OpenAI" /></ItemGroup></Project>
"""


def test_an_entity_expansion_bomb_is_refused_without_expanding_it(tmp_path: Path, installed_cli: str) -> None:
    (tmp_path / "Bomb.csproj").write_text(BOMB)
    (tmp_path / "pom.xml").write_text('<?xml version="1.0"?>\n<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<project>&x;</project>\n')
    # The installed command, as users run it: exit 0, no traceback, both files listed with the reason.
    done = subprocess.run([installed_cli, "assess", str(tmp_path), "--dry-run", "--format", "json"], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    refused = "refused: declares XML entities or external references (line {}), which are never expanded or fetched; dependencies not read"
    assert report["skipped"] == [{"path": "Bomb.csproj", "reason": refused.format(3)}, {"path": "pom.xml", "reason": refused.format(2)}]
    # Nothing was read out of the refused files, and nothing of /etc/passwd reached the output.
    assert not [f for f in report["findings"] if f["kind"] == "dependency"]
    assert "root:" not in done.stdout


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fmt=st.sampled_from(sorted(FORMATS)), text=st.one_of(st.text(max_size=300), st.sampled_from([t for t, _s, _l in MALFORMED.values()]).map(lambda t: t[:-3]))
)
def test_parsers_raise_nothing_but_manifest_error(fmt, text):
    # Structured formats whose values are the wrong type ("target = 1", a list for "require") and
    # arbitrary text: a list of declarations or a ManifestError, never another exception.
    for candidate in (text, '{"require": ["a/b"], "packages": {"x": 1}, "dependencies": [1]}', "target = 1\nworkspace = [1]\nlibraries = 'x'\n"):
        try:
            declared = parse(fmt, candidate)
        except ManifestError as exc:
            assert exc.reason.endswith("dependencies not read") and "\n" not in exc.reason
        else:
            assert all(isinstance(d, Declared) and d.line >= 1 for d in declared)
