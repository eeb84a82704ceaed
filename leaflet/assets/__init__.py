"""Assets: font files and photos opened and prepared for measuring and for the press."""
