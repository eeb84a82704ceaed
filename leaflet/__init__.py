"""leaflet: print-ready A5 campaign leaflets, one variant per electoral ward.

The public API: ``build``, ``check_campaign``, ``proof`` and ``approve``, each what the command of
the same name does (the CLI is a thin shell over them), ``build_riso`` (``leaflet build --for
riso``), and ``__version__``.  The package's layers
are described in the README ("How it works").
"""

from importlib import import_module

from leaflet.version import __version__

_HOMES = {  # each name of the API -> its module, imported when the name is first used
    "approve": "leaflet.commands.approve",
    "BuildReport": "leaflet.commands.build",
    "WardResult": "leaflet.commands.build",
    "build": "leaflet.commands.build",
    "CheckReport": "leaflet.commands.check",
    "check_campaign": "leaflet.commands.check",
    "ProofReport": "leaflet.commands.proof",
    "proof": "leaflet.commands.proof",
    "RisoReport": "leaflet.commands.riso",
    "build_riso": "leaflet.commands.riso",
}


def __getattr__(name: str):
    """The API's names are imported on first use, so that ``python -m leaflet build`` loads
    only what building needs (PEP 562)."""
    if name not in _HOMES:
        raise AttributeError(f"module 'leaflet' has no attribute {name!r}")
    value = getattr(import_module(_HOMES[name]), name)
    globals()[name] = value
    return value


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
