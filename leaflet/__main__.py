"""python -m leaflet -> the leaflet command."""

from .cli import main

raise SystemExit(main())
