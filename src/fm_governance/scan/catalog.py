"""The scanner's data, loaded once: provider rules, the model catalog and the signal list.

All detection knowledge lives in YAML beside this module (``providers.yaml``, ``models.yaml``,
``signals.yaml``), each validated against its JSON Schema when first used, so adding a provider or a
model is a data change reviewed like any other. This module turns that data into the structures the
hot loop needs: dictionaries for exact names, and a handful of *combined* regular expressions (one
alternation with a named group per rule) so a line is searched once per kind, not once per rule.

The prefilter is the reason the scanner is fast: every rule can only match text that contains one of
a few hundred lowercase "stems". Files are searched for the stems first, with an Aho-Corasick
automaton when ``ahocorasick_rs`` is installed (about 15 times faster than Python's ``re`` on a
large alternation) and with one trie-shaped regular expression otherwise; the detailed rules then
run only on the lines that hold a stem.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from re import _constants as _re_constants
from re import _parser as _re_parser
from typing import Any

from packaging.utils import canonicalize_name

from ..core.schemas import validate_against
from ..core.yamlio import load_located
from .credentials import Credentials

ROLES = ("hosted", "self-hosted", "abstraction", "hub")

#: A provider attribution: (provider id, role of the rule group that matched).
Hit = tuple[str, str]


def _data_text(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text("utf-8")


def _load_validated(name: str, schema_name: str) -> dict[str, Any]:
    """Load a data file with the core's bounded reader and validate it against its schema; errors
    name the data file's line and column."""
    plain, locate = load_located(_data_text(name), name)
    result: dict[str, Any] = validate_against(json.loads(_data_text(schema_name)), plain, locate, fix=f"fix {name} to match {schema_name}")
    return result


def normalise_pypi(name: str) -> str:
    """PEP 503 normalisation (``packaging``), so ``Sentence_Transformers`` and ``sentence-transformers`` agree."""
    return str(canonicalize_name(name))


def _trie_pattern(words: Iterable[str]) -> str:
    """One regular expression equivalent to ``a|b|c`` but shaped as a trie.

    Python's ``re`` tries each alternative at each position; sharing prefixes cuts the work to
    roughly one branch per character, which is what makes the no-Aho-Corasick fallback usable.
    """
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        if list(node) == [""]:
            return ""
        alternatives = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        optional = "" in node
        body = alternatives[0] if len(alternatives) == 1 and not optional else "(?:" + "|".join(alternatives) + ")"
        if optional:
            body = (body if body.startswith("(?:") else f"(?:{body})") + "?"
        return body

    return build(trie)


#: What a prefilter stem lets through: every detector, the credential shapes, or (after a check of
#: the bytes that follow it) the credential assignments.
FULL, SHAPE, NAME = 2, 1, 0


class Prefilter:
    """Finds the byte offsets of stems in lowercased text, and what each stem is for.

    ``stems`` let a line through to every detector. ``shape_stems`` and ``name_stems`` come from
    the credential rules: a line holding only those is searched for credentials alone, and a name
    stem (words as common in code as "key" and "token") only where an assignment follows it.
    """

    def __init__(self, stems: Iterable[str], shape_stems: Iterable[str] = (), name_stems: Iterable[str] = ()) -> None:
        full = {s.lower() for s in stems}
        shapes = {s.lower() for s in shape_stems} - full
        names = {s.lower() for s in name_stems} - full - shapes
        self.stems = sorted(full | shapes | names)
        self._class = [FULL if s in full else SHAPE if s in shapes else NAME for s in self.stems]
        self._class_of = {s.encode(): c for s, c in zip(self.stems, self._class, strict=True)}
        self.engine = "regex"
        self._ac: Any = None
        try:
            import ahocorasick_rs

            patterns = [s.encode() for s in self.stems]
            try:  # a DFA is ~2x faster to search than the default NFA and small for a few hundred stems
                self._ac = ahocorasick_rs.BytesAhoCorasick(patterns, implementation=ahocorasick_rs.Implementation.DFA)
            except (AttributeError, TypeError):  # pragma: no cover - older ahocorasick_rs
                self._ac = ahocorasick_rs.BytesAhoCorasick(patterns)
            self.engine = "aho-corasick"
        except ImportError:  # pragma: no cover - depends on the environment
            self._ac = None
        self._rx = re.compile(_trie_pattern(self.stems).encode())

    def positions(self, lowered: bytes) -> list[int]:
        """Offsets of every stem."""
        if self._ac is not None:
            return [start for _index, start, _end in self._ac.find_matches_as_indexes(lowered)]
        return [m.start() for m in self._rx.finditer(lowered)]

    def hits(self, lowered: bytes) -> list[tuple[int, int]]:
        """(offset, FULL, SHAPE or NAME) for every stem."""
        if self._ac is not None:
            cls = self._class
            return [(start, cls[index]) for index, start, _end in self._ac.find_matches_as_indexes(lowered)]
        class_of = self._class_of
        return [(m.start(), class_of[m.group(0)]) for m in self._rx.finditer(lowered)]


