"""Which files of a project the scanner reads, and what each one is.

Listing: in a git work tree, ``git ls-files --cached --others --exclude-standard`` is both the fastest
and the most faithful answer to "what belongs to this project" (it honours every ``.gitignore``,
``.git/info/exclude`` and the global excludes file exactly as git does). Outside git, the tree is
walked without following symlinks and ``.gitignore`` files are applied with :class:`IgnoreRules`, which
matches with ``pathspec`` (git's wildmatch semantics) and adds git's nesting of ignore files.

Either way, folders that are never the project's own code (virtual environments, ``node_modules``,
vendored copies, caches) are pruned and reported once each in ``skipped``.

Classification gives each path a *kind* (manifest, lock, notebook, code, config, prose, weights,
binary, other), a language for code, and whether it sits in tests; the detectors use these to
decide which rules apply and how a finding's ``context`` is marked.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pathspec

#: Folders pruned wherever they appear, with the reason reported.
SKIP_DIRS: dict[str, str] = {
    ".git": "version control metadata",
    ".hg": "version control metadata",
    ".svn": "version control metadata",
    "node_modules": "installed dependencies (node_modules)",
    "bower_components": "installed dependencies",
    "site-packages": "installed dependencies (site-packages)",
    ".venv": "virtual environment",
    "venv": "virtual environment",
    ".tox": "virtual environment (tox)",
    ".nox": "virtual environment (nox)",
    "vendor": "vendored third-party code",
    "third_party": "vendored third-party code",
    "__pycache__": "cache",
    ".mypy_cache": "cache",
    ".pytest_cache": "cache",
    ".ruff_cache": "cache",
    ".hypothesis": "cache",
    ".next": "build output",
    ".nuxt": "build output",
    ".gradle": "build output",
    ".terraform": "installed providers (terraform)",
    "Pods": "installed dependencies (CocoaPods)",
}

BINARY_EXTENSIONS = frozenset(
    [
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".bmp",
        ".ico",
        ".webp",
        ".tiff",
        ".svgz",
        ".pdf",
        ".zip",
        ".gz",
        ".tgz",
        ".bz2",
        ".xz",
        ".7z",
        ".rar",
        ".tar",
        ".jar",
        ".war",
        ".whl",
        ".egg",
        ".so",
        ".dll",
        ".dylib",
        ".a",
        ".o",
        ".obj",
        ".exe",
        ".bin",
        ".pyc",
        ".pyo",
        ".class",
        ".woff",
        ".woff2",
        ".ttf",
        ".otf",
        ".eot",
        ".mp3",
        ".mp4",
        ".wav",
        ".ogg",
        ".flac",
        ".mov",
        ".avi",
        ".mkv",
        ".webm",
        ".sqlite",
        ".db",
        ".parquet",
        ".arrow",
        ".feather",
        ".npy",
        ".npz",
        ".pkl",
        ".pickle",
        ".pt",
        ".pth",
        ".ckpt",
        ".onnx",
        ".h5",
        ".keras",
        ".tflite",
        ".msgpack",
        ".DS_Store",
    ]
)

CODE_LANGUAGES: dict[str, str] = {
    ".py": "python", ".pyi": "python", ".pyw": "python",
    ".js": "js", ".mjs": "js", ".cjs": "js", ".jsx": "js", ".ts": "js", ".tsx": "js", ".mts": "js", ".cts": "js",
    ".vue": "js", ".svelte": "js", ".astro": "js",
    ".go": "go", ".rs": "rust",
    ".java": "java", ".kt": "java", ".kts": "java", ".scala": "java", ".groovy": "java",
    ".rb": "ruby", ".rake": "ruby", ".sh": "hash", ".bash": "hash", ".zsh": "hash", ".fish": "hash", ".ps1": "hash", ".r": "hash",
    ".pl": "hash", ".jl": "hash", ".ex": "hash", ".exs": "hash",
    ".php": "php", ".cs": "csharp", ".csx": "csharp", ".swift": "c", ".c": "c", ".h": "c", ".cc": "c", ".cpp": "c", ".hpp": "c", ".dart": "c",
    ".lua": "lua", ".sql": "sql",
}  # fmt: skip
CONFIG_EXTENSIONS = frozenset(
    [".yaml", ".yml", ".json", ".jsonc", ".json5", ".toml", ".ini", ".cfg", ".conf", ".env", ".properties", ".tf", ".tfvars", ".hcl", ".xml", ".envrc"]
)
PROSE_EXTENSIONS = frozenset([".md", ".mdx", ".markdown", ".rst", ".txt", ".adoc", ".asciidoc", ".org", ".tex", ".html", ".htm"])

#: File names that are dependency manifests, with their format.
MANIFESTS: dict[str, str] = {
    "pyproject.toml": "pyproject",
    "setup.py": "setup.py",
    "setup.cfg": "setup.cfg",
    "Pipfile": "pipfile",
    "package.json": "package.json",
    "go.mod": "go.mod",
    "Cargo.toml": "cargo",
    "pom.xml": "pom",
    "build.gradle": "gradle",
    "build.gradle.kts": "gradle",
    "libs.versions.toml": "gradle-catalog",
    "Directory.Packages.props": "msbuild",
    "Directory.Build.props": "msbuild",
    "Directory.Build.targets": "msbuild",
    "packages.config": "packages.config",
    "Gemfile": "gemfile",
    "gems.rb": "gemfile",
    "composer.json": "composer",
    "environment.yml": "conda",
    "environment.yaml": "conda",
}
#: Extensions of manifests whose name is the project's own: MSBuild project files and gemspecs.
MANIFEST_EXTENSIONS: dict[str, str] = {".csproj": "msbuild", ".fsproj": "msbuild", ".vbproj": "msbuild", ".gemspec": "gemspec"}
LOCKS: dict[str, str] = {
    "poetry.lock": "toml-lock",
    "uv.lock": "toml-lock",
    "pdm.lock": "toml-lock",
    "Cargo.lock": "toml-lock",
    "Pipfile.lock": "pipfile.lock",
    "package-lock.json": "npm-lock",
    "npm-shrinkwrap.json": "npm-lock",
    "yarn.lock": "yarn-lock",
    "pnpm-lock.yaml": "pnpm-lock",
    "bun.lock": "npm-lock",
    "go.sum": "go.sum",
    "composer.lock": "composer-lock",
    "Gemfile.lock": "gemfile-lock",
    "gems.locked": "gemfile-lock",
    "packages.lock.json": "nuget-lock",
}
_REQUIREMENTS = re.compile(r"(?:.*[-_.])?requirements(?:[-_.][\w.-]*)?\.(?:txt|in)$|constraints(?:[-_.][\w.-]*)?\.txt$", re.I)
_TEST_DIRS = frozenset({"test", "tests", "__tests__", "spec", "specs", "testing", "testdata", "test_data", "e2e", "cypress", "__mocks__", "__snapshots__"})
_TEST_FILE = re.compile(
    r"(?:^test_.*\.py$|.*_test\.(?:py|go|rs|rb|exs)$|.*\.(?:test|spec)\.[cm]?[jt]sx?$|^conftest\.py$|.*Tests?\.(?:java|kt|cs|swift|php)$|.*_spec\.rb$)"
)
_DOCKERFILE = re.compile(r"^(?:Dockerfile|Containerfile)(?:\..+)?$|.*\.(?:dockerfile|containerfile)$", re.I)
_COMPOSE = re.compile(r"^(?:docker-)?compose(?:[.-][\w.-]*)?\.ya?ml$", re.I)
#: Manifests that are programs: their lines are code in that language (comments are prose).
_MANIFEST_LANG = {"setup.py": "python", "gemfile": "ruby", "gradle": "java"}
_SHELL_NAMES = frozenset({"Makefile", "makefile", "GNUmakefile", "Procfile", "Justfile", "justfile", "Taskfile"})


@dataclass(frozen=True)
class FileKind:
    """What a path is, for the detectors."""

    kind: str  # manifest | lock | notebook | code | config | prose | weights | binary | other
    fmt: str = ""  # manifest/lock format, or "dockerfile"/"compose"/"env" for config
    lang: str = ""  # comment style: python | js | go | rust | java | csharp | php | ruby | hash | c | lua | sql
    test: bool = False


def is_test_path(rel: str) -> bool:
    # Plain string operations: this runs once per file and pathlib costs ~30 µs a call.
    parts = rel.split("/")
    return any(p.lower() in _TEST_DIRS for p in parts[:-1]) or bool(_TEST_FILE.match(parts[-1]))


def classify(rel: str, weight_exts: frozenset[str] | set[str] = frozenset()) -> FileKind:
    slash = rel.rfind("/")
    name = rel[slash + 1 :]
    dot = name.rfind(".")
    suffix = name[dot:].lower() if dot > 0 else ""
    test = is_test_path(rel)
    if name in MANIFESTS:
        return FileKind("manifest", MANIFESTS[name], _MANIFEST_LANG.get(MANIFESTS[name], ""), test)
    if name in LOCKS:
        return FileKind("lock", LOCKS[name], "", test)
    if suffix in MANIFEST_EXTENSIONS:
        return FileKind("manifest", MANIFEST_EXTENSIONS[suffix], "ruby" if suffix == ".gemspec" else "", test)
    if _REQUIREMENTS.match(name) or (suffix in (".txt", ".in") and rel[:slash].rsplit("/", 1)[-1] == "requirements"):
        return FileKind("manifest", "requirements", "", test)
    if suffix in weight_exts:
        return FileKind("weights", suffix, "", test)
    if suffix == ".ipynb":
        return FileKind("notebook", "", "python", test)
    if _DOCKERFILE.match(name):
        return FileKind("config", "dockerfile", "hash", test)
    if _COMPOSE.match(name):
        return FileKind("config", "compose", "hash", test)
    if name == ".env" or name.startswith(".env.") or suffix == ".env" or name == ".envrc":
        return FileKind("config", "env", "hash", test)
    if name in _SHELL_NAMES:
        return FileKind("code", "", "hash", test)
    if suffix in CODE_LANGUAGES:
        return FileKind("code", "", CODE_LANGUAGES[suffix], test)
    if suffix in CONFIG_EXTENSIONS:
        return FileKind(
            "config", suffix.lstrip("."), "hash" if suffix in (".yaml", ".yml", ".toml", ".ini", ".cfg", ".conf", ".properties", ".tf", ".hcl") else "", test
        )
    if suffix in PROSE_EXTENSIONS:
        return FileKind("prose", suffix.lstrip("."), "", test)
    if suffix in BINARY_EXTENSIONS or name in BINARY_EXTENSIONS:
        return FileKind("binary", suffix, "", test)
    return FileKind("other", suffix, "hash", test)


# --------------------------------------------------------------------------- gitignore matching


class IgnoreRules:
    """gitignore matching for trees that are not git repositories, with ``pathspec``.

    ``pathspec.GitIgnoreSpec`` implements git's own wildmatch rules (``!`` negation where the last
    matching pattern wins, a leading or inner ``/`` anchoring a pattern to its ``.gitignore``'s
    folder, a trailing ``/`` matching folders only, ``*``/``?``/``[...]`` not crossing ``/``, ``**``
    crossing folders, escapes and trailing spaces); hand-written matching got several of these
    subtly wrong. What git adds on top, and this class does, is nesting: each ``.gitignore`` applies
    to paths below its own folder, relative to that folder, and a deeper file's verdict overrides a
    shallower one's (the walk adds files parent first, so the last verdict is the deepest).
    """

    def __init__(self) -> None:
        self._specs: list[tuple[str, pathspec.GitIgnoreSpec]] = []  # (base folder, its patterns)

    def add_file(self, base: str, path: Path) -> None:
        try:
            text = path.read_text("utf-8", errors="replace")
        except OSError:
            return
        self.add_lines(base, text.splitlines())

    def add_lines(self, base: str, lines: list[str]) -> None:
        spec = pathspec.GitIgnoreSpec.from_lines(lines)
        if spec.patterns:
            self._specs.append((base, spec))

    def ignored(self, rel: str, is_dir: bool) -> bool:
        result = False
        for base, spec in self._specs:
            if base:
                if not rel.startswith(base + "/"):
                    continue
                sub = rel[len(base) + 1 :]
            else:
                sub = rel
            # pathspec tells a folder from a file by a trailing "/" (for directory-only patterns).
            verdict = spec.check_file(sub + "/" if is_dir else sub).include
            if verdict is not None:
                result = verdict
        return result


# --------------------------------------------------------------------------- listing


@dataclass
class Listing:
    files: list[str]
    skipped: list[tuple[str, str]]
    method: str  # "git" | "walk"


def _folder_verdict(path: Path) -> str | None:
    """Why a folder is not scanned (a virtual environment, or one we may not read), or None.

    The marker files are looked up with ``os.stat`` so that a folder we may not enter (a database
    volume owned by another user) is reported as unreadable once, here, rather than raising from
    ``Path.is_file`` and stopping the scan with an error about a marker file that does not exist.
    """
    for marker, want_dir in (("pyvenv.cfg", False), ("conda-meta", True)):
        try:
            st = os.stat(path / marker)
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # a symlink loop named like a marker: not a marker
                continue
            return f"unreadable folder ({exc.strerror or exc})"
        if stat.S_ISDIR(st.st_mode) == want_dir:
            return "virtual environment"
    return None


def _skip_reason_for_dir(rel: str, name: str, path: Path) -> str | None:
    reason = SKIP_DIRS.get(name)
    if reason:
        return reason
    return _folder_verdict(path)


def _git_listing(root: Path) -> list[str] | None:
    """Paths relative to ``root`` as git sees them, or None when ``root`` is not in a work tree."""
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--full-name", "."],
            capture_output=True,
            timeout=120,
            check=False,
        )
        if proc.returncode != 0:
            return None
        top = subprocess.run(["git", "-C", str(root), "rev-parse", "--show-prefix"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    prefix = top.stdout.decode("utf-8", "surrogateescape").strip() if top.returncode == 0 else ""
    if not proc.stdout:
        # Nothing listed: an empty repository, or a folder the enclosing repository ignores (a
        # generated tree, a scratch checkout). Walking it with its own .gitignore files is right.
        return None
    out = []
    for raw in proc.stdout.split(b"\0"):
        if not raw:
            continue
        rel = raw.decode("utf-8", "surrogateescape")
        if prefix and rel.startswith(prefix):
            rel = rel[len(prefix) :]
        out.append(rel)
    return sorted(set(out))


def list_files(root: Path) -> Listing:
    """Every file the scanner should consider, plus the folders it pruned and why."""
    root = Path(root)
    listed = _git_listing(root)
    skipped: list[tuple[str, str]] = []
    if listed is not None:
        files: list[str] = []
        pruned: dict[str, str] = {}
        checked: set[str] = set()  # folders already known not to be pruned: one stat per folder
        for rel in listed:
            parts = rel.split("/")
            reason = None
            for depth, part in enumerate(parts[:-1]):
                folder = "/".join(parts[: depth + 1])
                if folder in pruned:
                    reason = "pruned"
                    break
                if folder in checked:
                    continue
                why = SKIP_DIRS.get(part)
                if why is None and depth < 6:
                    why = _folder_verdict(root / folder)
                if why:
                    pruned[folder] = why
                    reason = why
                    break
                checked.add(folder)
            if reason is None:
                files.append(rel)
        skipped.extend((folder + "/", why) for folder, why in pruned.items())
        return Listing(files, skipped, "git")

    ignore = IgnoreRules()
    files = []
    seen_dirs: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(
        root, followlinks=False, onerror=lambda e: skipped.append(((_rel(root, e.filename) or ".") + "/", f"unreadable folder ({e.strerror})"))
    ):
        here = Path(dirpath)
        rel_dir = _rel(root, dirpath)
        try:
            st = here.stat()
            key = (st.st_dev, st.st_ino)
            if key in seen_dirs:  # bind mounts or hard-linked folders: never loop
                dirnames[:] = []
                continue
            seen_dirs.add(key)
        except OSError:
            pass
        if ".gitignore" in filenames:
            ignore.add_file(rel_dir, here / ".gitignore")
        keep = []
        for name in sorted(dirnames):
            rel = f"{rel_dir}/{name}" if rel_dir else name
            full = here / name
            if full.is_symlink():
                skipped.append((rel + "/", "symlinked folder (not followed)"))
                continue
            if ignore.ignored(rel, True):
                continue
            why = _skip_reason_for_dir(rel, name, full)
            if why:
                skipped.append((rel + "/", why))
                continue
            keep.append(name)
        dirnames[:] = keep
        for name in filenames:
            rel = f"{rel_dir}/{name}" if rel_dir else name
            if not ignore.ignored(rel, False):
                files.append(rel)
    files.sort()
    return Listing(files, skipped, "walk")


def _rel(root: Path, path: str | os.PathLike[str]) -> str:
    rel = os.path.relpath(path, root)
    return "" if rel == "." else rel.replace(os.sep, "/")
