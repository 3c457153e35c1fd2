"""Per-file detection: from one file's bytes to a list of findings.

This runs in worker processes, so it is written for throughput: a file is read once as bytes; files
that are not manifests are searched for the prefilter stems on their lowercased bytes, and nothing
else happens to a file with no stem (the large majority). For files with stems, only the lines that
hold one are decoded and given to the line detectors. Manifests are read whole: Python and
JavaScript ones here, those of .NET, the JVM, Go, Ruby, PHP and Rust in ``manifests.py``.

A finding is a plain dict (cheap to pickle back to the parent) with ``provider``, ``kind``,
``file``, ``line``, ``confidence``, ``context`` and a ``value`` naming the evidence (package, module,
variable, host, model id, image...). For secrets ``value`` is the *kind* of credential: the matched
text is never stored, so it cannot leak into any output (and every string a finding does keep is
redacted and escaped once more where findings leave the scan: see ``redact.py``). A line that holds
only a credential stem ("key", "token", "eyJ") is searched for credentials alone (``credentials.py``).

``context`` says whether the evidence is live: ``code`` (including examples and notebook code
cells), ``config``, ``dependency`` and ``artifact`` count as use; ``test`` (anything under a test
folder or in a test file) and ``prose`` (Markdown, reStructuredText, comments, notebook Markdown
cells) are reported but do not make a provider "used".
"""

from __future__ import annotations

import ast
import bisect
import configparser
import json
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement

from . import manifests
from .catalog import FULL, NAME, Hit, Rules, gate_for, group_payload, normalise_pypi, starts_word
from .credentials import Credential
from .files import FileKind, classify
from .manifests import ManifestError

#: Text files larger than this are skipped (generated bundles, data dumps); lock files get more room.
MAX_TEXT_BYTES = 2 * 1024 * 1024
MAX_LOCK_BYTES = 32 * 1024 * 1024

Finding = dict[str, Any]

_COMMENT_PREFIX = {
    "python": ("#",),
    "hash": ("#",),
    "js": ("//", "/*", "*", "<!--"),
    "go": ("//", "/*", "*"),
    "rust": ("//", "/*", "*"),
    "java": ("//", "/*", "*"),
    "csharp": ("//", "/*", "*"),
    "php": ("//", "/*", "*", "#"),
    "ruby": ("#",),
    "c": ("//", "/*", "*", "#"),
    "lua": ("--",),
    "sql": ("--",),
}
_PY_IMPORT = re.compile(r"^\s*(?:from\s+([A-Za-z_][\w.]*)\s+import\b|import\s+([A-Za-z_][\w.]*(?:\s+as\s+\w+)?(?:\s*,\s*[A-Za-z_][\w.]*(?:\s+as\s+\w+)?)*))")
_PY_DYNAMIC = re.compile(r"(?:import_module|__import__|find_spec)\(\s*[\"']([A-Za-z_][\w.]*)[\"']")
_JS_IMPORT = re.compile(r"(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+|\bexport\s+\*\s+from\s*)[\"']([^\"'\s]+)[\"']")
_GO_IMPORT = re.compile(r"^\s*(?:import\s+)?(?:[\w.]+\s+)?\"((?:[\w-]+\.)+[\w-]+/[^\"\s]+)\"")
_JAVA_IMPORT = re.compile(r"^\s*import\s+(?:static\s+)?([a-z][\w]*(?:\.[\w*]+)+)")
_RUST_USE = re.compile(r"^\s*(?:pub\s+)?(?:use|extern\s+crate)\s+(\w+)")
# ``using OpenAI.Chat;``, ``global using Azure.AI.OpenAI;``, ``using static X.Y;``, ``using Alias = X.Y;``
# (the trailing ``;`` tells a directive from a ``using (var x = ...)`` statement).
_CS_USING = re.compile(r"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?([A-Za-z_][\w.]*)\s*;")
# C# file-based apps and scripts name their packages inline: ``#:package OpenAI@2.1.0``, ``#r "nuget: OpenAI, 2.1.0"``.
_CS_PACKAGE = re.compile(r'^\s*#(?::package\s+([\w.-]+)|r\s+"nuget:\s*([\w.-]+))')
# ``use Anthropic\Client;``, ``use \OpenAI;``, ``use function Aws\BedrockRuntime\x;``, ``use X\{A, B};``
_PHP_USE = re.compile(r"^\s*use\s+(?:function\s+|const\s+)?\\?([A-Za-z_]\w*(?:\\[A-Za-z_]\w*)*)")
# ``require "openai"``, ``require('aws-sdk-bedrockruntime')`` (``require_relative`` is the project's own code).
_RUBY_REQUIRE = re.compile(r"""^\s*require\s*\(?\s*["']([\w./-]+)["']""")
_QUOTED = re.compile(r"([\"'`])([^\"'`\s]{2,200})\1")
_UNQUOTED_VALUE = re.compile(r"(?:[:=]|^\s*-)\s*([A-Za-z][\w./:@-]{1,199})\s*(?:#.*)?$")
# How clients in each language are pointed at a host: ``base_url``/``baseURL``/``BaseUrl`` (Python,
# JavaScript, C#, Java, Go), ``uri_base`` (ruby-openai), ``withBaseUri`` (openai-php), ``api_base``.
_BASE_URL = re.compile(r"base_?ur[il]|uri_?base|api_base|endpoint", re.I)
_INSTALL = re.compile(
    r"(?:\b(?:pip3?|uv\s+pip|pipx|poetry|uv)\s+(?:install|add)|\b(?:npm|pnpm|yarn|bun)\s+(?:install|i|add)"
    r"|\bdotnet\s+add\s+(?:[\w./\\-]+\s+)?package|\bgem\s+install|\bbundle\s+add|\bcomposer\s+require|\bgo\s+get|\bcargo\s+add)\s+([^;&|#\n]+)"
)
#: The package manager an install command names, for the ecosystems that are not PyPI's.
_INSTALL_TOOL = re.compile(r"\b(npm|pnpm|yarn|bun|dotnet|gem|bundle|composer|go|cargo)\s")
_IMAGE_LINE = re.compile(r"^\s*(?:-\s*)?(?:image|FROM)\b\s*[:=]?\s*[\"']?([\w./:@-]+)", re.I)
_REVISION = re.compile(r"revision\s*=\s*[\"'][0-9a-f]{40}[\"']")

#: pip's comment rule: ``#`` at the start of a line or after whitespace (``#egg=`` in a URL is not one).
_REQ_COMMENT = re.compile(r"(?:^|\s)#.*")
#: Per-requirement options pip accepts after a requirement (``--hash=...``, ``--config-settings ...``).
_REQ_OPTIONS = re.compile(r"\s+--?[A-Za-z].*$")
#: A conda package spec's name: ``openai``, ``openai=1.0``, ``conda-forge::openai>=1``.
_CONDA_NAME = re.compile(r"^(?:[\w.-]+::)?([A-Za-z0-9][\w.-]*)")
_TOML_LOCK_NAME = re.compile(r'^name\s*=\s*"([^"]+)"', re.M)
_NPM_LOCK_KEY = re.compile(r'"(?:node_modules/)+((?:@[^/"]+/)?[^/"]+)"\s*:')
_YARN_LOCK = re.compile(r'^"?((?:@[^@/"\s]+/)?[^@/"\s]+)@', re.M)
_PNPM_LOCK = re.compile(r"^[ ]{2,4}['\"]?/?((?:@[^@/'\"\s]+/)?[^@/'\"\s]+)@\d", re.M)


