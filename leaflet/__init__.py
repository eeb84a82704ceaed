"""leaflet: print-ready A5 campaign leaflets, one variant per electoral ward.

The public API is ``build``; the CLI (``leaflet build``) is a thin shell over it.
"""

__version__ = "0.1.0"

from .build import BuildReport, WardResult, build  # noqa: E402

__all__ = ["BuildReport", "WardResult", "build", "__version__"]
