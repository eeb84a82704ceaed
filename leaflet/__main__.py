"""python -m leaflet -> the leaflet command."""

from leaflet.cli import main

raise SystemExit(main())