def _required_literals(pattern: str, flags: int = 0) -> set[str] | None:
    """Lowercase strings of which every match of ``pattern`` contains at least one, or None when
    no such string of 3 characters or more can be read from the pattern."""
    c = _re_constants

    def of(seq: Any) -> set[str] | None:
        best, run = "", ""
        found: set[str] | None = None
        for op, av in seq:
            if op is c.LITERAL:
                run += chr(av).lower()
                best = max(best, run, key=len)
                continue
            run = ""
            if found is None and op is c.SUBPATTERN:
                found = of(av[3])
            elif found is None and op is c.BRANCH:
                branches = [of(b) for b in av[1]]
                if all(b is not None for b in branches):
                    found = set().union(*branches)  # type: ignore[arg-type]
        if len(best) >= 3:
            return {best}
        return found

    try:
        return of(_re_parser.parse(pattern, flags))  # the standard library's own pattern parser
    except Exception:  # pragma: no cover - a pattern the private parser reads differently
        return None


def gate_for(patterns: Iterable[str], flags: int = 0) -> re.Pattern[str] | None:
    """A fast pre-check for a combined pattern: one trie-shaped search for the literals every rule
    requires (on the lowercased line). None when some rule has no such literal: then the combined
    pattern must run on every line. Python's ``re`` tries each alternative of a combined pattern
    at every position; a line without any of the literals cannot match, and most lines with a
    prefilter stem hold none of them."""
    literals: set[str] = set()
    for pattern in patterns:
        found = _required_literals(pattern, flags)
        if not found:
            return None
        literals |= found
    return re.compile(_trie_pattern(literals)) if literals else None


def _combined(rules: list[tuple[str, Any]], flags: int = 0) -> tuple[re.Pattern[str] | None, list[Any]]:
    """One regex ``(?P<r0>...)|(?P<r1>...)`` and the payload of each group, in group order."""
    if not rules:
        return None, []
    parts = [f"(?P<r{i}>{pattern})" for i, (pattern, _payload) in enumerate(rules)]
    return re.compile("|".join(parts), flags), [payload for _pattern, payload in rules]


@dataclass
class GlobTable:
    """Exact names plus trailing-``*`` prefix globs, each mapping to provider hits."""

    exact: dict[str, list[Hit]] = field(default_factory=dict)
    prefixes: list[tuple[str, Hit]] = field(default_factory=list)

    def add(self, name: str, hit: Hit) -> None:
        if name.endswith("*"):
            self.prefixes.append((name[:-1], hit))
        else:
            self.exact.setdefault(name, []).append(hit)

    def lookup(self, name: str) -> list[Hit]:
        hits = list(self.exact.get(name, ()))
        hits.extend(hit for prefix, hit in self.prefixes if name.startswith(prefix) and hit not in hits)
        return hits


@dataclass
class NamespaceTable:
    """Namespace prefixes (``Azure.AI.OpenAI``, ``Aws\\BedrockRuntime``) mapping to provider hits.

    A prefix matches itself and every namespace below it, segment by segment, so ``OpenAI`` matches
    ``OpenAI.Chat`` but not ``OpenAIExtensions``. ``fold`` compares without case (PHP namespaces
    are case-insensitive; C# namespaces are not).
    """

    sep: str
    fold: bool = False
    exact: dict[str, list[Hit]] = field(default_factory=dict)

    def add(self, name: str, hit: Hit) -> None:
        hits = self.exact.setdefault(name.lower() if self.fold else name, [])
        if hit not in hits:
            hits.append(hit)

    def lookup(self, path: str) -> list[Hit]:
        parts = (path.lower() if self.fold else path).split(self.sep)
        hits: list[Hit] = []
        for i in range(len(parts), 0, -1):
            for hit in self.exact.get(self.sep.join(parts[:i]), ()):
                if hit not in hits:
                    hits.append(hit)
        return hits


