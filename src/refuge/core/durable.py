"""Writing a file so that a crash or a power cut leaves the old file or the new, never half of
one: a temporary file beside it (created exclusively, with its final mode), fsynced, renamed
over the target, then the directory fsynced so that the rename itself survives.

The one atomic writer: the vault's file store, backups and the compiled catalogues use it.

Only a regular file (or a symbolic link, which is replaced, not followed) is ever replaced: a
rename over a device, a pipe or a socket would put a plain file in its place, and run as root
`refuge backup /dev/null --overwrite` would have turned the machine's /dev/null into a
root-only file, breaking every program that discards output through it."""

from __future__ import annotations

import errno
import os
import stat
import uuid
from pathlib import Path


class NotARegularFile(OSError):
    """The target exists and is a device, a pipe, a socket or a folder: it is never replaced."""

    def __init__(self, path: Path) -> None:
        super().__init__(errno.EINVAL, "not a regular file", str(path))


def refuse_special_file(path: Path) -> None:
    """Raise NotARegularFile if `path` exists and write_atomically would not replace it."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:  # nothing there, or not reachable: the write itself says why it fails
        return
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        raise NotARegularFile(path)


def write_atomically(
    path: Path, data: bytes, *, mode: int = 0o600, exclusive: bool = False
) -> None:
    """Replace `path` with `data` in one step; raises OSError (nothing is left behind then).
    `exclusive` creates `path` only where none exists (FileExistsError otherwise): two processes
    creating the same file leave one whole file, never a half-written one. A target that exists
    and is not a regular file raises NotARegularFile (an OSError)."""
    refuse_special_file(path)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.part")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)  # the umask may have narrowed a wider mode
        if exclusive:
            os.link(temporary, path)
            temporary.unlink()
        else:
            os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
