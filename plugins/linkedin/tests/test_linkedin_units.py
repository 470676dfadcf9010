"""The LinkedIn plugin's pure parts: the HTML tree, search parameters, walls, job references, answers, profile."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from jobflow.errors import (
    Checkpoint,
    ConfigError,
    DailyLimitReached,
    LoginRequired,
    NetworkError,
    RateLimited,
    SiteChanged,
)
from jobflow.errors import StepError as AnyStepError
from jobflow.postings import ApplicationStatus, JobPosting, WorkModel
from jobflow.postings.parse.markup import parse_markup
from jobflow_linkedin.answers import find_answer, fit, question_key
from jobflow_linkedin.daily import DailyStop
from jobflow_linkedin.pages.fields import FormField
from jobflow_linkedin.pages.guest_search import parse_search_fragment
from jobflow_linkedin.pages.member_search import member_posting
from jobflow_linkedin.pages.posting import parse_posting
from jobflow_linkedin.profile import Profile, load_profile
from jobflow_linkedin.query import SearchParams, guest_search_url, member_search_url, search_parameters
from jobflow_linkedin.refs import resolve
from jobflow_linkedin.walls import check_response

HTML = """<ul><li class="a b" data-x="urn:li:1"><div><span class="c">one &amp; <b>two</b></span></div>
<code id="applyUrl"><!--"https://x.test/?url=https%3A%2F%2Fjobs.test%2F1"--></code><img class="c" data-u="u"></li>
<li class="a"><span class="c">three</span></li></ul>"""


def test_dom_selectors_cover_the_subset_the_plugin_uses() -> None:
    root = parse_markup(HTML)
    assert [n.text() for n in root.select("li.a span.c")] == ["one & two", "three"]
    assert len(root.select("li.a.b")) == 1
    assert len(root.select("ul > li > span.c")) == 1, "child combinator: the first span is inside a div"
    assert len(root.select("[data-x^='urn:li']")) == 1
    assert len(root.select("[data-x*=li]")) == 1
    assert len(root.select("[data-x$='1']")) == 1
    assert len(root.select('[data-x="urn:li:2"]')) == 0
    assert len(root.select("img.c[data-u], code#applyUrl")) == 2
    assert root.select_one("code#applyUrl").all_comments() == ['"https://x.test/?url=https%3A%2F%2Fjobs.test%2F1"']
    assert root.select_one("span.c").inner_html() == "one &amp; <b>two</b>"
    with pytest.raises(ValueError, match="unsupported selector"):
        root.select("li:first-child")


def test_search_parameters_map_every_filter() -> None:
    params = SearchParams.model_validate(
        {
            "keywords": "python", "location": "Austin, TX", "distance": 25, "remote": True, "work_model": "hybrid",
            "job_type": ["fulltime", "contract"], "experience_level": "mid_senior", "posted_within": "24h",
            "easy_apply": True, "sort": "recent",
        }
    )  # fmt: skip
    assert search_parameters(params) == {
        "keywords": "python", "location": "Austin, TX", "distance": "25", "f_WT": "2,3", "f_JT": "F,C",
        "f_E": "4", "f_TPR": "r86400", "f_AL": "true", "sortBy": "DD",
    }  # fmt: skip
    query = {"keywords": "a b"}
    assert guest_search_url("https://li.test/", query, 10).endswith("seeMoreJobPostings/search?keywords=a+b&start=10")
    assert member_search_url("https://li.test", query, 0) == "https://li.test/jobs/search/?keywords=a+b"
    assert member_search_url("https://li.test", query, 2).endswith("&start=50")


def test_blocked_answers_are_typed_errors() -> None:
    with pytest.raises(RateLimited) as throttled:
        check_response(429, "https://li.test/x", {"Retry-After": "60"}, asked="https://li.test/x")
    assert throttled.value.retry_after == timedelta(seconds=60)
    assert "retry after 60s" in str(throttled.value)
    with pytest.raises(RateLimited):
        check_response(999, "https://li.test/x", {}, asked="https://li.test/x")
    with pytest.raises(LoginRequired, match=r"linkedin\.login"):
        check_response(200, "https://li.test/authwall?trk=x", {}, asked="https://li.test/x")
    with pytest.raises(Checkpoint, match="never solves"):
        check_response(200, "https://li.test/checkpoint/challengesV2/AQ", {}, asked="https://li.test/x")
    with pytest.raises(NetworkError):
        check_response(502, "https://li.test/x", {}, asked="https://li.test/x")
    check_response(400, "https://li.test/x", {}, asked="https://li.test/x")  # the end of the results


def test_job_references() -> None:
    posting = JobPosting(site="linkedin", native_id="4012345678", url="u", title="t")
    assert resolve("4012345678").native_id == "4012345678"
    assert resolve(4012345678).native_id == "4012345678"
    assert resolve("https://www.linkedin.com/jobs/view/senior-dev-at-acme-4012345678?trk=x").native_id == "4012345678"
    assert resolve("urn:li:jobPosting:4012345678").native_id == "4012345678"
    assert resolve(posting.model_dump(mode="json")).posting == posting
    assert resolve({"url": "https://www.linkedin.com/jobs/view/4012345678/"}).native_id == "4012345678"
    with pytest.raises(AnyStepError, match="not a LinkedIn job"):
        resolve("https://www.linkedin.com/feed/")
    with pytest.raises(AnyStepError, match="from indeed"):
        resolve(posting.model_copy(update={"site": "indeed"}))


def _field(kind: str, label: str = "Q", options: tuple[str, ...] = ()) -> FormField:
    return FormField(index=0, kind=kind, label=label, required=True, options=options, value="")


def test_answers_come_from_the_bank_then_rules_then_contact_and_must_fit() -> None:
    profile = Profile.model_validate(
        {
            "contact": {"email": "me@x.test", "phone": "5550100", "phone_country": "+49"},
            "answers": {"How many years of Python?": 6, "Do you need a visa?": False},
            "rules": [{"contains": ["years", "experience"], "answer": 3}],
        }
    )
    assert question_key("  How many YEARS of Python ?") == "how many years of python"
    assert find_answer(profile, "How many years of python").value == 6
    assert find_answer(profile, "Years of work experience with Go?").source == "rules"
    assert find_answer(profile, "Phone country code").value == "+49"
    assert find_answer(profile, "Mobile phone number").value == "5550100"
    assert find_answer(profile, "What is the airspeed velocity of an unladen swallow?") is None
    countries = ("United States (+1)", "Germany (+49)")
    assert fit(_field("select", options=countries), "+49") == "Germany (+49)"
    assert fit(_field("radio", options=("Yes", "No")), False) == "No"
    assert fit(_field("select", options=("None", "Conversational")), "No") is None, "never bent to a near option"
    assert fit(_field("numeric"), "6") == "6"
    assert fit(_field("numeric"), "six") is None
    assert fit(_field("checkbox"), "yes") is True
    assert fit(_field("checkbox"), "maybe") is None


def test_profile_loading(tmp_path: Path) -> None:
    (tmp_path / "cv.pdf").write_bytes(b"%PDF")
    path = tmp_path / "profile.yaml"
    path.write_text("contact: {email: me@x.test}\nresume: cv.pdf\nanswers: {'Q?': 'Yes'}\n")
    assert load_profile(path).resume == tmp_path / "cv.pdf"
    path.write_text("resume: missing.pdf\n")
    with pytest.raises(ConfigError, match=r"missing\.pdf does not exist"):
        load_profile(path)
    path.write_text("contact: {emial: me@x.test}\n")
    with pytest.raises(ConfigError, match=r"profile .*contact.emial"):
        load_profile(path)


def test_daily_stop_lasts_the_day(tmp_path: Path) -> None:
    stop = DailyStop(tmp_path)
    stop.check(date(2026, 3, 2))
    stop.mark(date(2026, 3, 2), "limit")
    with pytest.raises(DailyLimitReached, match="resumes tomorrow"):
        stop.check(date(2026, 3, 2))
    stop.check(date(2026, 3, 3))


def test_member_card_values() -> None:
    card = {
        "id": "4460606885", "title": "Forward Deployed Engineer with verification", "titleText": "x",
        "company": " TechNova ", "location": "New York, NY (Hybrid)", "state": " Viewed ",
        "footer": ["Viewed", "Promoted", "Easy Apply"],
    }  # fmt: skip
    posting = member_posting(card, base_url="https://li.test", now=datetime(2026, 3, 2))
    assert posting.title == "Forward Deployed Engineer"
    assert posting.url == "https://li.test/jobs/view/4460606885"
    assert (posting.work_model, posting.is_remote) == (WorkModel.HYBRID, False)
    assert (posting.promoted, posting.easy_apply) == (True, True)
    assert posting.application_status is ApplicationStatus.VIEWED


def test_drifted_markup_is_site_changed_not_empty() -> None:
    now = datetime(2026, 3, 2)
    assert parse_search_fragment("", base_url="https://li.test", now=now) == [], "an empty answer is the end"
    with pytest.raises(SiteChanged, match="no job cards"):
        parse_search_fragment("<li><div class='job-card-v2'>Dev</div></li>", base_url="https://li.test", now=now)
    with pytest.raises(SiteChanged, match="no job id"):
        parse_search_fragment(
            "<li><div data-entity-urn='urn:li:x'><h3 class='base-search-card__title'>Dev</h3></div></li>",
            base_url="https://li.test",
            now=now,
        )
    with pytest.raises(SiteChanged, match="no top card"):
        parse_posting("<main><h1>Dev</h1></main>", native_id="1", base_url="https://li.test", now=now)
    with pytest.raises(SiteChanged, match="no job id"):
        member_posting({"id": "", "title": "Dev", "titleText": "", "company": "", "location": "", "state": "",
                        "footer": []}, base_url="https://li.test", now=now)  # fmt: skip
