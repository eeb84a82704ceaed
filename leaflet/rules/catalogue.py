"""The preflight rules by name -> what each finds: the names findings carry and reports list."""

RULES = {
    "text-overflow": "text does not fit its frame (chain) even at the style's minimum size",
    "text-shrunk": "copy-fitting set text smaller than its style's size",
    "missing-glyph": "a character the frame's font cannot draw (it would print as an empty box)",
    "input": "a ward's own input could not be used (a photo missing, a cell unusable)",
    "image-resolution": "a photo below 300 ppi (warning) or 200 ppi (error) at its placed size",
    "safe-area": "text, the QR code or the imprint outside the safe area",
    "bleed": "something that reaches the trim edge but stops short of the bleed edge",
    "qr-decode": "the QR code, rendered at 300 dpi, does not decode to exactly the ward's URL",
    "qr-geometry": "QR module under 0.4 mm, quiet zone under 4 modules, or code under 20 mm",
    "imprint": "the imprint is missing, incomplete, or smaller than 6 pt",
    "rgb-colour": "an RGB or Lab colour in the print file",
    "font-embedding": "a font not embedded in the print file",
    "transparency": "transparency in the print file (not allowed in PDF/X-1a)",
    "text-size": "text smaller than 6 pt",
    "thin-line": "a line thinner than 0.25 pt",
    "total-ink": "total ink above 300% in a fill or, sampled, in a photo",
    "riso-printable-area": "Riso output: artwork outside what the machine prints (error), a saturated fill near its "
    "edge (warning)",
    "riso-solid": "Riso output: a large fill above 85% of a drum's ink",
    "riso-tint-text": "Riso output: text under 7 pt printed in a tint, or on a tint or photo",
}