@dataclass
class ModelInfo:
    """What the catalog says about one model id."""

    maker: str
    family: str
    weights: str
    licence: dict[str, Any]
    lifecycle: dict[str, Any] | None

    def status_on(self, today: _dt.date) -> str | None:
        """``retired``, ``deprecated`` or None, judged on ``today``."""
        if not self.lifecycle:
            return None
        retired = self.lifecycle.get("retired")
        if retired and _dt.date.fromisoformat(retired) <= today:
            return "retired"
        deprecated = self.lifecycle.get("deprecated")
        if deprecated and _dt.date.fromisoformat(deprecated) <= today:
            return "deprecated"
        return None


#: What a re-publisher appends to a model's name: a weights format or a quantisation
#: (``-GGUF``, ``-AWQ``, ``-FP8``, ``.Q4_K_M``, ``-4bit``), which changes neither family nor licence.
_PACKAGING_SUFFIX = re.compile(r"[-_.](?:gguf|ggml|awq|gptq|exl2|mlx|onnx|fp8|fp16|bf16|f16|f32|int4|int8|\d+bit|bnb|i?q\d[\w]*)$")


#: Fine-tuned model ids that name their base model: OpenAI's ``ft:<base model>:<organisation>:<suffix>:
#: <job id>`` (the suffix may be empty, ``ft:gpt-4o-mini-2024-07-18:acme::9abc``), and an Amazon
#: Bedrock custom model's ARN, ``…:custom-model/<base model id>/<12-character id>``, the shape of
#: ``modelArn`` in Bedrock's API reference (CustomModelSummary, the pattern read 2026-12-06 in the
#: page's Japanese edition, https://docs.aws.amazon.com/ja_jp/bedrock/latest/APIReference/API_CustomModelSummary.html).
_FINE_TUNE_ID = re.compile(
    r"ft:([a-z0-9][\w.-]*):"
    r"|arn:aws(?:-[^:]+)?:bedrock:[a-z0-9-]+:\d{12}:custom-model/([a-z0-9-]+\.[a-z0-9.-]+(?::[a-z0-9-]+){0,2})/[a-z0-9]{12}$"
)


def fine_tune_base(model_id: str) -> str | None:
    """The base model a fine-tuned id names (``ft:gpt-4o-mini-2024-07-18:acme::9abc`` is
    ``gpt-4o-mini-2024-07-18``), or None for ids that do not name one.

    Only shapes whose string holds the base id are read: a Gemini ``tunedModels/…`` name, a Bedrock
    provisioned-model ARN or a custom-model ARN of another shape does not say which model was
    tuned, and a guess would give the fine-tune a lifecycle that is not its own.
    """
    m = _FINE_TUNE_ID.match(model_id.lower())
    return (m.group(1) or m.group(2)) if m else None


def catalog_keys(model_id: str) -> list[str]:
    """The names under which the catalog is searched for a model id, most specific first.

    The id as found; for a hub id, its repository name without the organisation (quantisers such as
    ``TheBloke`` or ``bartowski`` re-publish the developer's weights under their own organisation);
    for a fine-tuned id that names its base model (``ft:gpt-4o-mini-2024-07-18:acme::9abc``), the base;
    without a ``.gguf`` file extension and the format and quantisation suffixes a re-publisher
    appends; an Ollama tag (``qwen2.5:7b``) both as ``qwen2.5-7b`` and as its bare name.
    """
    key = model_id.lower()
    keys = [key]
    base = fine_tune_base(key)
    if base:
        # A fine-tune lives and retires with its base model: its lifecycle is the base's.
        return [key, *catalog_keys(base)]
    if key.startswith("ft:"):
        return keys
    if ":" in key:
        name, _, tag = key.partition(":")
        keys += [f"{name}-{tag}", name]
    if "/" in key:
        keys.append(key.rsplit("/", 1)[1])
    for candidate in list(keys[1:] if len(keys) > 1 else keys):
        stripped = candidate.removesuffix(".gguf")
        while True:
            shorter = _PACKAGING_SUFFIX.sub("", stripped)
            if shorter == stripped:
                break
            stripped = shorter
        if stripped != candidate:
            keys.append(stripped)
    return list(dict.fromkeys(keys))


