"""leaflet: print-ready A5 campaign leaflets, one variant per electoral ward.

The public API: ``build``, ``check_campaign``, ``proof`` and ``approve``, each what the command of
the same name does (the CLI is a thin shell over them), and ``__version__``.  The package's layers
are described in the README ("How it works").
"""

from leaflet.commands.approve import approve
from leaflet.commands.build import BuildReport, WardResult, build
from leaflet.commands.check import CheckReport, check_campaign
from leaflet.commands.proof import ProofReport, proof
from leaflet.version import __version__

__all__ = [
    "BuildReport",
    "CheckReport",
    "ProofReport",
    "WardResult",
    "__version__",
    "approve",
    "build",
    "check_campaign",
    "proof",
]
