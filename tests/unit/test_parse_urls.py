"""URLs: canonical (tracking dropped, idempotent), absolute from relative."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobflow.postings.parse.urls import (
    GLASSDOOR_TRACKING,
    TRACKING_PARAMS,
    absolute_url,
    canonical_url,
    query_param,
    without_query,
)

KEEP = st.sampled_from(["jk", "jl", "currentJobId", "keywords", "q", "l", "start", "id"])
TRACK = st.one_of(
    st.sampled_from(sorted(TRACKING_PARAMS)), st.text("abc", min_size=1, max_size=4).map(lambda s: "utm_" + s)
)
VALUES = st.text(alphabet="abcXYZ0129 -_.~%&=+/?", max_size=8)
HOSTS = st.sampled_from(
    ["https://www.linkedin.com", "https://WWW.Indeed.com", "http://127.0.0.1:8123", "https://[::1]:8080"]
)
PATHS = st.lists(st.text(alphabet="abc-019_~ %", min_size=1, max_size=6), max_size=3).map(lambda p: "/" + "/".join(p))


@st.composite
def urls(draw: st.DrawFn) -> str:
    params = draw(st.lists(st.tuples(st.one_of(KEEP, TRACK), VALUES), max_size=8))
    from urllib.parse import urlencode

    fragment = draw(st.sampled_from(["", "#section"]))
    return f"{draw(HOSTS)}{draw(PATHS)}?{urlencode(params)}{fragment}"


@given(urls())
def test_canonicalisation_is_idempotent(url: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once


@given(urls())
def test_every_tracking_parameter_goes_and_the_others_stay_in_order(url: str) -> None:
    canonical = canonical_url(url)
    before = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    after = parse_qsl(urlsplit(canonical).query, keep_blank_values=True)
    assert not any(k in TRACKING_PARAMS or k.startswith("utm_") for k, _ in after)
    assert after == [(k, v) for k, v in before if k not in TRACKING_PARAMS and not k.startswith("utm_")]
    assert "#" not in canonical


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "https://www.linkedin.com/jobs/view/senior-backend-engineer-at-acme-4012345678?position=1&pageNum=0"
            "&refId=abc%3D%3D&trackingId=x&trk=public_jobs_jserp-result_search-card",
            "https://www.linkedin.com/jobs/view/senior-backend-engineer-at-acme-4012345678",
        ),
        (
            "https://www.indeed.com/viewjob?jk=3c745bd1945cf2f4&from=vjs&tk=1h&vjs=3",
            "https://www.indeed.com/viewjob?jk=3c745bd1945cf2f4",
        ),
        (
            "https://www.indeed.com/jobs?q=python&l=Austin&vjk=3c745bd1945cf2f4&utm_source=x",
            "https://www.indeed.com/jobs?q=python&l=Austin",
        ),
        (
            "HTTPS://WWW.LinkedIn.com/jobs/search/?currentJobId=42&eBP=X#top",
            "https://www.linkedin.com/jobs/search/?currentJobId=42",
        ),
    ],
)
def test_examples(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_glassdoor_extra_tracking_is_opt_in() -> None:
    url = "https://www.glassdoor.com/job-listing/x-JV_KO0,5.htm?jl=1009500000001&pos=101&ao=1110586&s=58&guid=0&t=SR&cs=1_a"
    assert (
        canonical_url(url, drop=GLASSDOOR_TRACKING)
        == "https://www.glassdoor.com/job-listing/x-JV_KO0,5.htm?jl=1009500000001"
    )
    assert "s=58" in canonical_url(url)


def test_relative_urls_become_absolute() -> None:
    base = "http://127.0.0.1:8000/jobs?q=x"
    assert absolute_url("/viewjob?jk=ab", base) == "http://127.0.0.1:8000/viewjob?jk=ab"
    assert absolute_url("//cdn.example/logo.png", base) == "http://cdn.example/logo.png"
    assert canonical_url("/rc/clk?jk=ab&from=serp", base) == "http://127.0.0.1:8000/rc/clk?jk=ab"


def test_helpers() -> None:
    assert query_param("https://x.example/a?url=https%3A%2F%2Fc.example%2Fj&x=1", "url") == "https://c.example/j"
    assert query_param("https://x.example/a", "url") is None
    assert (
        without_query("https://www.linkedin.com/company/acme?trk=public_jobs#x")
        == "https://www.linkedin.com/company/acme"
    )
