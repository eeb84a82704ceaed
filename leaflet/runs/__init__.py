"""Runs over many wards: preparing a run once, per-ward preflight, files, digests, the print order."""