@dataclass
class Rules:
    """Everything the detectors need, compiled."""

    providers: dict[str, dict[str, Any]]
    pypi: GlobTable
    npm: GlobTable
    cargo: GlobTable
    maven: GlobTable
    go: list[tuple[str, Hit]]
    java: list[tuple[str, Hit]]
    nuget: GlobTable  # keys lowercased: NuGet ids are case-insensitive
    dotnet: NamespaceTable
    gems: GlobTable
    ruby: GlobTable
    composer: GlobTable
    php: NamespaceTable
    python: GlobTable
    rust: GlobTable
    symbols: re.Pattern[str] | None
    symbol_names: dict[str, Hit]  # each symbol's provider (the first rule that names it)
    env: re.Pattern[str] | None
    env_names: dict[str, Hit]
    hosts: re.Pattern[str] | None
    host_gate: re.Pattern[str] | None
    host_hits: list[Hit]
    images: re.Pattern[str] | None
    image_gate: re.Pattern[str] | None
    image_hits: list[Hit]
    commands: re.Pattern[str] | None
    command_gate: re.Pattern[str] | None
    command_hits: list[Hit]
    downloads: re.Pattern[str] | None
    download_gate: re.Pattern[str] | None
    download_hits: list[Hit]
    model_ids: re.Pattern[str] | None
    model_hits: list[Hit]
    fine_tunes: re.Pattern[str] | None
    fine_tune_hits: list[Hit]
    litellm: dict[str, Hit]
    hub_orgs: frozenset[str]
    hub_named: frozenset[str]  # providers whose model ids are their developer's hub repository names
    hub_org_developers: dict[str, str]  # lowercased hub organisation -> developer id
    weights: dict[str, Hit]
    weight_exts: frozenset[str]
    credentials: Credentials
    prefilter: Prefilter
    models: list[tuple[re.Pattern[str], ModelInfo]]
    floating: list[re.Pattern[str]]
    pinned: list[re.Pattern[str]]
    as_of: str
    #: Quoted strings already found to be no model id (a cache the model-id detector fills).
    not_models: set[str] = field(default_factory=set)
    #: (line, context, file kind, credentials only) of lines that found nothing (see detect._scan_line).
    quiet_lines: set[tuple[Any, ...]] = field(default_factory=set)

    def model_info(self, model_id: str) -> ModelInfo | None:
        for candidate in catalog_keys(model_id):
            for pattern, info in self.models:
                if pattern.fullmatch(candidate):
                    return info
        return None

    def alias_kind(self, model_id: str) -> str:
        """``floating``, ``pinned`` or ``unknown`` for a model id (routing prefix removed)."""
        key = model_id.lower()
        if any(p.fullmatch(key) for p in self.floating):
            return "floating"
        if any(p.fullmatch(key) for p in self.pinned):
            return "pinned"
        return "unknown"

    def role_of(self, provider: str) -> str:
        groups = self.providers.get(provider, {}).get("groups", [])
        return str(groups[0]["role"]) if groups else "hosted"


