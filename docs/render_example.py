"""Build one ward of the example campaign and render its two pages side by side for the README.

python docs/render_example.py        # writes docs/example.png
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pypdfium2
from leaflet import build
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
WARD = "E05011111"  # St Mary's & St Paul's, organiser Ayşe Yılmaz


def main() -> None:
    with tempfile.TemporaryDirectory() as out:
        (result,) = build(ROOT / "content" / "pcc-2021", Path(out), ward_codes=[WARD]).written
        document = pypdfium2.PdfDocument(str(result.path))
        # crop the 3 mm bleed away: show the pages as they come off the guillotine
        pages = [
            document[i].render(scale=1, crop=(8.5, 8.5, 8.5, 8.5)).to_pil().convert("RGB") for i in range(len(document))
        ]
        document.close()
    gap = 24
    sheet = Image.new(
        "RGB", (sum(p.width for p in pages) + gap * (len(pages) + 1), pages[0].height + 2 * gap), (224, 224, 224)
    )
    x = gap
    for page in pages:
        sheet.paste(page, (x, gap))
        x += page.width + gap
    sheet.save(ROOT / "docs" / "example.png", optimize=True)


if __name__ == "__main__":
    main()