class FileScan:
    """Collects the findings of one file, de-duplicated."""

    def __init__(self, rel: str, kind: FileKind) -> None:
        self.rel = rel
        self.kind = kind
        self.findings: list[Finding] = []
        self._seen: set[tuple[Any, ...]] = set()
        #: (path, reason) for a manifest whose dependencies could not be read.
        self.skipped: list[tuple[str, str]] = []
        #: Package names the file's manifest declares: never model ids (``"google/cloud-ai"``).
        self.declared: set[str] = set()
        #: ``org/model`` strings that are a hub repository or a router's ``provider/model`` id,
        #: decided once the whole file has been read (see :func:`_resolve_routes`).
        self.ambiguous: list[tuple[int, str, Hit, str, dict[str, Any]]] = []
        #: Calls of :meth:`add`, duplicates included: whether a detector found anything at all.
        self.added = 0
        #: The file's name talks about models (``models.py``): a short quoted value such as
        #: ``"o3"`` counts as a model id here even on a line that does not say "model".
        self.named_for_models = bool(_MODEL_WORD.search(rel.rsplit("/", 1)[-1]))

    def add(self, hit: Hit | tuple[str | None, str | None], kind: str, line: int, value: str, confidence: str, context: str, **extra: Any) -> None:
        self.added += 1
        provider, role = hit
        key = (provider, kind, line, value, extra.get("cell"))
        if key in self._seen:
            return
        self._seen.add(key)
        finding: Finding = {
            "provider": provider,
            "role": role,
            "kind": kind,
            "file": self.rel,
            "line": line,
            "confidence": confidence,
            "context": "test" if self.kind.test else context,
            "value": value,
        }
        finding.update(extra)
        self.findings.append(finding)


# --------------------------------------------------------------------------- entry point


def scan_file(root: str, rel: str, rules: Rules) -> tuple[list[Finding], list[tuple[str, str]], int]:
    """Scan one file: (findings, skipped entries, bytes read). Never raises for a bad file."""
    kind = classify(rel, rules.weight_exts)
    full = os.path.join(root, rel)
    try:
        st = os.lstat(full)
    except OSError as exc:
        return [], [(rel, f"unreadable ({exc.strerror or exc})")], 0
    if stat.S_ISLNK(st.st_mode):
        return [], [_symlink_reason(root, rel, full)], 0
    if stat.S_ISDIR(st.st_mode):
        return [], [(rel, "git submodule (not scanned; scan it on its own)")], 0
    if not stat.S_ISREG(st.st_mode):
        return [], [(rel, "not a regular file")], 0
    scan = FileScan(rel, kind)
    if kind.kind == "weights":
        scan.add(rules.weights[kind.fmt], "weights-file", 0, kind.fmt, "high", "artifact")
        return scan.findings, [], 0
    if kind.kind == "binary":
        return [], [(rel, "binary file")], 0
    cap = MAX_LOCK_BYTES if kind.kind in ("lock", "manifest") else MAX_TEXT_BYTES
    if st.st_size > cap:
        return [], [(rel, f"larger than {cap // (1024 * 1024)} MiB")], 0
    try:
        with open(full, "rb") as fh:
            data = fh.read(cap + 1)
    except OSError as exc:
        return [], [(rel, f"unreadable ({exc.strerror or exc})")], 0
    if b"\0" in data[:8192]:
        return [], [(rel, "binary file")], len(data)
    try:
        _scan_bytes(scan, data, rules)
    except Exception as exc:  # one pathological file must never stop the scan: report it and go on
        return scan.findings, [*scan.skipped, (rel, f"could not be parsed ({type(exc).__name__})")], len(data)
    return scan.findings, scan.skipped, len(data)


def _symlink_reason(root: str, rel: str, full: str) -> tuple[str, str]:
    try:
        target = Path(full).resolve(strict=True)
    except (OSError, RuntimeError):
        return rel, "symlink loop or broken symlink"
    try:
        target.relative_to(Path(root).resolve())
    except ValueError:
        return rel, "symlink pointing outside the tree (not followed)"
    return rel, "symlink (its target inside the tree is scanned directly)"


def _scan_bytes(scan: FileScan, data: bytes, rules: Rules) -> None:
    kind = scan.kind
    if kind.kind in ("manifest", "lock"):
        text = data.decode("utf-8", errors="replace")
        try:
            _scan_manifest(scan, text, rules)
        except ManifestError as exc:
            # Listed with the reason; a manifest's lines are still searched below, as configuration.
            scan.skipped.append((scan.rel, exc.reason))
        if kind.kind == "lock":
            return
        # A manifest is also configuration (package.json scripts, [tool.*] tables) and setup.py is
        # code: the line rules run on it too, after the dependency parse.
    if kind.kind == "notebook":
        if rules.prefilter.positions(data.lower()):
            _scan_notebook(scan, data, rules)
        return
    hits = rules.prefilter.hits(data.lower())
    if not hits:
        return
    found = _hit_lines(data, hits, rules)
    context = _base_context(kind)
    # Docstrings are documentation: their lines are prose (found with ``ast``, only in Python files
    # that hold a triple-quoted string and a line worth reading).
    docs: frozenset[int] = frozenset()
    if found and kind.kind == "code" and kind.lang == "python" and len(data) <= _DOCSTRING_MAX_BYTES and _in_triple_quotes(data, [n for n, _l, _f in found]):
        docs = _docstring_lines(data)
    for number, line, full in found:
        _scan_line(scan, line, number, rules, "prose" if number in docs else context, kind, secrets_only=not full)
    _neighbour_secrets(scan, data, rules, context)
    _resolve_routes(scan)


def _hit_lines(data: bytes, hits: list[tuple[int, int]], rules: Rules) -> list[tuple[int, str, bool]]:
    """(1-based line number, decoded line, whether a stem on it is for every detector) for each line
    holding a prefilter hit. A credential name stem ("key") counts only where an assignment of a long
    value follows it: most of them are ordinary code and their lines are never decoded."""
    out: list[tuple[int, str, bool]] = []
    at = rules.credentials.assignment_pattern.match  # bound once: this runs for every "key" in a tree
    kept = [(pos, cls == FULL) for pos, cls in hits if cls != NAME or at(data, pos)]
    kept.sort()
    last_end = -1
    line_no = 1
    cursor = 0
    for pos, full in kept:
        if pos <= last_end:
            if full and not out[-1][2]:
                out[-1] = (out[-1][0], out[-1][1], True)
            continue
        line_no += data.count(b"\n", cursor, pos)
        start = data.rfind(b"\n", 0, pos) + 1
        end = data.find(b"\n", pos)
        if end == -1:
            end = len(data)
        cursor = pos
        last_end = end
        out.append((line_no, data[start:end].decode("utf-8", errors="replace"), full))
    return out


def _neighbour_secrets(scan: FileScan, data: bytes, rules: Rules, context: str, **extra: Any) -> None:
    """Credentials known by their neighbours: an AWS secret access key beside its access key id."""
    creds = rules.credentials
    near = {rule.near for rule in creds.neighbours}
    found: dict[str, list[int]] = {}
    for f in scan.findings:
        if f["kind"] == "secret" and f["value"] in near and f.get("cell") == extra.get("cell"):
            found.setdefault(f["value"], []).append(f["line"] - 1)
    if not found:
        return
    lines = data.decode("utf-8", errors="replace").split("\n")
    for index, hit in creds.find_near(lines, found):
        _add_secret(scan, hit, index + 1, rules, context, extra)


def _base_context(kind: FileKind) -> str:
    if kind.kind == "manifest":
        return "code" if kind.fmt == "setup.py" else "config"
    return {"code": "code", "config": "config", "prose": "prose", "other": "config"}.get(kind.kind, "code")