@functools.cache
def rules() -> Rules:
    """Load, validate and compile the scanner's data (once per process)."""
    data = _load_validated("providers.yaml", "providers.schema.json")
    catalog = _load_validated("models.yaml", "models.schema.json")

    pypi, npm, cargo, maven, python, rust = GlobTable(), GlobTable(), GlobTable(), GlobTable(), GlobTable(), GlobTable()
    go: list[tuple[str, Hit]] = []
    java: list[tuple[str, Hit]] = []
    nuget, gems, ruby, composer = GlobTable(), GlobTable(), GlobTable(), GlobTable()
    dotnet, php = NamespaceTable("."), NamespaceTable("\\", fold=True)
    symbol_rules: list[tuple[str, Hit]] = []
    env_names: dict[str, Hit] = {}
    host_rules: list[tuple[str, Hit]] = []
    image_rules: list[tuple[str, Hit]] = []
    command_rules: list[tuple[str, Hit]] = []
    download_rules: list[tuple[str, Hit]] = []
    model_rules: list[tuple[str, Hit]] = []
    fine_tune_rules: list[tuple[str, Hit]] = []
    litellm: dict[str, Hit] = {}
    weights: dict[str, Hit] = {}
    literal_stems: set[str] = set()

    for provider in data["providers"]:
        pid = provider["id"]
        for group in provider["groups"]:
            hit: Hit = (pid, group["role"])
            for name in group.get("pypi", ()):
                pypi.add(normalise_pypi(name.split("[")[0]) + (name[name.index("[") :].lower() if "[" in name else ""), hit)
                literal_stems.add(name.split("[")[0].rstrip("*-"))
            for name in group.get("npm", ()):
                npm.add(name, hit)
                literal_stems.add(name.rstrip("*/-"))
            for name in group.get("cargo", ()):
                cargo.add(name.replace("_", "-"), hit)
                literal_stems.add(name)
            for name in group.get("rust", ()):
                rust.add(name, hit)
                literal_stems.add(name)
            for name in group.get("maven", ()):
                maven.add(name.replace(":*", ":") + ("*" if name.endswith(":*") else ""), hit)
                literal_stems.add(name.split(":")[0] if name.endswith(":*") else name.split(":")[1])
            for name in group.get("go", ()):
                go.append((name, hit))
                literal_stems.add(name)
            for name in group.get("java", ()):
                java.append((name, hit))
                literal_stems.add(name)
            for name in group.get("nuget", ()):
                nuget.add(name.lower(), hit)
                literal_stems.add(name.rstrip("*.").lower())
            for name in group.get("dotnet", ()):
                dotnet.add(name, hit)
                literal_stems.add(name)
            for name in group.get("gems", ()):
                gems.add(name, hit)
                literal_stems.add(name)
            for name in group.get("ruby", ()):
                ruby.add(name, hit)
                literal_stems.add(name)
            for name in group.get("composer", ()):
                composer.add(name.lower(), hit)
                literal_stems.add(name)
            for name in group.get("php", ()):
                php.add(name, hit)
                literal_stems.add(name)
            for name in group.get("python", ()):
                python.add(name, hit)
                literal_stems.add(name.rstrip("*_"))
            for name in group.get("symbols", ()):
                symbol_rules.append((name, hit))
                literal_stems.add(name.rstrip("("))
            for name in group.get("env", ()):
                env_names[name] = hit
                literal_stems.add(name)
            host_rules += [(p, hit) for p in group.get("hosts", ())]
            image_rules += [(p, hit) for p in group.get("images", ())]
            command_rules += [(p, hit) for p in group.get("commands", ())]
            download_rules += [(p, hit) for p in group.get("downloads", ())]
            model_rules += [(p, hit) for p in group.get("model_ids", ())]
            fine_tune_rules += [(p, hit) for p in group.get("fine_tunes", ())]
            for prefix in group.get("litellm", ()):
                litellm[prefix] = hit
            for ext in group.get("weights", ()):
                weights[ext] = hit

    # Symbols are literal words: one trie-shaped pattern and a dictionary, rather than one group per
    # symbol, which Python's ``re`` would try one by one at every position of every line (the
    # largest single cost on real repositories, see benchmarks/README.md).
    # A name written ``Anthropic(`` counts only where it is called: it is also a plain word.
    symbol_names: dict[str, Hit] = {}
    called: set[str] = set()
    for name, hit in symbol_rules:
        bare = name.rstrip("(")
        symbol_names.setdefault(bare, hit)
        if name.endswith("("):
            called.add(bare)
    # Symbols and variable names are matched without a leading ``\b``: a pattern that starts with a
    # literal lets ``re`` skip ahead to the letters that can start a name, which a leading assertion
    # prevents (about twice as fast on real lines). The caller checks the character before a match
    # instead (``starts_word``): names are word characters only, so no match is lost that way.
    words = [n for n in symbol_names if n not in called]
    symbol_parts = ([r"(?:" + _trie_pattern(words) + r")\b"] if words else []) + ([r"(?:" + _trie_pattern(called) + r")(?=\s*\()"] if called else [])
    symbols = re.compile("|".join(symbol_parts)) if symbol_parts else None
    env_rx = re.compile(r"(" + _trie_pattern(env_names) + r")\b") if env_names else None
    hosts, host_hits = _combined(host_rules, re.I)
    images, image_hits = _combined(image_rules, re.I)
    commands, command_hits = _combined(command_rules)
    downloads, download_hits = _combined(download_rules)
    # Case-sensitive: real model ids are lowercase, while "GPT-4" or "DeepSeek-R1" in a document is a
    # product name, not a model parameter.
    model_ids, model_hits = _combined(model_rules)
    fine_tunes, fine_tune_hits = _combined(fine_tune_rules)
    credentials = Credentials(_load_validated("secrets.yaml", "secrets.schema.json"), env_names)

    stems = set(data["prefilter"])
    # A hub id ("microsoft/harrier-oss-v1-0.6b") may hold no other stem: each organisation, with its
    # slash, lets such a line through.
    stems.update(f"{org.lower()}/" for org in data.get("hub_orgs", ()))
    for literal in literal_stems:
        low = literal.lower()
        # Short literals ("ai") would match everywhere; the explicit list covers them in context.
        if len(low) >= 4 and not any(stem in low for stem in stems):
            stems.add(low)

    models = []
    for entry in catalog["models"]:
        info = ModelInfo(entry["maker"], entry["family"], entry["weights"], entry["licence"], entry.get("lifecycle"))
        models.append((re.compile(entry["match"], re.I), info))
    return Rules(
        providers={p["id"]: p for p in data["providers"]},
        pypi=pypi,
        npm=npm,
        cargo=cargo,
        maven=maven,
        go=go,
        java=java,
        nuget=nuget,
        dotnet=dotnet,
        gems=gems,
        ruby=ruby,
        composer=composer,
        php=php,
        python=python,
        rust=rust,
        symbols=symbols,
        symbol_names=symbol_names,
        env=env_rx,
        env_names=env_names,
        hosts=hosts,
        host_gate=gate_for((p for p, _h in host_rules), re.I),
        host_hits=host_hits,
        images=images,
        image_gate=gate_for((p for p, _h in image_rules), re.I),
        image_hits=image_hits,
        commands=commands,
        command_gate=gate_for(p for p, _h in command_rules),
        command_hits=command_hits,
        downloads=downloads,
        download_gate=gate_for(p for p, _h in download_rules),
        download_hits=download_hits,
        model_ids=model_ids,
        model_hits=model_hits,
        fine_tunes=fine_tunes,
        fine_tune_hits=fine_tune_hits,
        litellm=litellm,
        hub_orgs=frozenset(o.lower() for o in data.get("hub_orgs", ())),
        hub_named=frozenset(p["id"] for p in data["providers"] if p.get("hub_names")),
        hub_org_developers={org.lower(): lab for org, lab in (data.get("hub_org_developers") or {}).items()},
        weights=weights,
        weight_exts=frozenset(weights),
        credentials=credentials,
        prefilter=Prefilter(stems, credentials.shape_stems, credentials.name_stems),
        models=models,
        floating=[re.compile(r["pattern"], re.I) for r in catalog["alias_rules"]["floating"]],
        pinned=[re.compile(r["pattern"], re.I) for r in catalog["alias_rules"]["pinned"]],
        as_of=catalog["as_of"],
    )


_WORD_CHAR = re.compile(r"\w")


def starts_word(line: str, start: int) -> bool:
    """Whether a match of the symbol or variable-name pattern at ``start`` begins a word (the
    ``\b`` those patterns leave out, see :func:`rules`)."""
    return start == 0 or _WORD_CHAR.match(line, start - 1) is None


def provider_table() -> list[dict[str, Any]]:
    """Canonical provider ids with their names and roles, for the reference documentation."""
    return [{"id": pid, "name": p["name"], "roles": sorted({g["role"] for g in p["groups"]})} for pid, p in sorted(rules().providers.items())]


def group_payload(match: re.Match[str], payloads: list[Any]) -> Any:
    """The payload of the rule whose named group matched in a combined regex."""
    # ``lastgroup`` would do if no rule had an inner capturing group; scanning the dict is safe.
    for name, value in match.groupdict().items():
        if value is not None and name.startswith("r") and name[1:].isdigit():
            return payloads[int(name[1:])]
    return None
