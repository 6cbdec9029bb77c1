"""The visitor's country from their address: the bundled data, an operator's .mmdb that
replaces it, no lookup for private addresses, and the locale as the fallback."""

from __future__ import annotations

from pathlib import Path

import pytest

from sportello.config import ConfigError, load_settings
from sportello.domain.locales import visitor_country
from sportello.geoip import IpCountries, bundled_lookup, public_address
from tests.support.mmdb import write_country_mmdb

PRIVATE = [
    "10.1.2.3",
    "192.168.1.10",
    "127.0.0.1",
    "::1",
    "fe80::1",
    "fd00::1",
    "100.64.0.1",  # carrier-grade NAT
    "203.0.113.9",  # documentation
    "::ffff:192.168.1.10",
    "garbage",
    "",
]


@pytest.mark.parametrize("address", PRIVATE)
def test_addresses_that_are_not_public_give_no_country_and_load_nothing(address: str) -> None:
    assert public_address(address) is None


async def test_the_bundled_data_knows_public_addresses_v4_and_v6() -> None:
    countries = IpCountries(None)
    assert await countries.of("8.8.8.8") == "US"
    assert await countries.of("2001:4860:4860::8888") == "US"
    assert await countries.of("::ffff:8.8.8.8") == "US"
    assert await countries.of("1.1.1.1") == "AU"
    for address in PRIVATE:
        assert await countries.of(address) == ""
    lookup = bundled_lookup()
    assert lookup("8.8.8.8") == "US"
    assert lookup("10.0.0.1") == ""  # the library's own private answer ("--") is no country


async def test_an_operator_database_replaces_the_bundled_data(tmp_path: Path) -> None:
    path = write_country_mmdb(
        tmp_path / "countries.mmdb",
        {
            "8.8.8.0/24": {"country": {"iso_code": "IT"}, "continent": {"code": "EU"}},
            "2001:4860::/32": {"country": {"iso_code": "de"}},
            "1.1.1.0/24": {"country_code": "FR"},  # a flat layout
            "9.9.9.0/24": {"registered_country": {"iso_code": "CH"}},
            "4.4.4.0/24": {"country": {"iso_code": "EUROPE"}},
        },
    )
    countries = IpCountries(load_settings(geoip_database=path, secret_key="k").geoip_database)
    try:
        assert await countries.of("8.8.8.8") == "IT"
        assert await countries.of("2001:4860:4860::8888") == "DE"
        assert await countries.of("1.1.1.1") == "FR"
        assert await countries.of("9.9.9.9") == ""  # no country of its own
        assert await countries.of("4.4.4.4") == ""  # not an ISO code
        assert await countries.of("5.5.5.5") == ""  # not in the file: not the bundled data
        assert await countries.of("192.168.1.1") == ""
    finally:
        countries.close()


def test_a_missing_or_unreadable_database_stops_the_start(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="geoip_database"):
        load_settings(geoip_database=tmp_path / "absent.mmdb", secret_key="k")
    broken = tmp_path / "broken.mmdb"
    broken.write_bytes(b"not a MaxMind database")
    with pytest.raises(ConfigError, match="SPORTELLO_GEOIP_DATABASE: cannot read"):
        IpCountries(broken)


@pytest.mark.parametrize(
    ("given", "from_address", "locale", "expected"),
    [
        ("", "US", "it-IT", ("US", "ip")),
        ("", "", "it-IT", ("IT", "locale")),
        ("", "", "it", ("", "")),
        ("ch", "US", "it-IT", ("CH", "")),  # what the request says wins
    ],
)
def test_visitor_country(
    given: str, from_address: str, locale: str, expected: tuple[str, str]
) -> None:
    assert visitor_country(given, from_address, locale) == expected
