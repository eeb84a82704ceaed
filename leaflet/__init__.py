"""leaflet: print-ready A5 campaign leaflets, one variant per electoral ward.

The public API is ``build`` and ``check_campaign`` here, ``leaflet.proof.proof`` and
``leaflet.approve.approve`` (not re-exported: the names would hide their modules); the CLI
(``leaflet build``, ``check``, ``proof``, ``approve``) is a thin shell over them.
"""

__version__ = "0.1.0"

from .build import BuildReport, WardResult, build  # noqa: E402
from .preflight import CheckReport, check_campaign  # noqa: E402

__all__ = ["BuildReport", "CheckReport", "WardResult", "build", "check_campaign", "__version__"]
