"""Small MaxMind-format country databases written for a test (mmdb-writer)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mmdb_writer import MMDBWriter
from netaddr import IPSet


def write_country_mmdb(path: Path, networks: dict[str, dict[str, Any]]) -> Path:
    """``{"8.8.8.0/24": {"country": {"iso_code": "IT"}}, …}`` as an IPv6 ``.mmdb`` holding
    IPv4 too, the layout of GeoLite2-Country and DB-IP's country lite."""
    writer = MMDBWriter(
        ip_version=6, ipv4_compatible=True, database_type="GeoLite2-Country", languages=["en"]
    )
    for network, record in networks.items():
        writer.insert_network(IPSet([network]), record)
    writer.to_db_file(str(path))
    return path
