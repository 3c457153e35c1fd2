"""Reading and writing a person's files without hanging, losing work or replacing the wrong thing.

Every file fm-governance reads or writes goes through this module, so the rules hold everywhere:

* **Look before you open.** A path is ``stat``-ed before it is opened and anything that is not a
  regular file (a FIFO, a device, a socket) is refused at once with a located error: opening a
  FIFO for reading blocks until a writer appears, which in CI means for ever. The open itself is
  non-blocking and the descriptor is checked again, so a file swapped for a FIFO between the two
  steps is refused too.
* **Writes are atomic.** The new content goes to a temporary file in the target's own folder, is
  flushed to disk, and replaces the target with ``os.replace``: readers see the old file or the new
  one, never half, and a full disk leaves the old file as it was.
* **Writes follow symlinks.** A symlinked assessment stays a symlink; its target is replaced,
  keeping the target's permissions (and owner, when the writer may set it).
* **Non-regular and read-only targets are refused.** Writing "over" a device node or
  ``/proc/self/fd/1`` would replace the link, not write to it; a file nobody may write (mode 0444)
  was made read-only on purpose.
* **Compare before replacing.** :func:`write_atomic` can be told the text the caller read; when the
  file on disk no longer holds it (a person saved an answer meanwhile), :class:`FileChanged` is
  raised instead of overwriting their change.
* **One writer at a time.** :func:`locked` holds an advisory lock (``flock``) on the target's folder
  for the short read–merge–write of ``assess``, so two runs on one file take turns instead of the
  last one silently winning.

Temporary files are named ``.<name>.<random>.fmg-tmp``; :func:`is_temporary_name` recognises them
(and the ``.<name>.<random>.tmp`` names earlier versions used), so the scanner never reads a
leftover of a crashed write as part of the project, and ``assess`` removes old leftovers of its own
file (:func:`remove_stale_temporary_files`) so they do not linger in ``git status``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from .errors import InputError, Location

#: Suffix of the temporary files :func:`write_atomic` creates beside its target.
TEMP_SUFFIX = ".fmg-tmp"
_TEMP_NAME = re.compile(r"\..+\.[A-Za-z0-9_]{8}(?:\.fmg-tmp|\.tmp)")
#: Age (seconds) after which a temporary file of a write is taken to be a crashed write's leftover.
STALE_AFTER = 600.0
#: How long :func:`locked` waits for another run to finish before giving up, in seconds.
LOCK_TIMEOUT = 120.0


class FileChanged(InputError):
    """The file changed on disk between the moment it was read and the moment it would be replaced."""


class WriteError(InputError, OSError):
    """A file that cannot (or must not) be written: located for people, and still an ``OSError`` for
    callers that handle I/O failures, as they did when writes raised the OS's own error."""


def is_temporary_name(name: str) -> bool:
    """True for the name of a temporary file fm-governance writes (or a crashed write left)."""
    return name.endswith(TEMP_SUFFIX) or _TEMP_NAME.fullmatch(name) is not None


