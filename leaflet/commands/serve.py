"""A campaign folder + an address -> the organisers' and reviewers' web app served (``leaflet
serve``): uvicorn runs ``leaflet.web.app`` by its import string, in one process or several.

Binds to loopback unless told otherwise; on any other address it says that HTTPS belongs in a
reverse proxy in front of it (the app sets Secure cookies when the proxy says the request came
over HTTPS).
"""

from __future__ import annotations

import ipaddress
import logging
import os
from collections.abc import Callable
from pathlib import Path

from leaflet.errors import InputError
from leaflet.read.campaigns import find_campaign_file, load_campaign
from leaflet.runs.approvals import migrate_approvals

APP = "leaflet.web.app:app_from_environment"
CAMPAIGN_VARIABLE = "LEAFLET_SERVE_CAMPAIGN"  # the same name leaflet.web.app reads


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    campaign_dir: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    warn: Callable[[str], None] = print,
) -> None:
    """Serve the campaign until interrupted.  ``workers`` processes share the campaign's
    database; each prepares the run once."""
    import uvicorn  # imported here: only leaflet serve needs the server

    campaign = load_campaign(Path(campaign_dir))
    if not campaign.local.is_open:
        raise InputError(
            find_campaign_file(Path(campaign_dir)),
            "local",
            "opens nothing for a ward to change",
            "add a local: section naming the slots, photos or ward fields organisers may change",
        )
    if not 0 < port < 65536:
        raise InputError(None, "--port", f"must be 1 to 65535, got {port}")
    if workers < 1:
        raise InputError(None, "--workers", f"must be 1 or more, got {workers}")
    if not is_loopback(host):
        warn(
            f"leaflet serve: listening on {host}, beyond this machine: serve it to organisers only through a "
            "reverse proxy that speaks HTTPS (Caddy, nginx), never as plain HTTP over a network"
        )
    note = migrate_approvals(campaign)  # before the workers start: they all see the same sign-offs
    if note:
        warn(f"leaflet: note: {note}")
    os.environ[CAMPAIGN_VARIABLE] = str(campaign.root)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s")
    logging.getLogger("leaflet.serve").setLevel(logging.INFO)  # the app's request log, and only it, at INFO
    uvicorn.run(
        APP,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,  # uvicorn's would log link secrets; the app logs requests without them
        proxy_headers=True,
        server_header=False,
        timeout_graceful_shutdown=5,
    )
