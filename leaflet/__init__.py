"""leaflet: print-ready A5 campaign leaflets, one variant per electoral ward.

The public API: ``build``, ``check_campaign``, ``proof`` and ``approve``, each what the command of
the same name does (the CLI is a thin shell over them), ``build_riso`` (``leaflet build --for
riso``), and ``__version__``.  The package's layers
are described in the README ("How it works").
"""

from leaflet.commands.approve import approve
from leaflet.commands.build import BuildReport, WardResult, build
from leaflet.commands.check import CheckReport, check_campaign
from leaflet.commands.proof import ProofReport, proof
from leaflet.commands.riso import RisoReport, build_riso
from leaflet.version import __version__

__all__ = [
    "BuildReport",
    "CheckReport",
    "ProofReport",
    "RisoReport",
    "WardResult",
    "__version__",
    "approve",
    "build",
    "build_riso",
    "check_campaign",
    "proof",
]
