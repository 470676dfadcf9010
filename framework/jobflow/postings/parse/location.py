"""Locations: a site's text to city/state/country, plus remote and the work model.

Forms (sites/README.md §1-§3): "City, ST", "City, ST 78701" (postal code), "City, Region, Country",
"City, Country", "Country", "Remote", "Remote in Austin, TX", "Hybrid remote in Austin, TX 78701",
"Hybrid work in Berlin", "New York, NY (Hybrid)", "United States (Remote)", metro areas ("San Francisco
Bay Area", "Greater London"). Countries become ISO alpha-2 codes; a US state or Canadian province code
(or full name) as the last part implies its country. Unknown single words stay in ``raw`` only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jobflow.postings.model import Location, WorkModel
from jobflow.postings.parse.text import clean_text

__all__ = ["COUNTRIES", "US_STATES", "ParsedLocation", "country_code", "parse_location"]

US_STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California", "CO": "Colorado",
    "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
    "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts",
    "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico",
    "NY": "New York", "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming", "PR": "Puerto Rico",
}  # fmt: skip
"""US state (and DC, PR) codes to names."""
CA_PROVINCES: dict[str, str] = {
    "AB": "Alberta", "BC": "British Columbia", "MB": "Manitoba", "NB": "New Brunswick",
    "NL": "Newfoundland and Labrador", "NS": "Nova Scotia", "ON": "Ontario", "PE": "Prince Edward Island",
    "QC": "Quebec", "SK": "Saskatchewan",
}  # fmt: skip
COUNTRIES: dict[str, str] = {
    "united states": "US", "united states of america": "US", "usa": "US", "us": "US", "u.s.": "US",
    "canada": "CA", "united kingdom": "GB", "uk": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "germany": "DE", "deutschland": "DE", "france": "FR", "netherlands": "NL", "spain": "ES", "italy": "IT",
    "ireland": "IE", "india": "IN", "australia": "AU", "new zealand": "NZ", "singapore": "SG",
    "switzerland": "CH", "austria": "AT", "sweden": "SE", "norway": "NO", "denmark": "DK", "poland": "PL",
    "portugal": "PT", "belgium": "BE", "japan": "JP", "brazil": "BR", "mexico": "MX",
}  # fmt: skip
"""Country names (lower-case) as the sites write them, to ISO alpha-2 codes."""
METRO_AREAS: dict[str, tuple[str | None, str]] = {
    "san francisco bay area": ("CA", "US"), "greater seattle area": ("WA", "US"),
    "new york city metropolitan area": ("NY", "US"), "greater boston": ("MA", "US"),
    "greater chicago area": ("IL", "US"), "los angeles metropolitan area": ("CA", "US"),
    "greater london": (None, "GB"), "greater toronto area": ("ON", "CA"),
}  # fmt: skip
"""Metro areas LinkedIn shows instead of a city: (state, country); the city stays unknown."""

_STATE_NAMES = {name.lower(): code for code, name in US_STATES.items()}
_PROVINCE_NAMES = {name.lower(): code for code, name in CA_PROVINCES.items()}
_PAREN = re.compile(r"\s*\((remote|hybrid|on-site|onsite|on site)\)\s*$", re.IGNORECASE)
_PREFIX = re.compile(r"^(?:(hybrid)(?: remote| work)?|(remote)|(on-site|onsite))(?: in |: |, |$)", re.IGNORECASE)
_POSTAL = re.compile(r"^(?P<state>[A-Z]{2})\s+(?P<postal>\d{5}(?:-\d{4})?|[A-Z]\d[A-Z] ?\d[A-Z]\d)$")
_WORK = {"remote": WorkModel.REMOTE, "hybrid": WorkModel.HYBRID, "on-site": WorkModel.ONSITE}
_WORK |= {"onsite": WorkModel.ONSITE, "on site": WorkModel.ONSITE}


@dataclass(frozen=True, slots=True)
class ParsedLocation:
    """A parsed location: the place, whether it is remote (``None``: not said) and the work model."""

    location: Location
    is_remote: bool | None
    work_model: WorkModel | None


def country_code(name: str | None) -> str | None:
    """The ISO alpha-2 code for a country name or code the sites use; ``None`` if unknown."""
    key = clean_text(name).lower()
    if key in COUNTRIES:
        return COUNTRIES[key]
    return key.upper() if len(key) == 2 and key.upper() in set(COUNTRIES.values()) else None


def _region(part: str) -> tuple[str | None, str | None, str | None]:
    """``(state, country, postal)`` for a last part such as "TX", "TX 78701", "Texas", "Ontario"."""
    match = _POSTAL.match(part)
    code, postal = (match["state"], match["postal"]) if match else (part, None)
    if code in US_STATES:
        return code, "US", postal
    if code in CA_PROVINCES:
        return code, "CA", postal
    lowered = part.lower()
    if lowered in _STATE_NAMES:
        return _STATE_NAMES[lowered], "US", None
    if lowered in _PROVINCE_NAMES:
        return _PROVINCE_NAMES[lowered], "CA", None
    return None, None, None


def _place(text: str, raw: str) -> Location:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        return Location(raw=raw)
    if len(parts) == 1:
        only = parts[0]
        if (code := country_code(only)) is not None:
            return Location(raw=raw, country=code)
        if only.lower() in METRO_AREAS:
            metro_state, metro_country = METRO_AREAS[only.lower()]
            return Location(raw=raw, state=metro_state, country=metro_country)
        region, region_country, region_postal = _region(only)
        if region is not None:
            return Location(raw=raw, state=region, country=region_country, postal_code=region_postal)
        return Location(raw=raw)
    city, rest = parts[0], parts[1:]
    state, country, postal = _region(rest[-1])
    if state is not None:
        return Location(raw=raw, city=city, state=state, country=country, postal_code=postal)
    country = country_code(rest[-1])
    if country is not None:
        rest = rest[:-1]
    if rest:
        state, implied, postal = _region(rest[-1])
        state = state or rest[-1]
        country = country or implied
    return Location(raw=raw, city=city, state=state, country=country, postal_code=postal)


def parse_location(text: str | None, *, remote: bool | None = None) -> ParsedLocation | None:
    """Parse a location text; ``remote`` is a site's explicit flag (Indeed ``remoteLocation``), if any.

    ``is_remote`` is ``True`` for remote work, ``False`` for hybrid or on-site (or when the flag says so),
    and ``None`` when nothing says.
    """
    raw = clean_text(text)
    if not raw:
        return None
    body = raw
    work: WorkModel | None = None
    paren = _PAREN.search(body)
    if paren:
        work = _WORK[paren.group(1).lower()]
        body = body[: paren.start()]
    prefix = _PREFIX.match(body)
    if prefix:
        work = work or (WorkModel.HYBRID if prefix[1] else WorkModel.REMOTE if prefix[2] else WorkModel.ONSITE)
        body = body[prefix.end() :]
    if work is None and remote:
        work = WorkModel.REMOTE
    is_remote = remote if remote is not None else None
    if work is not None:
        is_remote = work is WorkModel.REMOTE
    return ParsedLocation(_place(body, raw), is_remote, work)