# --------------------------------------------------------------------------- line detectors


#: Most distinct lines (and quoted strings) remembered as finding nothing, and the longest
#: remembered: bounds on the memory the two caches may take (at most about 200,000 x 300
#: characters), since they live as long as the process's rules.
_QUIET_LINES_MAX = 200_000
_QUIET_LINE_CHARS = 300


def _scan_line(scan: FileScan, line: str, number: int, rules: Rules, context: str, kind: FileKind, secrets_only: bool = False, **extra: Any) -> None:
    """Run every line detector on ``line``, unless the same line, read the same way, found nothing
    before in this scan.

    Real repositories repeat lines: the same import in hundreds of files, the same dependency
    bump in every package's changelog (on vercel/ai, 60,000 of the 80,000 lines that hold a
    keyword find nothing, and fewer than half of those are distinct). What the detectors find
    depends on the line, its context, the file's kind and whether only credentials are sought, and
    on the file's declared packages (which can only hold a finding back): a line is remembered
    only from a file that declares none. It depends on the file's name too, in one way (a short id
    in a file named after models), which is part of the key. A line that left a note in
    ``skipped`` (an install command it could not read) found something, and is not remembered.
    The memory lives with the rules, so every scan in a process shares it; the key holds all a
    line's result depends on, so what a scan finds never depends on what was scanned before.
    """
    key = (line, context, kind, secrets_only, scan.named_for_models)
    quiet = rules.quiet_lines
    if key in quiet:
        return
    before = (scan.added, len(scan.ambiguous), len(scan.skipped))
    _detect_line(scan, line, number, rules, context, kind, secrets_only, **extra)
    if (
        (scan.added, len(scan.ambiguous), len(scan.skipped)) == before
        and not scan.declared
        and len(line) <= _QUIET_LINE_CHARS
        and len(quiet) < _QUIET_LINES_MAX
    ):
        quiet.add(key)


def _detect_line(scan: FileScan, line: str, number: int, rules: Rules, context: str, kind: FileKind, secrets_only: bool = False, **extra: Any) -> None:
    stripped = line.lstrip()
    lang = kind.lang
    if context in ("code", "config") and lang:
        if stripped.startswith(_COMMENT_PREFIX.get(lang, ("#",))):
            context = "prose"
        else:
            # A trailing comment is prose: the code before it is read as code, the comment after it
            # as prose (``client = OpenAI()  # or anthropic``). Code first, so the code's finding
            # wins where both name the same thing.
            at = comment_start(line, lang)
            if at > 0:
                _scan_line(scan, line[:at], number, rules, context, kind, secrets_only, **extra)
                _scan_line(scan, line[at:], number, rules, "prose", kind, secrets_only, **extra)
                return
    if len(line) > 4000:  # minified bundles: look at the start only
        line = line[:4000]
    if secrets_only:  # the line holds only a credential stem ("key", "eyJ"): nothing else can match
        _secrets(scan, line, number, rules, context, extra)
        return
    add = scan.add

    if context != "prose" or kind.kind == "prose":
        _imports(scan, line, number, rules, lang, context, extra)

    if rules.env is not None:
        for m in rules.env.finditer(line):
            if starts_word(line, m.start()):
                add(rules.env_names[m.group(1)], "env-var", number, m.group(1), "medium", context, **extra)
    if rules.symbols is not None and kind.kind in ("code", "notebook", "manifest"):
        for m in rules.symbols.finditer(line):
            if starts_word(line, m.start()):
                add(rules.symbol_names[m.group(0)], "symbol", number, m.group(0), "medium", context, **extra)
    low = line.lower()
    if rules.hosts is not None and (rules.host_gate is None or rules.host_gate.search(low)):
        for m in rules.hosts.finditer(line):
            host_kind = "base-url" if _BASE_URL.search(line) else "endpoint"
            add(group_payload(m, rules.host_hits), host_kind, number, m.group(0).strip("\"'"), "high", context, **extra)
    if rules.images is not None and (rules.image_gate is None or rules.image_gate.search(low)) and _IMAGE_LINE.search(line):
        for m in rules.images.finditer(line):
            add(group_payload(m, rules.image_hits), "container-image", number, m.group(0), "high", context, **extra)
    if rules.commands is not None and (rules.command_gate is None or rules.command_gate.search(low)):
        for m in rules.commands.finditer(line):
            add(group_payload(m, rules.command_hits), "command", number, m.group(0).strip(), "medium", context, **extra)
    if (
        rules.downloads is not None
        and kind.kind in ("code", "notebook", "config", "prose", "manifest")
        and (rules.download_gate is None or rules.download_gate.search(low))
    ):
        for m in rules.downloads.finditer(line):
            pinned = bool(_REVISION.search(line))
            add(group_payload(m, rules.download_hits), "hub-download", number, m.group(0).rstrip("(").lstrip("."), "medium", context, pinned=pinned, **extra)
    install = _INSTALL.search(line)
    if install:
        where = context
        if context == "config" and kind.fmt in _JSON_FORMATS and _inside_json_prose(line, install.start()):
            where = "prose"  # "Run pip install openai to ..." in a JSON string of documentation
        _install_command(scan, install.group(0), install.group(1), number, rules, where, extra)
    _model_ids(scan, line, number, rules, context, kind, extra)
    _open_weights(scan, line, number, context, kind, extra)
    _secrets(scan, line, number, rules, context, extra)


def _imports(scan: FileScan, line: str, number: int, rules: Rules, lang: str, context: str, extra: dict[str, Any]) -> None:
    if lang == "python":
        m = _PY_IMPORT.match(line)
        modules: list[str] = []
        if m:
            if m.group(1):
                modules.append(m.group(1))
            else:
                modules.extend(part.split()[0] for part in m.group(2).split(","))
        modules.extend(d.group(1) for d in _PY_DYNAMIC.finditer(line))
        for module in modules:
            for hit in _python_module_hits(module, rules):
                scan.add(hit, "import", number, module, "high", context, **extra)
    elif lang == "js":
        for m in _JS_IMPORT.finditer(line):
            spec = m.group(1)
            if spec.startswith((".", "/", "node:")) or "${" in spec:
                continue  # relative, built-in, or a template literal's `@ai-sdk/${name}` (chosen at run time)
            parts = spec.split("/")
            package = "/".join(parts[:2]) if spec.startswith("@") else parts[0]
            for hit in rules.npm.lookup(package):
                scan.add(hit, "import", number, package, "high", context, **extra)
    elif lang == "go":
        m = _GO_IMPORT.match(line)
        if m:
            for hit in _go_hits(m.group(1), rules):
                scan.add(hit, "import", number, m.group(1), "high", context, **extra)
    elif lang == "java":
        m = _JAVA_IMPORT.match(line)
        if m:
            path = m.group(1)
            for prefix, hit in rules.java:
                if path == prefix or path.startswith(prefix + "."):
                    scan.add(hit, "import", number, path, "high", context, **extra)
    elif lang == "rust":
        m = _RUST_USE.match(line)
        if m:
            for hit in rules.rust.lookup(m.group(1)):
                scan.add(hit, "import", number, m.group(1), "high", context, **extra)
    elif lang == "csharp":
        m = _CS_USING.match(line)
        if m:
            for hit in rules.dotnet.lookup(m.group(1)):
                scan.add(hit, "import", number, m.group(1), "high", context, **extra)
        p = _CS_PACKAGE.match(line)
        if p:
            package = p.group(1) or p.group(2)
            for hit in rules.nuget.lookup(package.lower()):
                scan.add(hit, "dependency", number, package, "high", context, **extra)
    elif lang == "php":
        m = _PHP_USE.match(line)
        if m:
            for hit in rules.php.lookup(m.group(1)):
                scan.add(hit, "import", number, m.group(1), "high", context, **extra)
    elif lang == "ruby":
        m = _RUBY_REQUIRE.match(line)
        if m:
            path = m.group(1)
            for hit in rules.ruby.lookup(path) + [h for h in rules.ruby.lookup(path.split("/")[0]) if "/" in path]:
                scan.add(hit, "import", number, path, "high", context, **extra)


