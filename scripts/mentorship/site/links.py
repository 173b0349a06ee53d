"""Symbolic links in what the site publishes: refused, because a build follows them.

mkdocs copies whatever a link under `content/` points at, so a pull request adding
`content/notes.md -> /home/runner/.ssh/id_rsa` (or a link to any file of the build machine)
would publish it. The build stops on any link under the folders it reads instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..errors import printable, shown_path


def symlink_problems(root: Path, folders: Iterable[Path]) -> list[str]:
    """One printable line per symbolic link (file or folder) under `folders`, never following one."""
    problems: list[str] = []
    for folder in folders:
        if not folder.exists() and not folder.is_symlink():
            continue
        candidates = [folder]
        for top, dirs, files in os.walk(folder, followlinks=False):
            candidates += [Path(top, name) for name in (*dirs, *files)]
        for path in candidates:
            if path.is_symlink():
                problems.append(
                    printable(
                        f"{shown_path(_relative(path, root))} is a symbolic link; the site "
                        "publishes only plain files. Replace it with the file itself, or delete it"
                    )
                )
    return sorted(problems)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        return path.as_posix()
