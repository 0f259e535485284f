"""Writing a brief's files into `<out>/<date>/`, atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import OutputError


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: readers never see half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def write_brief(out_dir: Path, day: str, rendered: dict[str, bytes]) -> list[Path]:
    """`<out>/<date>/brief-<date>.<ext>` for each rendered format, in a stable order."""
    folder = out_dir / day
    written = []
    for fmt in ("json", "md", "html", "pdf"):
        if fmt in rendered:
            path = folder / f"brief-{day}.{fmt}"
            atomic_write(path, rendered[fmt])
            written.append(path)
    return written
