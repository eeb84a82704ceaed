"""Writing: laid-out pages -> PDF bytes (print files and proof marks); never measures."""