def _python_module_hits(module: str, rules: Rules) -> list[Hit]:
    hits: list[Hit] = []
    parts = module.split(".")
    for i in range(len(parts), 0, -1):
        for hit in rules.python.exact.get(".".join(parts[:i]), ()):
            if hit not in hits:
                hits.append(hit)
    for prefix, hit in rules.python.prefixes:
        if parts[0].startswith(prefix) and hit not in hits:
            hits.append(hit)
    return hits


def _go_hits(path: str, rules: Rules) -> list[Hit]:
    return [hit for prefix, hit in rules.go if path == prefix or path.startswith(prefix + "/")]


def _install_command(scan: FileScan, command: str, args: str, number: int, rules: Rules, context: str, extra: dict[str, Any]) -> None:
    tool_match = _INSTALL_TOOL.match(command.lstrip())
    tool = tool_match.group(1) if tool_match else "pip"
    npm = tool in ("npm", "pnpm", "yarn", "bun")
    for token in args.split():
        if token.startswith("-"):
            continue
        # Quotes and the punctuation of the text around a command (``"pip install x",``).
        token = _TOKEN_EDGES.sub("", token)
        if tool == "dotnet":
            name, hits = token, rules.nuget.lookup(token.lower())
        elif tool in ("gem", "bundle"):
            name, hits = token, rules.gems.lookup(token)
        elif tool == "composer":
            name = token.split(":")[0].lower()
            hits = rules.composer.lookup(name)
        elif tool == "go":
            name = token.split("@")[0]
            hits = _go_hits(name, rules)
        elif tool == "cargo":
            name = token.split("@")[0]
            hits = rules.cargo.lookup(name.replace("_", "-"))
        elif npm:
            name = token if not token.startswith("@") else "@" + token[1:].split("@")[0]
            if not token.startswith("@"):
                name = token.split("@")[0]
            hits = rules.npm.lookup(name)
        else:
            requirement = requirement_of(token)
            if requirement is None:
                continue  # a path, a URL, shell text: not a package name
            name = normalise_pypi(requirement.name)
            hits = _pypi_hits(rules, name, requirement.extras)
        for hit in hits:
            scan.add(hit, "install-command", number, name, "medium", context, **extra)


_TOKEN_EDGES = re.compile(r"^[\"'`(]+|[\"'`,;)]+$")


def _model_ids(scan: FileScan, line: str, number: int, rules: Rules, context: str, kind: FileKind, extra: dict[str, Any]) -> None:
    candidates = [m.group(2) for m in _QUOTED.finditer(line)]
    if kind.kind in ("config", "other") and not candidates:
        m = _UNQUOTED_VALUE.search(line)
        if m:
            candidates.append(m.group(1).rstrip("."))  # "MODEL=qwen3.5:2b." ends a sentence
    if not candidates:
        return
    if _IMAGE_LINE.search(line) or _ACTION_LINE.search(line):
        return  # "ollama/ollama:0.5", "nvidia/cuda", "azure/login@v2" are images and CI actions
    # Only a value with a slash can be taken for an import path, and every import names one of
    # these words: the import patterns run only then (they are a large share of this function).
    is_import = (
        any("/" in raw for raw in candidates)
        and ("import" in line or "from" in line or "require" in line)
        and (bool(_JS_IMPORT.search(line)) or bool(_PY_IMPORT.match(line)))
    )
    for raw in candidates:
        value = raw.strip()
        if not value or (is_import and "/" in value):
            continue
        if len(value) <= 3 and not (scan.named_for_models or _MODEL_WORD.search(line)):
            continue  # "o1", "o3" are model ids only where the line (or the file's name) talks about a model
        if value in rules.not_models:
            continue
        before = (scan.added, len(scan.ambiguous))
        _one_model(scan, value, number, rules, context, extra)
        # Most quoted strings are no model id ("user", "@ai-sdk/provider-utils"); whether one is
        # depends on the string alone (and on the file's declared packages, left out here), so the
        # verdict is kept for the rest of the scan.
        if (
            (scan.added, len(scan.ambiguous)) == before
            and value.lower() not in scan.declared
            and len(value) <= _QUIET_LINE_CHARS
            and len(rules.not_models) < _QUIET_LINES_MAX
        ):
            rules.not_models.add(value)


_ACTION_LINE = re.compile(r"^\s*-?\s*uses\s*:")
_MODEL_WORD = re.compile(r"model|engine|llm", re.I)
_ROUTE_REST = re.compile(r"[\w.:@/-]+")
_HUB_REST = re.compile(r"[\w.-]+")
#: File names, not models: ``"OpenAI/src/OpenAI.csproj"`` in a solution file is a path, not a route.
_NOT_MODEL_SUFFIXES = (
    ".js",
    ".ts",
    ".py",
    ".json",
    ".git",
    ".md",
    ".html",
    ".css",
    ".png",
    ".svg",
    ".csproj",
    ".fsproj",
    ".vbproj",
    ".sln",
    ".slnx",
    ".props",
    ".targets",
    ".cs",
    ".go",
    ".java",
    ".kt",
    ".rb",
    ".php",
    ".rs",
    ".xml",
    ".yaml",
    ".yml",
    ".toml",
    ".txt",
)
_HF_REPO_HINT = re.compile(r"gpt-oss|whisper-(?:tiny|base|small|medium|large)|clip-vit", re.I)


def _one_model(scan: FileScan, value: str, number: int, rules: Rules, context: str, extra: dict[str, Any]) -> None:
    if value.lower() in scan.declared:
        return  # a package the manifest declares ("google/cloud-ai-platform" in composer.json)
    if rules.fine_tunes is not None:
        m = rules.fine_tunes.fullmatch(value)
        if m:
            hit = group_payload(m, rules.fine_tune_hits)
            scan.add(hit, "fine-tuned-model", number, value, "high", context, **extra)
            return
    head, _, rest = value.partition("/")
    head_l = head.lower()
    routed = rest and head_l in rules.litellm and not (head_l in rules.hub_orgs and _HF_REPO_HINT.search(rest))
    if routed and _ROUTE_REST.fullmatch(rest) and not rest.endswith(_NOT_MODEL_SUFFIXES):
        provider, role = rules.litellm[head_l]
        scan.add((provider, role), "model-id", number, value, "high", context, model=rest, routed=True, **extra)
        return
    if rest and head_l not in rules.hub_orgs and not rest.endswith(_NOT_MODEL_SUFFIXES):
        named = _hosted_model(rest, rules)
        if named is not None and named[0] == head_l:
            # "writer/palmyra-x5", "fireworks/accounts/fireworks/models/qwq-32b": a provider's own id
            # before a model it serves (instructor's ``from_provider()`` strings) is that provider's model.
            scan.add(named, "model-id", number, value, "high", context, model=rest, routed=True, **extra)
            return
    if rest and head_l in rules.hub_orgs and _HUB_REST.fullmatch(rest) and not rest.endswith(_NOT_MODEL_SUFFIXES):
        hosted = _hosted_model(rest, rules)
        if hosted is not None:
            # ``google/gemini-2.5-pro``: ``google`` is a hub organisation, but Gemini is served only by
            # Google's API; routers (OpenRouter, the Vercel AI gateway) name it this way. Which one
            # it is depends on the file: decided in _resolve_routes once every line has been read.
            scan.ambiguous.append((number, value, hosted, context, extra))
            return
        scan.add(("huggingface", "hub"), "model-id", number, value, "medium", context, model=value, **extra)
        return
    if rules.model_ids is not None:
        m = rules.model_ids.fullmatch(value)
        if m:
            scan.add(group_payload(m, rules.model_hits), "model-id", number, value, "medium", context, model=value, **extra)


