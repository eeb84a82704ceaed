"""One ward: its variant of the campaign, laid out into pages of placed lines, photos and a QR code."""
