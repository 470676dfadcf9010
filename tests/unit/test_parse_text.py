"""Text cleaning: entities, invisible characters, whitespace; idempotent; titles; e-mails."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobflow.postings.parse.text import ZERO_WIDTH, clean_text, clean_title, extract_emails, strip_prefix

MESSY = st.lists(
    st.sampled_from([*"ab &;#<>x1", " ", "\n", "\t", "\xa0", "\u2009", *ZERO_WIDTH, "&amp;", "&nbsp;", "&#8203;"]),
    max_size=40,
).map("".join)


@given(
    st.one_of(
        st.text(max_size=60),
        MESSY,
        st.lists(st.sampled_from(["&amp;", "amp;", "&", "\u200b", "lt;", " "])).map("".join),
    )
)
def test_clean_text_is_idempotent(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once


@given(MESSY)
def test_clean_text_leaves_no_padding_or_invisible_characters(text: str) -> None:
    cleaned = clean_text(text)
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned
    assert not any(ch in cleaned for ch in ZERO_WIDTH + "\xa0\n\t")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("\n        Senior&nbsp;Technical Writer\n      ", "Senior Technical Writer"),
        ("Research &amp; Development Engineer", "Research & Development Engineer"),
        ("R&amp;amp;D", "R&D"),
        ("Denver, CO\u200b\n", "Denver, CO"),
        ("a\u00a0\u2009b", "a b"),
        ("", ""),
        (None, ""),
    ],
)
def test_clean_text_examples(raw: str | None, clean: str) -> None:
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("Forward Deployed Engineer with verification", "Forward Deployed Engineer"),
        ("Senior Software Engineer - job post", "Senior Software Engineer"),
        ("  Data Analyst\n- job post ", "Data Analyst"),
        ("with verification", "with verification"),
    ],
)
def test_clean_title_drops_site_decorations(raw: str, title: str) -> None:
    assert clean_title(raw) == title


def test_strip_prefix_repeats() -> None:
    assert strip_prefix("PostedPosted 3 days ago", "Posted") == "3 days ago"
    assert strip_prefix("EmployerActive 2 days ago", "Employer", "Active") == "2 days ago"


def test_extract_emails_in_order_once_without_trailing_dot() -> None:
    text = "Write to jobs@acme.example. Or HR@acme.example, or jobs@acme.example again."
    assert extract_emails(text) == ["jobs@acme.example", "HR@acme.example"]
    assert extract_emails(None) == []