# --------------------------------------------------------------------------- open-weight models

#: A Hugging Face model repository by URL: ``huggingface.co/<org>/<repo>``, ``hf.co/<org>/<repo>``, and
#: a file in it (``.../resolve/main/llama-2-7b-chat.Q4_K_M.gguf``). The site's own pages (docs,
#: datasets, spaces...) are not model repositories.
_HF_URL = re.compile(
    r"(?<![\w.-])(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/"
    r"(?!(?:api|docs|datasets|spaces|blog|settings|models|join|login|pricing|learn|papers|collections|tasks|organizations|chat|new|posts|enterprise|inference-endpoints|inference-api|search|terms-of-service|privacy|changelog)(?:[/?#\s\"'`)\]]|$))"
    r"([A-Za-z0-9][\w.-]*)/([\w.-]*[\w])(?:/(?:resolve|blob|tree|raw)/[^/\s\"'`<>]+/([^\s\"'`?#<>)\]]+))?"
)
#: ``ollama pull llama3.1:8b``, ``ollama run qwen2.5:7b``: the argument is an Ollama library tag.
_OLLAMA_ARG = re.compile(r"\bollama\s+(?:pull|run)\s+([A-Za-z0-9][\w./:-]*)")
_OLLAMA_TAG = re.compile(r"(?:[\w.-]+/)?[A-Za-z0-9][\w.-]*(?::[\w.-]+)?")
#: The model argument of a serving command (vLLM, llama.cpp, TGI): ``--model``, ``--model-id``,
#: ``-m``, ``--hf-repo``, and ``vllm serve <model>``.
#: ``-m`` only with a ``.gguf`` file: ``python -m vllm.entrypoints...`` names a module, not a model.
_SERVE_ARG = re.compile(
    r"(?:--model(?:-id|-path)?|--hf-repo|-hfr)(?:\s+|=)[\"']?([^\s\"'\\]+)"
    r"|(?<![\w-])-m\s+[\"']?([^\s\"']+\.gguf)\b"
    r"|\bvllm\s+serve\s+[\"']?([A-Za-z0-9][^\s\"'\\]*)"
)
_SERVE_LINE = re.compile(r"\b(?:vllm|llama-server|llama-cli|llama_cpp\.server|text-generation-launcher|text-generation-inference)\b")
#: Calls that load model weights by name, and the argument that names them: the first string
#: argument of ``from_pretrained(``, ``SentenceTransformer(``, ``CrossEncoder(`` and vLLM's ``LLM(``,
#: or a ``model=``/``repo_id=``/``model_name=`` keyword on the same line.
_HUB_CALL = re.compile(
    r"(?:\bLlama|\.from_pretrained|\bSentenceTransformer|\bCrossEncoder|\bLLM|\bHuggingFace\w*|\bhf_hub_download|\bsnapshot_download|\bpipeline)\s*\("
)
_HUB_ARG = re.compile(
    r"(?:\.from_pretrained|\bSentenceTransformer|\bCrossEncoder|\bLLM)\s*\(\s*[\"']([^\"'\s]+)[\"']"
    r"|\b(?:model|repo_id|model_id|model_name|model_name_or_path|model_path)\s*=\s*[\"']([^\"'\s]+)[\"']"
)
#: A model name as it is passed to a loader: ``org/name`` or a bare name with a digit or hyphen.
_HUB_NAME = re.compile(r"[A-Za-z0-9][\w.-]*(?:/[\w.-]*[\w])?")
_DIGIT_OR_HYPHEN = re.compile(r"[\d-]")
_NOT_HUB_NAME = re.compile(
    r"^(?:\.{1,2}/|/|~)|://|\.(?:js|ts|py|json|md|txt|ya?ml|bin|pt|pth|ckpt|safetensors|onnx)$|^(?:auto|cpu|cuda|mps|gpu|none|true|false|default)$", re.I
)


#: Literal pre-checks on the lowercased line (see ``catalog.gate_for``): most lines hold none.
_SERVE_GATE = gate_for([_SERVE_LINE.pattern])
_HUB_CALL_GATE = gate_for([_HUB_CALL.pattern])


def _open_weights(scan: FileScan, line: str, number: int, context: str, kind: FileKind, extra: dict[str, Any]) -> None:
    """Open-weight models named by a hub URL, an Ollama command, a serving command's model
    argument or a weight loader's argument (the last in code, notebooks and prose only: a loader
    call inside a configuration or data file is text about code, such as a documentation dump)."""
    low = line.lower()
    if "huggingface.co" in low or "hf.co/" in low:
        for m in _HF_URL.finditer(line):
            repo = f"{m.group(1)}/{m.group(2)}"
            more = {"artifact": m.group(3).rsplit("/", 1)[-1]} if m.group(3) else {}
            scan.add(("huggingface", "hub"), "model-id", number, repo, "high", context, model=repo, **more, **extra)
    if "ollama" in low:
        for m in _OLLAMA_ARG.finditer(line):
            tag = m.group(1).rstrip(".")
            if _OLLAMA_TAG.fullmatch(tag):
                scan.add(("ollama", "self-hosted"), "model-id", number, tag, "high", context, model=tag, **extra)
    if (_SERVE_GATE is None or _SERVE_GATE.search(low)) and _SERVE_LINE.search(line):
        for m in _SERVE_ARG.finditer(line):
            _loaded_model(scan, m.group(1) or m.group(2) or m.group(3), number, context, extra, ("vllm", "self-hosted") if "vllm" in low else None)
    if kind.kind in ("code", "notebook", "prose") and (_HUB_CALL_GATE is None or _HUB_CALL_GATE.search(low)) and _HUB_CALL.search(line):
        for m in _HUB_ARG.finditer(line):
            _loaded_model(scan, m.group(1) or m.group(2), number, context, extra, None)


def _loaded_model(scan: FileScan, value: str, number: int, context: str, extra: dict[str, Any], runtime: Hit | None) -> None:
    """A model named where weights are loaded: a ``.gguf`` file (llama.cpp), an ``org/name`` hub
    repository, or a bare name, unless a detector already credited the line's value to a provider."""
    value = value.strip().rstrip(",;)")
    if any(f["line"] == number and f["kind"] == "model-id" and value in (f["value"], f.get("model")) for f in scan.findings):
        return  # "gpt-4o", "gemini-2.5-pro", "meta-llama/..." already found by the model-id rules
    if value.lower().endswith(".gguf"):
        name = value.replace("\\", "/").rsplit("/", 1)[-1]
        scan.add(("llama-cpp", "self-hosted"), "model-id", number, name, "medium", context, model=name, **extra)
        return
    if not _HUB_NAME.fullmatch(value) or _NOT_HUB_NAME.search(value) or value.lower() in scan.declared:
        return
    if "/" not in value and not _DIGIT_OR_HYPHEN.search(value):
        return  # a bare word ("auto", a variable's default) is not a model name
    scan.add(runtime or ("huggingface", "hub"), "model-id", number, value, "medium", context, model=value, **extra)


