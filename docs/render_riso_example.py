"""Build one ward of the example campaign for the office's Riso and save its composite (the two
drums' masters laid over paper in their inks) for the README.

python docs/render_riso_example.py        # writes docs/example-riso.png
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from leaflet import build_riso
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
WARD = "E05011111"  # St Mary's & St Paul's, as docs/example.png shows it from the press


def main() -> None:
    with tempfile.TemporaryDirectory() as out:
        (result,) = build_riso(ROOT / "content" / "pcc-2021", Path(out), ward_codes=[WARD]).results
        assert result.composite is not None
        full = Image.open(result.composite)
        sheet = full.resize((full.width * 2 // 3, full.height * 2 // 3), Image.Resampling.LANCZOS)
    sheet.quantize(128, method=Image.Quantize.MEDIANCUT).save(ROOT / "docs" / "example-riso.png", optimize=True)


if __name__ == "__main__":
    main()
