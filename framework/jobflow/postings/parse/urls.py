"""URLs: absolute from relative, and canonical (tracking parameters dropped).

:func:`canonical_url` lower-cases scheme and host, drops the fragment and every tracking parameter
(:data:`TRACKING_PARAMS`, ``utm_*``, plus the ``drop`` a caller adds, e.g. :data:`GLASSDOOR_TRACKING`),
and keeps every other parameter in its order: the id-bearing ones (``jk``, ``jl``, ``currentJobId``,
``keywords``) survive. It is idempotent.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

__all__ = [
    "GLASSDOOR_TRACKING",
    "TRACKING_PARAMS",
    "absolute_url",
    "canonical_url",
    "query_param",
    "without_query",
]

TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        # LinkedIn
        "trk", "trkInfo", "refId", "trackingId", "position", "pageNum", "eBP", "lipi", "midToken", "midSig",
        "trackingCode", "originalSubdomain",
        # Indeed
        "from", "vjk", "vjs", "tk", "advn", "adid", "xkcb", "fccid", "xpse", "xfps", "bb", "sjdu",
        # generic
        "gclid", "fbclid", "msclkid", "mc_cid", "mc_eid", "_ga", "_gl", "igshid", "ref_src",
    }
)  # fmt: skip
"""Tracking parameters dropped everywhere (``utm_*`` too, by prefix)."""

GLASSDOOR_TRACKING: frozenset[str] = frozenset(
    {"pos", "ao", "s", "guid", "src", "t", "vt", "jrtk", "cs", "cb", "ea", "uido", "ctt", "cpc", "jobListingId"}
)
"""Glassdoor's extra tracking parameters (short names that mean other things elsewhere)."""


def _is_tracking(name: str, drop: frozenset[str]) -> bool:
    return name in TRACKING_PARAMS or name in drop or name.lower().startswith("utm_")


def absolute_url(href: str, base: str) -> str:
    """``href`` resolved against ``base`` (relative paths, ``//host/...`` and absolute URLs alike)."""
    return urljoin(base, href.strip())


def canonical_url(url: str, base: str | None = None, drop: Iterable[str] = ()) -> str:
    """``url`` made absolute (with ``base``) and canonical, as described in the module docstring."""
    absolute = absolute_url(url, base) if base else url.strip()
    parts = urlsplit(absolute)
    extra = frozenset(drop)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k, extra)]
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal: urlsplit drops the brackets
        host = f"[{host}]"
    netloc = host.lower() + (f":{parts.port}" if parts.port else "")
    if parts.username:
        netloc = f"{parts.username}{':' + parts.password if parts.password else ''}@{netloc}"
    path = quote(parts.path, safe="/%:@!$&'()*+,;=-._~") or ("/" if netloc else "")
    return urlunsplit((parts.scheme.lower(), netloc, path, urlencode(query, quote_via=quote, safe=","), ""))


def query_param(url: str, name: str) -> str | None:
    """The first value of query parameter ``name`` in ``url`` (decoded), or ``None``."""
    return next((v for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True) if k == name), None)


def without_query(url: str) -> str:
    """``url`` without its query and fragment (LinkedIn company links: ``/company/acme?trk=…``)."""
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
