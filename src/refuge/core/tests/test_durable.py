"""The one atomic writer: whole files or none, with the mode asked for, and nothing left beside."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from refuge.core.durable import NotARegularFile, write_atomically


def _leftovers(directory: Path, target: Path) -> list[Path]:
    return [path for path in directory.iterdir() if path != target]


def test_a_file_is_replaced_whole_with_the_mode_asked_for(tmp_path: Path) -> None:
    target = tmp_path / "head.json"
    target.write_bytes(b"old")
    write_atomically(target, b"new", mode=0o644)
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert _leftovers(tmp_path, target) == []


def test_a_private_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    target = tmp_path / "key"
    write_atomically(target, b"seed")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_an_exclusive_write_keeps_the_file_another_process_made_first(tmp_path: Path) -> None:
    target = tmp_path / "key"
    write_atomically(target, b"first", exclusive=True)
    with pytest.raises(FileExistsError):
        write_atomically(target, b"second", exclusive=True)
    assert target.read_bytes() == b"first"
    assert _leftovers(tmp_path, target) == []


def test_a_write_that_fails_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "file"
    with pytest.raises(FileNotFoundError):
        write_atomically(target, b"data")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("make", [os.mkfifo, os.mkdir], ids=["pipe", "folder"])
def test_a_target_that_is_not_a_regular_file_is_never_replaced(
    tmp_path: Path, make: Callable[[Path], None]
) -> None:
    # A pipe stands in for /dev/null and other devices, which only root could make here.
    target = tmp_path / "special"
    make(target)
    kind = stat.S_IFMT(target.lstat().st_mode)
    with pytest.raises(NotARegularFile, match="not a regular file"):
        write_atomically(target, b"data")
    assert stat.S_IFMT(target.lstat().st_mode) == kind
    assert _leftovers(tmp_path, target) == []


def test_a_symbolic_link_is_replaced_not_followed(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    link = tmp_path / "link"
    link.symlink_to(pipe)
    write_atomically(link, b"data")
    assert link.read_bytes() == b"data"
    assert not link.is_symlink()
    assert stat.S_ISFIFO(pipe.lstat().st_mode)
