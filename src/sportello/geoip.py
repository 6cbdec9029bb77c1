"""The visitor's country from their IP address, offline.

Two sources, one at a time:

- by default the data bundled with the ``geoip2fast`` package (MaxMind GeoLite2 Country,
  IPv4 and IPv6, as of the installed release): about 0.5 s and 75 MiB to load, so it is
  loaded once per process, in a thread, when the first public address needs it (tests and
  a deployment whose visitors all come from private addresses never load it); a lookup
  then takes microseconds and runs inline;
- ``SPORTELLO_GEOIP_DATABASE``: an operator's MaxMind or DB-IP country ``.mmdb`` file
  (``maxminddb``, memory-mapped, opened at start so a bad file stops the server), which
  replaces the bundled data entirely.

Private, loopback, link-local, shared and documentation addresses (anything not globally
routable) give no country without a lookup.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import maxminddb

from sportello.config import ConfigError

log = logging.getLogger(__name__)

Lookup = Callable[[str], str]

BUNDLED_FILE = "geoip2fast-ipv6.dat.gz"
"""geoip2fast's country file with IPv6 (the default one is IPv4 only)."""

_bundled_lock = threading.Lock()
_bundled: Lookup | None = None


def public_address(address: str) -> str | None:
    """The address in its canonical form if it is globally routable, else None."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return None
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    return str(parsed) if parsed.is_global and not parsed.is_multicast else None


def _country_code(value: object) -> str:
    return value.upper() if isinstance(value, str) and len(value) == 2 and value.isalpha() else ""


def bundled_lookup() -> Lookup:
    """geoip2fast's data, loaded once per process (the library keeps it in module globals,
    so there can be only one). Blocking: call it from a thread."""
    global _bundled
    with _bundled_lock:
        if _bundled is None:
            _bundled = _load_bundled()
        return _bundled


def _bundled_or_none() -> Lookup:
    """The bundled data; without it (a broken install) no country from addresses, said once."""
    try:
        return bundled_lookup()
    except Exception:
        log.exception("the bundled IP-to-country data cannot be loaded: countries from locales")
        return lambda address: ""


def _load_bundled() -> Lookup:
    # Importing geoip2fast sets PYTHONWARNINGS and PYTHONIOENCODING for the whole process
    # (and the processes it starts): put them back as they were.
    saved = {name: os.environ.get(name) for name in ("PYTHONWARNINGS", "PYTHONIOENCODING")}
    try:
        import geoip2fast.geoip2fast as library
        from geoip2fast import GeoIP2Fast
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    # It measures its own memory around the load by running `ps` twice: not from a server.
    library.get_mem_usage = lambda: 0.0
    data = GeoIP2Fast(geoip2fast_data_file=BUNDLED_FILE)

    def lookup(address: str) -> str:
        result = data.lookup(address)
        return "" if result.is_private else _country_code(result.country_code)

    return lookup


def database_lookup(path: Path) -> tuple[Lookup, Callable[[], None]]:
    """An ``.mmdb`` file's lookup and its closer; ConfigError if it cannot be read."""
    try:
        reader = maxminddb.open_database(str(path))
    except (OSError, ValueError, maxminddb.InvalidDatabaseError) as exc:
        raise ConfigError(f"SPORTELLO_GEOIP_DATABASE: cannot read {path}: {exc}") from exc

    def lookup(address: str) -> str:
        try:
            record: Any = reader.get(address)
        except (ValueError, maxminddb.InvalidDatabaseError):
            return ""
        if not isinstance(record, dict):
            return ""
        country = record.get("country")
        if isinstance(country, dict) and country.get("iso_code"):
            return _country_code(country["iso_code"])  # MaxMind and DB-IP
        return _country_code(record.get("country_code"))  # flat layouts (ipinfo and others)

    return lookup, reader.close


class IpCountries:
    """``await countries.of(address)``: the ISO 3166 code of its country, or ""."""

    def __init__(self, database: Path | None) -> None:
        self.source = str(database) if database else "geoip2fast"
        self._close: Callable[[], None] = lambda: None
        self._lookup: Lookup | None = None
        if database is not None:
            self._lookup, self._close = database_lookup(database)
        self._loading: asyncio.Future[Lookup] | None = None

    async def of(self, address: str) -> str:
        public = public_address(address)
        if public is None:
            return ""
        lookup = self._lookup or await self._load()
        return lookup(public)

    async def _load(self) -> Lookup:
        if self._loading is None:
            self._loading = asyncio.ensure_future(asyncio.to_thread(_bundled_or_none))
        self._lookup = await asyncio.shield(self._loading)
        return self._lookup

    def close(self) -> None:
        self._close()