def _hosted_model(model: str, rules: Rules) -> Hit | None:
    """The hosted provider that serves ``model`` under its own name (``gemini-2.5-pro``), or None."""
    if rules.model_ids is None:
        return None
    m = rules.model_ids.fullmatch(model)
    if not m:
        return None
    hit: Hit | None = group_payload(m, rules.model_hits)
    # ``meta-llama/Llama-3.3-70B-Instruct`` is the hub repository whose name the Llama API uses.
    return hit if hit is not None and hit[1] == "hosted" and hit[0] not in rules.hub_named else None


#: Evidence that a file fetches models from the Hugging Face hub: then ``org/model`` is a hub repo.
_HUB_KINDS = frozenset({"hub-download", "import", "dependency"})


def _resolve_routes(scan: FileScan) -> None:
    """Decide each ambiguous ``org/model`` string of a file by the file's context.

    In a file that downloads from the hub (``from_pretrained(``, ``hf_hub_download(``, an import of
    ``transformers`` or ``huggingface_hub``) it is a hub repository; elsewhere it is a router-style
    ``provider/model`` id of the hosted model it names, credited to the provider that serves it.
    """
    if not scan.ambiguous:
        return
    hub = any(f["provider"] == "huggingface" and f["kind"] in _HUB_KINDS for f in scan.findings)
    for number, value, hosted, context, extra in scan.ambiguous:
        if hub:
            scan.add(("huggingface", "hub"), "model-id", number, value, "medium", context, model=value, **extra)
        else:
            scan.add(hosted, "model-id", number, value, "high", context, model=value.partition("/")[2], routed=True, **extra)
    scan.ambiguous = []


#: Line comment markers per comment style (``files.CODE_LANGUAGES``' ``lang``).
_LINE_COMMENT = {
    "python": ("#",),
    "hash": ("#",),
    "ruby": ("#",),
    "js": ("//", "/*"),
    "go": ("//", "/*"),
    "rust": ("//", "/*"),
    "java": ("//", "/*"),
    "csharp": ("//", "/*"),
    "c": ("//", "/*"),
    "php": ("//", "/*", "#"),
    "lua": ("--",),
    "sql": ("--",),
}
#: Styles where ``#`` or ``--`` starts a comment only at the start or after whitespace (shell, YAML,
#: TOML: ``a#b`` is a word, ``url#frag`` a URL).
_NEEDS_SPACE = frozenset({"hash", "lua", "sql"})


