"""Dependency manifests of .NET, Java and Kotlin, Go, Ruby, PHP and Rust: what each declares, where.

Each parser takes a manifest's text and returns the packages it declares, as :class:`Declared`
(ecosystem, name, 1-based line); the detectors look the names up in ``providers.yaml``. Structured
formats are read with a real parser, never with patterns over their text:

* XML (MSBuild project files ``*.csproj``/``*.fsproj``/``*.vbproj``, ``Directory.Packages.props``,
  ``Directory.Build.props``, ``packages.config``, Maven's ``pom.xml``) with ``defusedxml``: a
  scanned repository is untrusted input, and defusedxml refuses entity declarations (the "billion
  laughs" expansion bomb) and external entities instead of expanding or fetching them;
* TOML (``Cargo.toml``, Gradle's ``libs.versions.toml``) with ``tomllib``;
* JSON (``composer.json``) with ``json``.

Gradle build scripts and Ruby's ``Gemfile`` and ``*.gemspec`` are programs, and ``go.mod`` is a
line format; no parser for them exists in the standard library or a well-kept package. They are
read with small patterns, each anchored at the start of a line and matching one documented way to
declare a dependency (``implementation("g:a:v")``, ``gem "name"``, ``spec.add_dependency "name"``,
``require path v1.2.3``), so a coordinate in a comment, a string or a URL elsewhere in the file is
not taken for a declaration. A line these patterns do not know is ignored, so line formats are never
"malformed".

A structured manifest that does not parse raises :class:`ManifestError` with a one-line reason;
the scanner lists the file under ``skipped`` with that reason (its dependencies were not read) and
still searches its lines as configuration, so an endpoint or a variable name in it is not lost.
"""

from __future__ import annotations

import bisect
import json
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

__all__ = ["FORMATS", "Declared", "ManifestError", "parse", "parse_json", "project_name", "toml"]


class ManifestError(ValueError):
    """A manifest that could not be read; ``reason`` is one line, for the ``skipped`` list."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Declared:
    """One dependency a manifest declares: ``ecosystem`` is nuget, maven, gem, composer, cargo or go."""

    ecosystem: str
    name: str
    line: int


# --------------------------------------------------------------------------- line positions


class _Lines:
    """1-based line numbers of character offsets, from one pass over the text."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def of(self, pos: int) -> int:
        return bisect.bisect_right(self._starts, pos)


def _key_line(text: str, key: str, lines: _Lines, *, quoted_only: bool = False) -> int:
    """The line where ``key`` is declared: ``key =``/``"key":`` at the start of a line, a
    ``[...dependencies.key]`` table header, or (JSON) the first ``"key"`` string; 1 when not found."""
    esc = re.escape(key)
    patterns = [rf"[\"']{esc}[\"']\s*:"] if quoted_only else [rf"^[ \t]*[\"']?{esc}[\"']?[ \t]*=", rf"^[ \t]*\[[^\]\n]*\.[\"']?{esc}[\"']?\][ \t]*$"]
    for pattern in patterns:
        m = re.search(pattern, text, re.M)
        if m:
            return lines.of(m.start())
    return 1


# --------------------------------------------------------------------------- XML


@dataclass
class _Node:
    tag: str
    attrib: dict[str, str]
    line: int
    text: list[str] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)

    def child_text(self, tag: str) -> tuple[str, int] | None:
        for child in self.children:
            if child.tag == tag:
                return "".join(child.text).strip(), child.line
        return None


class _TreeTarget:
    """An ElementTree parser target that keeps each element's line (ElementTree itself does not)."""

    def __init__(self) -> None:
        self.parser: Any = None
        self.root: _Node | None = None
        self._stack: list[_Node] = []

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        node = _Node(tag.rpartition("}")[2], dict(attrib), int(self.parser.parser.CurrentLineNumber))
        if self._stack:
            self._stack[-1].children.append(node)
        elif self.root is None:
            self.root = node
        self._stack.append(node)

    def end(self, tag: str) -> None:
        self._stack.pop()

    def data(self, text: str) -> None:
        if self._stack:
            self._stack[-1].text.append(text)

    def close(self) -> _Node | None:
        return self.root


def _parse_xml(text: str) -> _Node:
    target = _TreeTarget()
    parser = DefusedXMLParser(target=target)
    target.parser = parser
    try:
        parser.feed(text)
        root: _Node | None = parser.close()
    except DefusedXmlException as exc:
        line = parser.parser.CurrentLineNumber
        raise ManifestError(
            f"refused: declares XML entities or external references (line {line}), which are never expanded or fetched; dependencies not read"
        ) from exc
    except ParseError as exc:
        raise ManifestError(f"not well-formed XML ({exc}); dependencies not read") from exc
    if root is None:
        raise ManifestError("empty XML document; dependencies not read")
    return root


