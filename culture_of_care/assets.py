"""Build step for the vendored NHS.UK stylesheet: run as ``python3 culture_of_care/assets.py CSS``.

nhsuk-frontend's compiled CSS loads Frutiger from assets.nhs.uk. We may not serve that font
ourselves, and an outside request from every page is slow offline and leaks who is using the
service, so the ``@font-face`` rules are removed: browsers use the stylesheet's own fallback
(Arial, then the system sans-serif) without asking any other host. No Django import here, so
``make assets`` runs it before anything is installed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")


def strip_font_faces(css: str) -> str:
    """``css`` without any ``@font-face`` rule (each holds no nested braces)."""
    return _FONT_FACE.sub("", css)


def main(paths: list[str]) -> None:
    for name in paths:
        path = Path(name)
        path.write_text(strip_font_faces(path.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
