"""Plain-HTTP helpers for the local-site tests: requests without following redirects, embedded JSON."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from typing import Any

MOSAIC = re.compile(r'window\.mosaic\.providerData\["mosaic-provider-jobcards"\]\s*=\s*')
TOKEN = re.compile(r'"token":\s*"([^"]+)"')


@dataclass
class Answer:
    status: int
    body: str
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Client:
    """A urllib client with a cookie jar; redirects are returned, not followed."""

    jar: CookieJar = field(default_factory=CookieJar)

    def request(self, url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> Answer:
        opener = urllib.request.build_opener(_NoRedirect, urllib.request.HTTPCookieProcessor(self.jar))
        request = urllib.request.Request(url, data=data, headers=headers or {})
        try:
            with opener.open(request, timeout=20) as response:
                return Answer(response.status, response.read().decode(), dict(response.headers))
        except urllib.error.HTTPError as exc:
            return Answer(exc.code, exc.read().decode(), dict(exc.headers))

    def get(self, url: str) -> Answer:
        return self.request(url)

    def post_json(self, url: str, value: Any, headers: dict[str, str] | None = None) -> Answer:
        return self.request(url, json.dumps(value).encode(), {"Content-Type": "application/json", **(headers or {})})

    def post_form(self, url: str, form: dict[str, str]) -> Answer:
        from urllib.parse import urlencode

        return self.request(url, urlencode(form).encode(), {"Content-Type": "application/x-www-form-urlencoded"})


def mosaic(html: str) -> dict[str, Any]:
    """Indeed's mosaic provider data, read with ``raw_decode`` (robust to ``};`` inside strings)."""
    match = MOSAIC.search(html)
    assert match, "no mosaic provider data on the page"
    value, _ = json.JSONDecoder().raw_decode(html, match.end())
    return value  # type: ignore[no-any-return]


def mosaic_results(html: str) -> list[dict[str, Any]]:
    return mosaic(html)["metaData"]["mosaicProviderJobCardsModel"]["results"]  # type: ignore[no-any-return]


def search_graph(client: Client, base: str, token: str, page: int, **variables: Any) -> Answer:
    operation = {
        "operationName": "JobSearchResultsQuery",
        "variables": {"keyword": "", "numJobsToShow": 30, "pageNumber": page, **variables},
        "query": "query JobSearchResultsQuery { jobListings { jobListings { jobview } } }",
    }
    return client.post_json(f"{base}/graph", [operation], {"gd-csrf-token": token})
