"""A ward's masters -> a picture of its printed sheet: each drum's master rendered (PDFium), its
grey taken as that drum's ink on paper, the inks multiplied as layers of ink on paper do.  For
checking by eye, and for reading the QR code as a phone would from the print.
"""

from __future__ import annotations

from PIL import Image, ImageChops

from leaflet.write.riso import Master, RisoDocuments, master_file

COMPOSITE_DPI = 150


def render_master(master: Master, documents: RisoDocuments, dpi: float = COMPOSITE_DPI) -> Image.Image:
    """The master as the drum takes it: greyscale, 0 where the drum prints full ink."""
    import pypdfium2  # imported when first needed: a press build never renders

    document = pypdfium2.PdfDocument(master_file(master, documents, "composite"))
    try:
        return document[0].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        document.close()


def composite(
    masters: dict[str, Master],
    documents: RisoDocuments,
    dpi: float = COMPOSITE_DPI,
    renders: dict[str, Image.Image] | None = None,
) -> Image.Image:
    """The sheet in sRGB: paper white, each drum's ink laid over it in proportion to its cover.
    ``renders``: masters already rendered, by digest (a master many wards share is rendered once)."""
    channels: list[Image.Image] | None = None
    for name, master in masters.items():
        grey = renders.get(master.digest) if renders is not None else None
        if grey is None:
            grey = render_master(master, documents, dpi)
        cover = ImageChops.invert(grey)  # 255 = full ink
        ink = documents.drums[name].drum.rgb
        layer = [
            ImageChops.invert(cover.point(lambda value, light=light: round(value * (255 - light) / 255)))
            for light in ink
        ]
        channels = (
            layer if channels is None else [ImageChops.multiply(a, b) for a, b in zip(channels, layer, strict=True)]
        )
    assert channels is not None, "a Riso has at least one drum"
    return Image.merge("RGB", channels)
