"""The shared parsers every site plugin uses: text, HTML, dates, salaries, locations and URLs.

One module each; all are pure functions (relative dates take an injected ``now``).
"""

from __future__ import annotations

from jobflow.postings.parse.dates import (
    PostedDate,
    date_from_age_days,
    date_from_epoch_ms,
    parse_iso_date,
    parse_posted,
)
from jobflow.postings.parse.html import clean_html, html_to_markdown, html_to_text
from jobflow.postings.parse.location import ParsedLocation, country_code, parse_location
from jobflow.postings.parse.salary import (
    annual_amount,
    annualize,
    currency_of_symbol,
    infer_interval,
    parse_interval,
    parse_salary,
    salary_from_range,
)
from jobflow.postings.parse.text import clean_text, clean_title, extract_emails, strip_prefix
from jobflow.postings.parse.urls import absolute_url, canonical_url, query_param, without_query

__all__ = [
    "ParsedLocation",
    "PostedDate",
    "absolute_url",
    "annual_amount",
    "annualize",
    "canonical_url",
    "clean_html",
    "clean_text",
    "clean_title",
    "country_code",
    "currency_of_symbol",
    "date_from_age_days",
    "date_from_epoch_ms",
    "extract_emails",
    "html_to_markdown",
    "html_to_text",
    "infer_interval",
    "parse_interval",
    "parse_iso_date",
    "parse_location",
    "parse_posted",
    "parse_salary",
    "query_param",
    "salary_from_range",
    "strip_prefix",
    "without_query",
]
