"""The leaflet version: in every print file's metadata, in approvals and input digests."""

__version__ = "0.1.0"