def kind_of(mode: int) -> str:
    """A person's word for a file type that is not a regular file."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _not_regular(path: Path | str, mode: int, fix: str) -> InputError:
    return InputError(Location(str(path)), f"is {kind_of(mode)}, not a regular file", fix)


def read_bytes(path: Path | str, max_bytes: int | None = None) -> bytes:
    """Read the regular file ``path`` (at most ``max_bytes + 1`` bytes, when given); never blocks.

    Raises :class:`InputError` (located at the file) for a missing file, a directory, a FIFO, a
    device or a socket, and for permission errors, so the caller decides only about the content.
    """
    where = Location(str(path))
    fix = "pass the assessment or checklist file itself"
    try:
        before = os.stat(path)
        if stat.S_ISDIR(before.st_mode):
            raise InputError(where, "is a directory, not a YAML file", "name the .yaml file inside it")
        if not stat.S_ISREG(before.st_mode):
            raise _not_regular(path, before.st_mode, fix)
        # O_NONBLOCK: if the path was swapped for a FIFO since the stat, opening still returns at once
        # (and the fstat below refuses it); on a regular file the flag changes nothing.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise InputError(where, "no such file", "check the path, or create it with `fm-governance assess`") from None
    except PermissionError:
        raise InputError(where, "permission denied", "make the file readable") from None
    except OSError as exc:
        raise InputError(where, f"cannot be read ({exc.strerror or exc})", "check the file") from None
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):
            raise _not_regular(path, opened.st_mode, fix)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            if max_bytes is None:
                return fh.read()
            # Asked for the cap, a read sets aside a buffer that large (8 MiB for a 20 KB file, most
            # of the time it takes); the size the file has now is asked instead, then what it grew
            # by since, up to the cap.
            data = fh.read(min(opened.st_size, max_bytes) + 1)
            if len(data) > opened.st_size:
                data += fh.read(max_bytes + 1 - len(data))
            return data
    except OSError as exc:
        raise InputError(where, f"cannot be read ({exc.strerror or exc})", "check the file") from None
    finally:
        os.close(fd)


def file_identity(path: Path | str) -> object | None:
    """What makes two paths one file: its device and inode (as ``os.path.samefile`` compares them,
    so symlinks, relative paths and hard links to one file are one), or its resolved path on a file
    system that numbers no file (inode 0, as some network drives report); None when it names none.
    One ``stat``, where resolving a path's links looks up every folder on its way."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if info.st_ino else os.path.realpath(path)


def real_target(path: Path | str) -> Path:
    """The file a write to ``path`` must replace: ``path`` with every symlink followed.

    Resolved the way the kernel resolves it, not lexically: ``missing/../a.yaml`` names no file
    (``missing`` does not exist), although ``os.path.realpath`` would shorten it to ``a.yaml``.
    """
    given = Path(path)
    folder = given.parent
    if given.name in ("", ".", "..") or not folder.is_dir():
        raise WriteError(Location(str(path)), "is not in an existing folder", "create the folder first, or check the path")
    return Path(os.path.realpath(Path(os.path.realpath(folder)) / given.name))


def check_writable(path: Path | str) -> None:
    """Refuse, located, a target that exists but is not a regular file, or is read-only.

    Read-only means no write permission bit is set (what ``chmod a-w`` does), or the writer may not
    write it: replacing the file through its folder would succeed, so the mode is the only place the
    person's "do not change this" is recorded. The check is on mode bits as well as on access, as
    root may write anything.
    """
    target = real_target(path)
    try:
        # The path itself first: the kernel follows "magic" links such as /proc/self/fd/1 (to a pipe
        # or a terminal) that realpath cannot resolve to a name.
        st = os.stat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise WriteError(Location(str(path)), f"cannot be written ({exc.strerror or exc})", "check the path and permissions") from None
    if not stat.S_ISREG(st.st_mode):
        error = _not_regular(path, st.st_mode, "write to a regular file, or use `-o -` for standard output")
        raise WriteError(error.location, error.message, error.fix)
    if not st.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise WriteError(Location(str(path)), "is read-only", "make it writable (chmod u+w) if it should change, or write elsewhere")


