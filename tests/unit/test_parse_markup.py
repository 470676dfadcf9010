"""The server-HTML reader site plugins use without a browser: tree building and the selector subset."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobflow.postings.parse.markup import parse_markup

PAGE = """<!DOCTYPE html><html><head><title>T &amp; C</title>
<script>window.x = {"a": "</div>"};</script></head><body>
<div id="main" class="pane  wide"><ul data-test="list">
  <li data-test="jobListing" data-jobid="1"><a class="JobCard_jobTitle__ab12c" href="/j?jl=1&amp;pos=1">One</a>
  <li data-test="jobListing" data-jobid="2"><a class="JobCard_jobTitle__ab12c" href="/j?jl=2">Two <b>bold</b></a>
</ul><p>first<p>second<br>line</div>
<section><div class="x"><span data-testid="company-name">Acme</span></div></section>
<button data-test="load-more" hidden>Show more</button><img src="a.png"><input value=1>
</body></html>"""


def test_a_sloppy_document_builds_a_sensible_tree() -> None:
    doc = parse_markup(PAGE)
    assert [li.attr("data-jobid") for li in doc.select("li")] == ["1", "2"], "an unclosed li ends at the next"
    assert [p.text() for p in doc.select("#main p")] == ["first", "secondline"]
    assert doc.select_one("title") is not None
    assert doc.select_one("title").text() == "T & C"  # type: ignore[union-attr]
    script = doc.select_one("script")
    assert script is not None, "script text is kept raw"
    assert script.raw_text() == 'window.x = {"a": "</div>"};', "script text is kept raw"
    assert doc.select_one('a[href^="/j?jl=1"]') is not None, "entities in attributes are decoded"


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ('li[data-test="jobListing"][data-jobid]', 2),
        ("ul > li", 2),
        ("div > li", 0),
        ("#main li a", 2),
        ('[class*="JobCard_jobTitle"]', 2),
        ('[class^="JobCard_"]', 2),
        ('[class$="__ab12c"]', 2),
        ("div.pane.wide", 1),
        ("div.pane.narrow", 0),
        ("[class~=wide]", 1),
        ("section [data-testid=company-name]", 1),
        ("button[hidden]", 1),
        ("li a, span", 3),
        ("*[data-jobid='2']", 1),
        ("img, input", 2),
    ],
)
def test_selectors(selector: str, expected: int) -> None:
    assert len(parse_markup(PAGE).select(selector)) == expected


@pytest.mark.parametrize("selector", ["li:nth-child(2)", "a + b", "li ~ li", "", "a,"])
def test_unsupported_selectors_fail_loudly(selector: str) -> None:
    with pytest.raises(ValueError, match="unsupported selector"):
        parse_markup(PAGE).select(selector)


def test_inner_html_reserialises_markup_and_escapes_text() -> None:
    doc = parse_markup('<div id="d"><p class="x">a &lt;b&gt; &amp; c</p><br><i>i</i></div>')
    node = doc.select_one("#d")
    assert node is not None
    assert node.inner_html() == '<p class="x">a &lt;b&gt; &amp; c</p><br><i>i</i>'


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_any_text_parses_and_its_text_survives(text: str) -> None:
    doc = parse_markup(text)
    assert isinstance(doc.raw_text(), str)
    if "<" not in text and "&" not in text:
        assert doc.raw_text() == text
