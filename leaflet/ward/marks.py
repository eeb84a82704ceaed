"""A layout + one ward's laid-out pages -> where the printer's marks go outside the bleed: the crop
marks' geometry, and each page's slug (ward code, name and page) set as one line of 100% K text.

The slug sits in the slug area below the bleed, between the crop marks, inside the media box that
``--marks`` makes; it is trimmed off with the marks.  It is set like any other text (shaped, in
the layout's fonts and fallbacks), so drawing writes it from the run's font subsets, or the
ward's own for a character they lack, and it depends on nothing but the ward: a ward built alone
is still the bytes of a full build.  A slug that does not fit at ``SLUG_SIZE_PT`` is set smaller,
down to ``SLUG_MIN_SIZE_PT``, then the name is shortened with an ellipsis (the code and page never).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from leaflet.model import BoxPt, Cmyk, LaidOutLeaflet, Layout, Paragraph, Run, TextLine, TextStyle, mm_to_pt
from leaflet.ward.fit import StyledParagraph, fit_chain
from leaflet.ward.layout import PreparedLayout

MARK_OFFSET_MM = 3.0  # crop marks start this far from the trim (or at the bleed edge, if further)
MARK_LENGTH_MM = 5.0
MARK_WIDTH_PT = 0.25
SLUG_SIZE_PT = 6.0
SLUG_MIN_SIZE_PT = 4.5
SLUG_CLEARANCE_MM = 1.0  # from the bleed edge and the media box's edge
SLUG_INSET_MM = 3.0  # from the vertical crop marks, which stand in line with the trim's sides
SLUG_INK = Cmyk(0, 0, 0, 1)  # 100% K: one plate, no registration to hold
ELLIPSIS = "\u2026"


def mark_offset_pt(layout: Layout) -> float:
    """From the trim to where the crop marks start: clear of the bleed."""
    return max(mm_to_pt(layout.bleed_mm), mm_to_pt(MARK_OFFSET_MM))


def marks_margin_pt(layout: Layout) -> float:
    """From the trim to the media box's edge when the page carries marks."""
    return mark_offset_pt(layout) + mm_to_pt(MARK_LENGTH_MM + 1)


def slug_area(layout: Layout) -> BoxPt:
    """The band below the bleed, between the crop marks, in trim space."""
    bleed, margin = mm_to_pt(layout.bleed_mm), marks_margin_pt(layout)
    clearance, inset = mm_to_pt(SLUG_CLEARANCE_MM), mm_to_pt(SLUG_INSET_MM)
    width = mm_to_pt(layout.trim_width_mm) - 2 * inset
    return BoxPt(inset, -margin + clearance, width, margin - bleed - 2 * clearance)


def slug_text(code: str, name: str, page: int, pages: int, page_name: str) -> str:
    return f"{code} {name} \u00b7 page {page} of {pages} ({page_name})"


@dataclass
class SlugSetter:
    """Sets the slugs of a run's wards: the style and area are the run's, the words each ward's."""

    prepared: PreparedLayout

    def __post_init__(self) -> None:
        layout = self.prepared.layout
        family = next(iter(layout.styles.values())).family
        self.area = slug_area(layout)
        # Two lines never fit the area at any size allowed: a slug that would wrap shrinks instead.
        self.style = TextStyle("slug", family, SLUG_SIZE_PT, 2 * SLUG_SIZE_PT, SLUG_INK, min_size_pt=SLUG_MIN_SIZE_PT)

    def add_slugs(self, leaflet: LaidOutLeaflet) -> LaidOutLeaflet:
        ward, count = leaflet.ward, len(leaflet.pages)
        pages = tuple(
            replace(page, slug=self._line(ward.code, ward.name, number, count, page.name))
            for number, page in enumerate(leaflet.pages, start=1)
        )
        return replace(leaflet, pages=pages)

    def _line(self, code: str, name: str, page: int, pages: int, page_name: str) -> tuple[TextLine, ...]:
        shortened = name
        while True:
            line = self._fit(slug_text(code, shortened, page, pages, page_name))
            if line is not None or not shortened:
                return line or ()
            kept = shortened.rstrip(ELLIPSIS)
            shortened = kept[: max(0, len(kept) - max(1, len(kept) // 8))].rstrip() + ELLIPSIS if kept else ""

    def _fit(self, text: str) -> tuple[TextLine, ...] | None:
        paragraph = Paragraph("body", (Run(text),))
        fitted = fit_chain(
            [StyledParagraph(paragraph, self.style)],
            [self.area],
            self.prepared.metrics,
            self.prepared.layout.fallback_fonts,
            self.prepared.measure,
        )
        return None if fitted.overflow_words else fitted.lines[0]