def _walk(node: _Node) -> Iterable[_Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def _attr(node: _Node, name: str) -> str | None:
    # MSBuild attribute names are case-insensitive (``Include``, ``include``).
    for key, value in node.attrib.items():
        if key.lower() == name:
            return value
    return None


#: MSBuild items that name a NuGet package: a reference, a central version, a global reference.
_MSBUILD_ITEMS = frozenset({"PackageReference", "PackageVersion", "GlobalPackageReference"})


def _msbuild(text: str) -> list[Declared]:
    out: list[Declared] = []
    for node in _walk(_parse_xml(text)):
        if node.tag in _MSBUILD_ITEMS:
            # ``Update`` changes the version of a reference made elsewhere: the package is still named.
            name = _attr(node, "include") or _attr(node, "update")
            if name and "$(" not in name:
                out.extend(Declared("nuget", part.strip(), node.line) for part in name.split(";") if part.strip())
    return out


def _packages_config(text: str) -> list[Declared]:
    return [Declared("nuget", name, node.line) for node in _walk(_parse_xml(text)) if node.tag == "package" and (name := _attr(node, "id"))]


def _pom(text: str) -> list[Declared]:
    out = []
    for node in _walk(_parse_xml(text)):
        if node.tag != "dependency":
            continue
        group, artifact = node.child_text("groupId"), node.child_text("artifactId")
        if group and artifact and "${" not in group[0] + artifact[0]:
            out.append(Declared("maven", f"{group[0]}:{artifact[0]}", group[1]))
    return out


# --------------------------------------------------------------------------- TOML and JSON


def toml(text: str) -> dict[str, Any]:
    """``tomllib.loads`` with a :class:`ManifestError` naming the line and column of a syntax error."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"not valid TOML ({exc}); dependencies not read") from exc


def parse_json(text: str) -> Any:
    """``json.loads`` with a :class:`ManifestError` naming the line and column of a syntax error."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestError(f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); dependencies not read") from exc


_CARGO_SECTIONS = ("dependencies", "dev-dependencies", "build-dependencies")


def _table(data: Any, key: str) -> dict[str, Any]:
    """``data[key]`` when both are tables, else an empty table (a file may hold anything anywhere)."""
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def _cargo(text: str) -> list[Declared]:
    data = toml(text)
    tables = [_table(data, s) for s in _CARGO_SECTIONS]
    tables.append(_table(_table(data, "workspace"), "dependencies"))
    for target in _table(data, "target").values():
        tables.extend(_table(target, s) for s in _CARGO_SECTIONS)
    lines = _Lines(text)
    out = []
    for table in tables:
        for key, spec in table.items():
            # ``openai = { package = "async-openai", ... }`` renames a crate: the package is the crate.
            name = spec.get("package", key) if isinstance(spec, dict) else key
            out.append(Declared("cargo", str(name), _key_line(text, key, lines)))
    return out


def _version_catalog(text: str) -> list[Declared]:
    data = toml(text)
    lines = _Lines(text)
    out = []
    for key, spec in _table(data, "libraries").items():
        coordinate = None
        if isinstance(spec, str):
            coordinate = ":".join(spec.split(":")[:2])
        elif isinstance(spec, dict):
            if isinstance(spec.get("module"), str):
                coordinate = spec["module"]
            elif isinstance(spec.get("group"), str) and isinstance(spec.get("name"), str):
                coordinate = f"{spec['group']}:{spec['name']}"
        if coordinate and coordinate.count(":") == 1:
            out.append(Declared("maven", coordinate, _key_line(text, key, lines)))
    return out


def _composer(text: str) -> list[Declared]:
    data = parse_json(text)
    lines = _Lines(text)
    out = []
    for section in ("require", "require-dev"):
        for name in _table(data, section):
            if "/" in name:  # "php" and "ext-json" are platform requirements, not packages
                out.append(Declared("composer", name.lower(), _key_line(text, name, lines, quoted_only=True)))
    return out


def _json_name_line(text: str, name: str, lines: _Lines, key: str = "name") -> int:
    m = re.search(rf'"{key}"\s*:\s*"{re.escape(name)}"', text)
    return lines.of(m.start()) if m else _key_line(text, name, lines, quoted_only=True)