def comment_start(line: str, lang: str) -> int:
    """Offset of a comment that ends ``line`` (outside any string), or -1.

    Strings are double-, single- and back-quoted, with backslash escapes. Conservative: a quote
    left open (an apostrophe in prose, a Rust lifetime) means no comment is found, so the line stays
    code.
    """
    markers = _LINE_COMMENT.get(lang)
    if not markers or not any(m in line for m in markers):
        return -1
    first = {m[0] for m in markers}
    quote = ""
    i = 0
    n = len(line)
    while i < n:
        c = line[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == quote:
                quote = ""
        elif c in "\"'`":
            quote = c
        elif c in first:
            for marker in markers:
                if line.startswith(marker, i) and (lang not in _NEEDS_SPACE or i == 0 or line[i - 1] in " \t"):
                    if marker == "//" and i > 0 and line[i - 1] in ":\\":
                        break  # ``https://`` outside quotes, ``\/\/`` in a regular expression literal
                    if marker == "/*":
                        end = line.find("*/", i + 2)
                        if end != -1:  # ``f(/* note */ "x")``: a comment inside the code, skipped over
                            i = end + 1
                            break
                    return i
        i += 1
    return -1


_JSON_FORMATS = frozenset({"json", "jsonc", "json5"})


def _inside_json_prose(line: str, at: int) -> bool:
    """Whether offset ``at`` of a JSON line sits in a string of text rather than a command.

    The string holding ``at`` is found by walking the line's quotes (JSON escapes with ``\\``); it is
    a command when nothing but other shell commands joined by ``&&``, ``;`` or ``|`` comes before
    ``at`` in it, and prose when words do ("To use it, run pip install ...", or a ``\\n`` of a
    longer text).
    """
    start = -1
    i = 0
    while i < at:
        c = line[i]
        if c == "\\" and start >= 0:
            i += 2
            continue
        if c == '"':
            start = i + 1 if start < 0 else -1
        i += 1
    if start < 0:
        return False  # not in a string: a bare value
    before = line[start:at].strip()
    if not before:
        return False
    return not _shell_prefix(before)


def _shell_prefix(text: str) -> bool:
    """``text`` ends with a shell operator, or is only commands joined by them."""
    if "\\n" in text:
        return False  # an escaped newline: a document of several lines
    return text.rstrip().endswith(("&&", "||", ";", "|"))


def _secrets(scan: FileScan, line: str, number: int, rules: Rules, context: str, extra: dict[str, Any]) -> None:
    for hit in rules.credentials.find(line):
        _add_secret(scan, hit, number, rules, context, extra)


def _add_secret(scan: FileScan, hit: Credential, number: int, rules: Rules, context: str, extra: dict[str, Any]) -> None:
    # The finding names the kind (and the variable it was assigned to), never the matched text.
    role = rules.role_of(hit.provider) if hit.provider else None
    confidence = "medium" if hit.variable else "high"
    more = {"variable": hit.variable} if hit.variable else {}
    scan.add((hit.provider, role), "secret", number, hit.kind, confidence, context, **more, **extra)


# --------------------------------------------------------------------------- docstrings


#: Python files larger than this (generated code, data as code) are not parsed for docstrings: a
#: parse costs about a millisecond per 10 kB and such files are rarely documentation.
_DOCSTRING_MAX_BYTES = 512 * 1024


def _in_triple_quotes(data: bytes, numbers: list[int]) -> bool:
    """Whether any of the lines ``numbers`` may sit in a triple-quoted string: a cheap test on the
    raw bytes (delimiters paired in order), so that only those files are parsed with ``ast``."""
    if b'"""' not in data and b"'''" not in data:
        return False
    regions: list[tuple[int, int]] = []
    pos = 0
    line = 1
    while True:
        a, b = data.find(b'"""', pos), data.find(b"'''", pos)
        start = min(x for x in (a, b) if x != -1) if a != -1 or b != -1 else -1
        if start == -1:
            break
        end = data.find(data[start : start + 3], start + 3)
        if end == -1:
            end = len(data)
        line += data.count(b"\n", pos, start)
        last = line + data.count(b"\n", start, end)
        regions.append((line, last))
        line = last
        pos = end + 3
    return any(first <= n <= last for n in numbers for first, last in regions)


def _docstring_lines(data: bytes) -> frozenset[int]:
    """Line numbers of a Python file's docstrings: string literals that stand alone as statements.

    Module, class and function docstrings and any bare string statement (attribute docs) document
    code and never run, so a model name or an ``import`` inside one is prose. Read with ``ast``;
    only statement lists are visited (a docstring is a statement), not expressions. A file that
    does not parse (Python 2, a template) has none.
    """
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return frozenset()
    lines: set[int] = set()
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            children = getattr(node, name, None)
            if not isinstance(children, list):
                continue  # ``Lambda.body`` and ``IfExp.body`` are expressions
            for child in children:
                if isinstance(child, ast.Expr) and isinstance(child.value, ast.Constant) and isinstance(child.value.value, str):
                    lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
                elif isinstance(child, ast.AST):
                    stack.append(child)
    return frozenset(lines)


# --------------------------------------------------------------------------- notebooks


def _scan_notebook(scan: FileScan, data: bytes, rules: Rules) -> None:
    """Code cells are code (they run), Markdown cells are prose; lines are numbered per cell."""
    try:
        notebook = json.loads(data.decode("utf-8", errors="replace"))
    except json.JSONDecodeError:
        scan.kind = FileKind("config", "json", "", scan.kind.test)
        for number, line, full in _hit_lines(data, rules.prefilter.hits(data.lower()), rules):
            _scan_line(scan, line, number, rules, "config", scan.kind, secrets_only=not full)
        _neighbour_secrets(scan, data, rules, "config")
        return
    cells = notebook.get("cells", []) if isinstance(notebook, dict) else []
    code_kind = FileKind("notebook", "", "python", scan.kind.test)
    prose_kind = FileKind("prose", "md", "", scan.kind.test)
    for index, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        is_code = cell.get("cell_type") == "code"
        for number, line in enumerate(text.split("\n"), start=1):
            hits = rules.prefilter.hits(line.lower().encode())
            if not hits:
                continue
            if is_code and line.lstrip().startswith(("!", "%")):
                line = line.lstrip().lstrip("!%")  # shell escapes: "!pip install openai"
            full = any(cls == FULL for _pos, cls in hits)
            _scan_line(scan, line, number, rules, "code" if is_code else "prose", code_kind if is_code else prose_kind, secrets_only=not full, cell=index)
        _neighbour_secrets(scan, text.encode("utf-8", "surrogatepass"), rules, "code" if is_code else "prose", cell=index)
        if is_code:
            _scan_outputs(scan, cell.get("outputs"), index, rules)
    _resolve_routes(scan)


def _scan_outputs(scan: FileScan, outputs: Any, index: int, rules: Rules) -> None:
    """Saved cell outputs are committed text too: a printed key is a leaked key. Secrets only."""
    if not isinstance(outputs, list):
        return
    for output in outputs:
        if not isinstance(output, dict):
            continue
        chunks: list[Any] = [output.get("text")]
        data = output.get("data")
        if isinstance(data, dict):
            chunks.append(data.get("text/plain"))
        for chunk in chunks:
            text = "".join(chunk) if isinstance(chunk, list) else chunk
            if not isinstance(text, str):
                continue
            for number, line in enumerate(text.split("\n"), start=1):
                if rules.prefilter.positions(line.lower().encode()):
                    _secrets(scan, line, number, rules, "artifact", {"cell": index, "output": True})


# --------------------------------------------------------------------------- manifests


class LineIndex:
    """Line numbers of positions in one text, from one pass over it.

    Counting newlines from the top for every hit makes a file with many hits (a lock file) or many
    blank lines quadratic; the offsets of line starts are collected once and each position is then
    looked up by bisection.
    """

    def __init__(self, text: str) -> None:
        starts = [0]
        find = text.find
        at = find("\n")
        while at != -1:
            starts.append(at + 1)
            at = find("\n", at + 1)
        self._starts = starts

    def line(self, pos: int) -> int:
        """1-based line number of the character at ``pos``."""
        return bisect.bisect_right(self._starts, pos)


def _dependency_line(text: str, name: str, lines: LineIndex) -> int:
    """The line where a manifest declares ``name``: a quoted requirement or a ``name =`` key first."""
    for variant in dict.fromkeys((name, name.replace("-", "_"), name.replace("_", "-"))):
        esc = re.escape(variant)
        # Horizontal space only after ``^``: with ``\s*`` every blank line would start a scan over
        # all the blank lines after it, which is quadratic in a file of empty lines.
        m = re.search(rf"[\"']{esc}(?=[\s\[<>=!~;@\"'])|^[ \t]*[\"']?{esc}[\"']?[ \t]*[=:]", text, re.I | re.M)
        if m:
            return lines.line(m.start())
    return _line_of(text, name, lines)


def _line_of(text: str, needle: str, lines: LineIndex) -> int:
    """1-based line of the first whole-token occurrence of ``needle`` (or 0 when absent)."""
    m = re.search(r"(?<![\w@/.-])" + re.escape(needle) + r"(?![\w-])", text, re.I)
    if not m:
        variant = needle.replace("-", "_")
        m = re.search(r"(?<![\w@/.-])" + re.escape(variant) + r"(?![\w-])", text, re.I) if variant != needle else None
    return lines.line(m.start()) if m else 0


def _scan_manifest(scan: FileScan, text: str, rules: Rules) -> None:
    fmt = scan.kind.fmt
    lock = scan.kind.kind == "lock"
    confidence = "low" if lock else "high"
    kind = "lockfile" if lock else "dependency"
    lines = LineIndex(text)

    def pypi(name: str, extras: Iterable[str] = (), line: int | None = None) -> None:
        norm = normalise_pypi(name)
        for hit in _pypi_hits(rules, norm, extras):
            scan.add(hit, kind, line if line is not None else _dependency_line(text, name, lines), norm, confidence, "dependency")

    def npm(name: str, line: int | None = None) -> None:
        for hit in rules.npm.lookup(name):
            scan.add(hit, kind, line if line is not None else _dependency_line(text, name, lines), name, confidence, "dependency")

    def by_line(pattern: re.Pattern[str], handler: Any) -> None:
        for m in pattern.finditer(text):
            handler(m, lines.line(m.start()))

    if not scan.kind.test and not lock:
        _own_name(scan, fmt, text)

    if fmt == "requirements":
        for number, spec in _requirement_lines(text):
            requirement = requirement_of(spec)
            if requirement is None:
                scan.skipped.append((f"{scan.rel}:{number}", f"{_refusal(spec)}; line skipped"))
            else:
                pypi(requirement.name, requirement.extras, number)
    elif fmt == "setup.cfg":
        _setup_cfg(scan, text, pypi)
    elif fmt == "conda":
        for number, raw in enumerate(text.split("\n"), start=1):
            item = _REQ_COMMENT.sub("", raw).strip()
            if not item.startswith("-"):
                continue
            item = item[1:].strip()
            # Items under ``- pip:`` are PEP 508 requirements; the others are conda specs.
            requirement = requirement_of(item)
            if requirement is not None:
                pypi(requirement.name, requirement.extras, number)
            elif m := _CONDA_NAME.match(item):
                pypi(m.group(1), (), number)
    elif fmt == "setup.py":
        # install_requires / extras_require entries are quoted requirement strings; any other
        # string that packaging refuses is simply not one.
        for number, raw in enumerate(text.split("\n"), start=1):
            for q in _QUOTED.finditer(raw):
                requirement = requirement_of(q.group(2))
                if requirement is not None:
                    pypi(requirement.name, requirement.extras, number)
    elif fmt == "pyproject":
        _pyproject(scan, text, pypi)
    elif fmt == "pipfile":
        data = _toml(text)
        for section in ("packages", "dev-packages"):
            for name in data.get(section, {}) or {}:
                pypi(name)
    elif fmt == "pipfile.lock":
        data = _json(text)
        for section in ("default", "develop"):
            for name in data.get(section, {}) or {}:
                pypi(name)
    elif fmt == "toml-lock":
        for m in _TOML_LOCK_NAME.finditer(text):  # poetry/uv/pdm and Cargo locks share the shape
            number = lines.line(m.start())
            pypi(m.group(1), "", number)
            _cargo(scan, rules, m.group(1), number, kind, confidence)
    elif fmt == "package.json":
        data = _json(text)
        for section in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
            deps = data.get(section) if isinstance(data, dict) else None
            for name in deps or {}:
                npm(name)
    elif fmt == "npm-lock":
        by_line(_NPM_LOCK_KEY, lambda m, n: npm(m.group(1), n))
    elif fmt == "yarn-lock":
        by_line(_YARN_LOCK, lambda m, n: npm(m.group(1), n))
    elif fmt == "pnpm-lock":
        by_line(_PNPM_LOCK, lambda m, n: npm(m.group(1), n))
    elif fmt in manifests.FORMATS:
        tables = {"nuget": rules.nuget, "maven": rules.maven, "gem": rules.gems, "composer": rules.composer}
        for declared in manifests.parse(fmt, text):
            if declared.ecosystem == "composer":
                scan.declared.add(declared.name)
            if declared.ecosystem == "go":
                hits = _go_hits(declared.name, rules)
            elif declared.ecosystem == "cargo":
                hits = rules.cargo.lookup(declared.name.replace("_", "-"))
            else:
                hits = tables[declared.ecosystem].lookup(declared.name.lower() if declared.ecosystem == "nuget" else declared.name)
            for hit in hits:
                scan.add(hit, kind, declared.line, declared.name, confidence, "dependency")


def _cargo(scan: FileScan, rules: Rules, name: str, number: int, kind: str, confidence: str) -> None:
    for hit in rules.cargo.lookup(name.replace("_", "-")):
        scan.add(hit, kind, number, name, confidence, "dependency")


def _toml(text: str) -> dict[str, Any]:
    return manifests.toml(text)


def _json(text: str) -> Any:
    return manifests.parse_json(text)


def _pyproject(scan: FileScan, text: str, pypi: Any) -> None:
    data = _toml(text)
    specs: list[Any] = []
    project = data.get("project", {}) or {}
    specs += list(project.get("dependencies", []) or [])
    for group in (project.get("optional-dependencies", {}) or {}).values():
        specs += list(group or [])
    for group in (data.get("dependency-groups", {}) or {}).values():
        specs += [g for g in group or [] if isinstance(g, str)]  # ``{include-group = ...}`` tables name no package
    tool = data.get("tool", {}) or {}
    specs += list((tool.get("uv", {}) or {}).get("dev-dependencies", []) or [])
    poetry = tool.get("poetry", {}) or {}
    names = list((poetry.get("dependencies", {}) or {}).keys()) + list((poetry.get("dev-dependencies", {}) or {}).keys())
    for group in (poetry.get("group", {}) or {}).values():
        names += list(((group or {}).get("dependencies", {}) or {}).keys())
    for spec in specs:
        requirement = requirement_of(str(spec))
        if requirement is None:
            scan.skipped.append((scan.rel, f"a dependency entry skipped: {_refusal(str(spec))}"))
        else:
            pypi(requirement.name, requirement.extras)
    for name in names:
        if name != "python":
            pypi(name)


#: ``setup(name="x", ...)`` in a setup.py.
_SETUP_PY_NAME = re.compile(r"""\bname\s*=\s*["']([A-Za-z0-9][\w.-]*)["']""")


def _own_name(scan: FileScan, fmt: str, text: str) -> None:
    """Record the name of the package this manifest builds, as a ``project-name`` finding.

    The engine leaves a project's own packages out of its dependencies (scanning the ``instructor``
    repository must not report that it uses ``instructor``) and then drops these records. Manifests
    under a test folder are fixtures, not the project: they name nothing.
    """
    own: list[tuple[str, Any]] = []
    try:
        if fmt == "pyproject":
            data = _toml(text)
            own = [("pypi", (data.get("project") or {}).get("name") or ((data.get("tool") or {}).get("poetry") or {}).get("name"))]
        elif fmt == "setup.cfg":
            parser = configparser.ConfigParser(interpolation=None, strict=False)
            parser.read_string(text)
            own = [("pypi", parser.get("metadata", "name"))] if parser.has_option("metadata", "name") else []
        elif fmt == "setup.py":
            m = _SETUP_PY_NAME.search(text)
            own = [("pypi", m.group(1))] if m else []
        elif fmt == "package.json":
            data = _json(text)
            own = [("npm", data.get("name") if isinstance(data, dict) else None)]
        else:
            own = list(manifests.project_name(fmt, text, scan.rel.rsplit("/", 1)[-1]))
    except (ManifestError, configparser.Error, AttributeError):
        return  # the dependency parse below reports a broken manifest
    for ecosystem, name in own:
        if isinstance(name, str) and name:
            scan.add((None, None), "project-name", 0, name, "high", "config", ecosystem=ecosystem)


def requirement_of(text: str) -> Requirement | None:
    """``text`` as a PEP 508 requirement (``packaging``), or None when packaging refuses it."""
    try:
        return Requirement(text.strip())
    except InvalidRequirement:
        return None


#: A requirement that is a URL or a local path (``git+https://...``, ``./pkg``, ``file.whl``).
_URL_OR_PATH = re.compile(r"^(?:[\w+.-]+://|\.{0,2}/|[\w.-]+\.(?:whl|tar\.gz|zip)$)")


def _refusal(text: str) -> str:
    """Why packaging refuses ``text``, on one line and without the text itself (which may hold a URL
    with a token in it)."""
    if _URL_OR_PATH.match(text.strip()):
        return "a URL or a path, not a package name: its package is not known before it is built"
    try:
        Requirement(text.strip())
    except InvalidRequirement as exc:
        return "not a requirement packaging can read: " + str(exc).split("\n", 1)[0].rstrip(".")
    return "not a requirement packaging can read"


def _requirement_lines(text: str) -> list[tuple[int, str]]:
    """(line number, requirement) for each requirement of a pip requirements file.

    pip's own line rules: ``#`` comments, ``\\`` continuations (numbered by their first line),
    option lines (``-r``, ``-e``, ``--index-url`` ...: not package names, skipped silently) and
    per-requirement options after a requirement (``--hash=...``), which are cut off.
    """
    out: list[tuple[int, str]] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        line = _REQ_COMMENT.sub("", raw).rstrip()
        if not pending:
            start = number
        if line.endswith("\\"):
            pending.append(line[:-1])
            continue
        joined = " ".join([*pending, line]).strip()
        pending = []
        if not joined or joined.startswith("-"):
            continue
        out.append((start, _REQ_OPTIONS.sub("", joined)))
    return out


def _setup_cfg(scan: FileScan, text: str, pypi: Any) -> None:
    """``[options] install_requires`` and ``[options.extras_require]`` of a setup.cfg (configparser)."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        raise ManifestError(f"not a valid setup.cfg ({str(exc).splitlines()[0]}); dependencies not read") from exc
    values: list[str] = []
    if parser.has_option("options", "install_requires"):
        values.append(parser.get("options", "install_requires"))
    if parser.has_section("options.extras_require"):
        values.extend(value for _key, value in parser.items("options.extras_require"))
    for value in values:
        # setuptools' "list-semi": one entry per line when the value spans lines, else ";"-separated.
        for spec in value.splitlines() if "\n" in value else value.split(";"):
            spec = spec.strip()
            if not spec or spec.startswith("#"):
                continue
            requirement = requirement_of(spec)
            if requirement is None:
                scan.skipped.append((scan.rel, f"a requirement entry skipped: {_refusal(spec)}"))
            else:
                pypi(requirement.name, requirement.extras)


def _pypi_hits(rules: Rules, name: str, extras: Iterable[str]) -> list[Hit]:
    """Provider hits of a PyPI name (normalised), plus those of ``name[extra]`` for each extra."""
    hits = rules.pypi.lookup(name)
    for extra in extras:
        hits = hits + [h for h in rules.pypi.lookup(f"{name}[{extra.strip().lower()}]") if h not in hits]
    return hits
