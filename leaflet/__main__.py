"""python -m leaflet -> the leaflet command."""

from leaflet.cli import command

raise SystemExit(command())