def _composer_lock(text: str) -> list[Declared]:
    data = parse_json(text)
    lines = _Lines(text)
    out = []
    for section in ("packages", "packages-dev"):
        packages = data.get(section) if isinstance(data, dict) else None
        for package in packages if isinstance(packages, list) else ():
            name = package.get("name") if isinstance(package, dict) else None
            if isinstance(name, str) and "/" in name:
                out.append(Declared("composer", name.lower(), _json_name_line(text, name, lines)))
    return out


def _nuget_lock(text: str) -> list[Declared]:
    """``packages.lock.json``: ``{"dependencies": {"net8.0": {"Azure.AI.OpenAI": {...}}}}``."""
    data = parse_json(text)
    lines = _Lines(text)
    out = []
    seen: set[str] = set()
    for framework in _table(data, "dependencies"):
        for name in _table(_table(data, "dependencies"), framework):
            if name.lower() not in seen:
                seen.add(name.lower())
                out.append(Declared("nuget", name, _key_line(text, name, lines, quoted_only=True)))
    return out


# --------------------------------------------------------------------------- line formats

#: ``implementation("g:a:v")``, ``api 'g:a'``, ``testImplementation(platform("g:a:v"))``, ``kapt "g:a:v"``.
GRADLE_COORDINATE = re.compile(
    r"""^[ \t]*[A-Za-z_]\w*[ \t]*\(?[ \t]*(?:(?:platform|enforcedPlatform)[ \t]*\([ \t]*)?["']([\w.-]+):([\w.-]+)(?::[^"'\s]*)?["']""", re.M
)
#: ``implementation group: 'g', name: 'a'`` (Groovy) and ``implementation(group = "g", name = "a")`` (Kotlin).
GRADLE_MAP = re.compile(r"""^[ \t]*[A-Za-z_]\w*[ \t]*\(?[ \t]*group[ \t]*[:=][ \t]*["']([\w.-]+)["'][ \t]*,[ \t]*name[ \t]*[:=][ \t]*["']([\w.-]+)["']""", re.M)
#: ``gem "name"``, ``gem 'name', '~> 1.0'``, ``gem("name")``.
GEMFILE_GEM = re.compile(r"""^[ \t]*gem[ \t]*\(?[ \t]*["']([\w.-]+)["']""", re.M)
#: ``spec.add_dependency "name"``, ``s.add_runtime_dependency('name', ...)``, ``add_development_dependency %q<name>``.
GEMSPEC_DEPENDENCY = re.compile(r"""^[ \t]*\w+\.add_(?:runtime_|development_)?dependency[ \t]*\(?[ \t]*(?:["']([\w.-]+)["']|%q<([\w.-]+)>)""", re.M)
#: A resolved gem in ``Gemfile.lock``: four spaces, the name, its version in parentheses (the gems it
#: depends on are indented by six and are listed under their own name too).
GEMFILE_LOCK_SPEC = re.compile(r"^ {4}([\w.-]+) \(", re.M)
#: A module path and its version: a ``go.sum`` line, a line of a ``require ( ... )`` block.
GO_MODULE = re.compile(r"^[ \t]*((?:[\w-]+\.)+[\w-]+/[\w./-]+)[ \t]+v\d", re.M)
#: ``require github.com/x/y v1.2.3`` on one line.
GO_REQUIRE = re.compile(r"^[ \t]*require[ \t]+((?:[\w-]+\.)+[\w-]+/[\w./-]+)[ \t]+v\d")
#: The start of a ``require (``, ``replace (``, ``exclude (`` ... block.
GO_BLOCK = re.compile(r"^[ \t]*(\w+)[ \t]*\([ \t]*(?://.*)?$")


def _by_pattern(text: str, pattern: re.Pattern[str], ecosystem: str, name: Callable[[re.Match[str]], str]) -> list[Declared]:
    lines = _Lines(text)
    return [Declared(ecosystem, name(m), lines.of(m.start())) for m in pattern.finditer(text)]


def _gradle(text: str) -> list[Declared]:
    return _by_pattern(text, GRADLE_COORDINATE, "maven", lambda m: f"{m.group(1)}:{m.group(2)}") + _by_pattern(
        text, GRADLE_MAP, "maven", lambda m: f"{m.group(1)}:{m.group(2)}"
    )


def _gemfile(text: str) -> list[Declared]:
    return _by_pattern(text, GEMFILE_GEM, "gem", lambda m: m.group(1))


def _gemspec(text: str) -> list[Declared]:
    return _by_pattern(text, GEMSPEC_DEPENDENCY, "gem", lambda m: m.group(1) or m.group(2))


def _gemfile_lock(text: str) -> list[Declared]:
    return _by_pattern(text, GEMFILE_LOCK_SPEC, "gem", lambda m: m.group(1))


