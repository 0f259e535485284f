"""docs/brief.png, the picture of a brief on the README and docs/brief.md: page 1 of the
seeds' PDF brief, drawn by `python -m briefgen.docs --picture` (what `make docs` runs).
Apart from briefgen.docs, which writes the reference pages from the code alone: the
picture runs the whole pipeline."""

from __future__ import annotations

import subprocess
import tempfile
from datetime import date, datetime, time
from pathlib import Path

# A fixed date and clock, so the same code draws the same page.
PICTURE_DAY = date(2024, 1, 17)
PICTURE_CLOCK = time(6, 0)


def picture(docs: Path, config_path: Path) -> Path:
    """docs/brief.png: page 1 of the seeds' PDF brief, at a fixed date and clock."""
    from .config import load_config
    from .pipeline import build_brief

    config = load_config(config_path)
    with tempfile.TemporaryDirectory(prefix="briefgen-docs-") as tmp:
        now = datetime.combine(PICTURE_DAY, PICTURE_CLOCK, tzinfo=config.tz)
        result = build_brief(config, PICTURE_DAY, out_dir=Path(tmp), formats=["pdf"], now=now, offline=True)
        pdf = next(p for p in result.files if p.suffix == ".pdf")
        stem = Path(tmp) / "page"
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", "-f", "1", "-l", "1", str(pdf), str(stem)],
                       check=True)
        target = docs / "brief.png"
        target.write_bytes(stem.with_suffix(".png").read_bytes())
    return target