def write_atomic(path: Path | str, text: str | bytes, *, expected: str | bool | None = True) -> None:
    """Replace the file at ``path`` with ``text`` (or bytes), atomically.

    Symlinks are followed (the link stays, its target is replaced); the target keeps its mode and,
    where allowed, its owner. A target that is not a regular file, or is read-only, is refused (see
    :func:`check_writable`). Every failure is an :class:`InputError` naming ``path`` as the person
    gave it, never the temporary file.

    ``expected``: ``True`` (the default) replaces whatever is there. A string is the text the caller
    read and merged: the file is replaced only if it still holds exactly that text; ``None`` means
    the caller found no file, and the write happens only if there still is none. Otherwise
    :class:`FileChanged` is raised and nothing is written.
    """
    shown = str(path)
    check_writable(path)
    target = real_target(path)
    folder = target.parent
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    st: os.stat_result | None
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=folder)
    except OSError as exc:
        raise _write_error(shown, exc) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if st is not None:
            os.chmod(tmp, stat.S_IMODE(st.st_mode))
            if hasattr(os, "chown") and (st.st_uid, st.st_gid) != _owner(tmp):
                # Only root (or the owner, for the group) may do this; a person's own file is theirs.
                with contextlib.suppress(OSError):
                    os.chown(tmp, st.st_uid, st.st_gid)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        if expected is not True:
            _check_unchanged(shown, target, expected)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and not isinstance(exc, WriteError):
            raise _write_error(shown, exc) from None
        raise
    _sync_folder(folder)


def remove_stale_temporary_files(path: Path | str, *, older_than: float = STALE_AFTER) -> list[Path]:
    """Delete the temporary files a crashed write of ``path`` left beside its real target.

    :func:`write_atomic` removes its temporary file on every error it sees; only a process killed
    outright (SIGKILL, a power cut) leaves one, and it would show in ``git status`` for ever. Only
    files named for this target and older than ``older_than`` seconds are removed, so a write in
    progress is never touched. Returns what was removed; failures to remove are ignored.
    """
    target = real_target(path)
    prefix = f".{target.name}."
    removed: list[Path] = []
    now = time.time()
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return removed
    for entry in entries:
        if not (entry.name.startswith(prefix) and is_temporary_name(entry.name)):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and now - info.st_mtime > older_than:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _check_unchanged(shown: str, target: Path, expected: str | bool | None) -> None:
    try:
        current: str | None = read_bytes(target).decode("utf-8-sig", errors="replace")
    except InputError:
        current = None if not os.path.lexists(target) else "\0unreadable"
    if current == expected:
        return
    if expected is None:
        what = "was created by someone else while fm-governance was working on it"
    elif current is None:
        what = "was deleted while fm-governance was working on it"
    else:
        what = "changed on disk while fm-governance was working on it"
    raise FileChanged(Location(shown), what, "nothing was written; run the command again to merge the new content")


def _write_error(shown: str, exc: OSError) -> WriteError:
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        fix = "free some space; the previous file was left as it was"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        fix = "its folder must be writable (the file is replaced, not edited in place)"
    else:
        fix = "check the path and its folder; the previous file was left as it was"
    return WriteError(Location(shown), f"cannot be written ({reason})", fix)


def _owner(path: str) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_uid, st.st_gid


def _sync_folder(folder: Path) -> None:
    """Flush the folder entry too, so the rename survives a power cut (best effort: POSIX only)."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        fd = os.open(folder, flags)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


@contextlib.contextmanager
def locked(path: Path | str, *, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an exclusive advisory lock for writing ``path`` (the folder of its real target).

    ``flock`` on the folder rather than a lock file: nothing is created beside the person's file (no
    stray file in ``git status``, nothing in a shared temporary folder where another user could plant
    a symlink), the lock follows symlinks to the real file, and it is released by the kernel when the
    process ends, even on a crash. It serialises writers of files in the same folder, which is
    harmless for a critical section of well under a second. Where ``flock`` is unavailable (Windows,
    some network file systems) the write goes ahead unlocked; :func:`write_atomic`'s ``expected``
    check still refuses to overwrite a change it did not read.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    folder = real_target(path).parent
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        yield
        return
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise InputError(
                        Location(str(path)),
                        f"another fm-governance run has been writing in this folder for over {timeout:.0f} s",
                        "wait for it to finish (or stop it), then run the command again",
                    ) from None
                time.sleep(0.05)
            except OSError:  # ENOLCK, EOPNOTSUPP, EBADF on some network file systems
                break
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