def _go_mod(text: str) -> list[Declared]:
    """``require`` directives only: a module named in a ``replace`` or ``exclude`` block is not a dependency."""
    out = []
    block: str | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        if block is not None:
            if line.strip().startswith(")"):
                block = None
            elif block == "require" and (m := GO_MODULE.match(line)):
                out.append(Declared("go", m.group(1), number))
        elif start := GO_BLOCK.match(line):
            block = start.group(1)
        elif m := GO_REQUIRE.match(line):
            out.append(Declared("go", m.group(1), number))
    return out


def _go_sum(text: str) -> list[Declared]:
    return _by_pattern(text, GO_MODULE, "go", lambda m: m.group(1))


#: Manifest format (as ``files.classify`` names it) -> parser.
FORMATS: dict[str, Callable[[str], list[Declared]]] = {
    "msbuild": _msbuild,
    "packages.config": _packages_config,
    "pom": _pom,
    "gradle": _gradle,
    "gradle-catalog": _version_catalog,
    "gemfile": _gemfile,
    "gemspec": _gemspec,
    "composer": _composer,
    "composer-lock": _composer_lock,
    "gemfile-lock": _gemfile_lock,
    "nuget-lock": _nuget_lock,
    "cargo": _cargo,
    "go.mod": _go_mod,
    "go.sum": _go_sum,
}


#: ``module example.com/x`` in go.mod.
GO_MODULE_LINE = re.compile(r"^[ \t]*module[ \t]+\"?([^\s\"/]+(?:/[^\s\"]+)*)\"?", re.M)
#: ``spec.name = "x"`` / ``s.name = 'x'`` in a gemspec.
GEMSPEC_NAME = re.compile(r"""^[ \t]*\w+\.name[ \t]*=[ \t]*["']([\w.-]+)["']""", re.M)
#: MSBuild properties that name the package a project file builds, in the order NuGet reads them.
_MSBUILD_NAMES = ("PackageId", "AssemblyName")
_MSBUILD_PROPERTIES = frozenset({*_MSBUILD_NAMES, "RootNamespace"})


def project_name(fmt: str, text: str, filename: str) -> list[tuple[str, str]]:
    """(ecosystem, name) of the package a manifest *builds* (not one it depends on), if it names one.

    The name a project publishes under: Cargo's ``[package] name``, go.mod's ``module``, a
    project file's ``PackageId`` (or ``AssemblyName``, or else its file name, as ``dotnet pack``
    does), composer.json's ``name`` and the namespaces it autoloads, a gemspec's ``name`` (or its
    file name). A manifest that does not parse names nothing here; :func:`parse` reports it.
    """
    try:
        if fmt == "cargo":
            name = _table(toml(text), "package").get("name")
            return [("cargo", name)] if isinstance(name, str) else []
        if fmt == "go.mod":
            m = GO_MODULE_LINE.search(text)
            return [("go", m.group(1))] if m else []
        if fmt == "composer":
            data = parse_json(text)
            name = data.get("name") if isinstance(data, dict) else None
            out = [("composer", name.lower())] if isinstance(name, str) else []
            # The namespaces it autoloads are its own too (``use OpenAI\Client`` in openai-php's examples).
            for section in ("autoload", "autoload-dev"):
                for standard in ("psr-4", "psr-0"):
                    out.extend(("composer", ns.strip("\\").lower()) for ns in _table(_table(data, section), standard) if ns.strip("\\"))
            return out
        if fmt == "gemspec":
            m = GEMSPEC_NAME.search(text)
            return [("gem", m.group(1) if m else filename.rsplit(".", 1)[0])]
        if fmt == "msbuild" and filename.lower().endswith("proj"):
            found: dict[str, str] = {}
            for node in _walk(_parse_xml(text)):
                value = "".join(node.text).strip()
                if node.tag in _MSBUILD_PROPERTIES and value and "$(" not in value:
                    found.setdefault(node.tag, value)
            # RootNamespace: the namespace its code declares (``using Acme.Sdk;`` in its samples).
            names = [found[tag] for tag in (*_MSBUILD_NAMES, "RootNamespace") if tag in found] or [filename.rsplit(".", 1)[0]]
            return [("nuget", name) for name in names]
    except ManifestError:
        return []
    return []


def parse(fmt: str, text: str) -> list[Declared]:
    """The dependencies a manifest of format ``fmt`` declares, in file order.

    Raises :class:`ManifestError` when a structured manifest does not parse.
    """
    declared = FORMATS[fmt](text)
    return sorted(declared, key=lambda d: d.line)
