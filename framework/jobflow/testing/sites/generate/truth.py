"""The ground truth of the local sites: companies, titles, places, pay, ages and descriptions.

Everything is drawn from one seeded :class:`random.Random`, so the data files are reproducible. A
description is kept as blocks and rendered three ways: the canonical HTML a correct cleaner produces,
its Markdown, and a messy site version (attributes, indentation, entities, ``&nbsp;``, zero-width spaces).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape

from jobflow.postings.model import JobType, WorkModel

__all__ = [
    "COMPANIES",
    "REFERENCE_NOW",
    "Description",
    "Place",
    "pick_age",
    "pick_description",
    "pick_title",
    "slug",
]

REFERENCE_NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
"""The moment the local sites' relative dates were written at; inject it as ``now`` to get exact dates."""

COMPANIES = [
    "Acme Robotics", "Brightline Health", "Northwind Traders", "Globex", "Initech", "Umbrella Labs",
    "Stark Logistics", "Wayne & Partners", "Hooli", "Pied Piper", "Cyberdyne Systems", "Soylent Foods",
    "Vandelay Industries", "Tyrell Corp", "Wonka Confections", "Massive Dynamic", "Aperture Science",
    "Black Mesa Research", "Dunder Mifflin", "Prestige Worldwide", "Monsters, Inc.", "Sterling Cooper",
    "Bluth Company", "Nakatomi Trading", "Weyland-Yutani", "Gekko & Co", "Los Pollos Hermanos", "Oscorp",
]  # fmt: skip
ROLES = [
    ("Backend Engineer", "Engineering"), ("Software Engineer", "Engineering"), ("Data Scientist", "Data"),
    ("Frontend Developer (React)", "Engineering"), ("DevOps Engineer", "Engineering"),
    ("Machine Learning Engineer", "Data"), ("Product Manager", "Product"), ("QA Automation Engineer", "Quality"),
    ("Site Reliability Engineer", "Engineering"), ("Data Analyst", "Data"), ("Python Developer", "Engineering"),
    ("Full Stack Engineer", "Engineering"), ("Research & Development Engineer", "Research"),
    ("iOS Developer", "Engineering"), ("Security Engineer – Cloud", "Security"), ("Technical Writer", "Writing"),
    ("Customer Success Manager", "Sales"), ("UX Designer", "Design"),
]  # fmt: skip
LEVELS = [
    ("", "Mid-Senior level", 4), ("Senior ", "Mid-Senior level", 4), ("Junior ", "Entry level", 2),
    ("Staff ", "Director", 5), ("Lead ", "Mid-Senior level", 4), ("Associate ", "Associate", 3),
    ("Intern – ", "Internship", 1),
]  # fmt: skip
JOB_TYPES = [
    JobType.FULLTIME, JobType.FULLTIME, JobType.FULLTIME, JobType.PARTTIME, JobType.CONTRACT,
    JobType.TEMPORARY, JobType.INTERNSHIP,
]  # fmt: skip
WORK_MODELS = [WorkModel.ONSITE, WorkModel.ONSITE, WorkModel.REMOTE, WorkModel.HYBRID]


@dataclass(frozen=True)
class Place:
    """A place's truth. ``region`` is the written region name where the site spells it out."""

    city: str | None
    state: str | None
    country: str
    postal: str | None = None
    region: str | None = None


US_PLACES = [
    Place("San Francisco", "CA", "US", "94105"), Place("New York", "NY", "US", "10001"),
    Place("Austin", "TX", "US", "78701"), Place("Seattle", "WA", "US", "98101"),
    Place("Boston", "MA", "US", "02110"), Place("Chicago", "IL", "US", "60601"),
    Place("Denver", "CO", "US", "80202"), Place("Atlanta", "GA", "US", "30303"),
    Place("Indianapolis", "IN", "US", "46204"), Place("Portland", "OR", "US", "97201"),
]  # fmt: skip
ABROAD = {
    "GBP": Place("London", "England", "GB", region="England"),
    "EUR": Place("Berlin", "Berlin", "DE", region="Berlin"),
    "INR": Place("Bengaluru", "Karnataka", "IN", region="Karnataka"),
    "CAD": Place("Toronto", "ON", "CA", region="Ontario"),
    "AUD": Place("Sydney", "New South Wales", "AU", region="New South Wales"),
}
COUNTRY_NAMES = {"US": "United States", "GB": "United Kingdom", "DE": "Germany", "IN": "India", "CA": "Canada"}
COUNTRY_NAMES["AU"] = "Australia"


def slug(text: str) -> str:
    """A URL slug: lower-case words joined by ``-``."""
    out = "".join(ch.lower() if ch.isalnum() else " " for ch in text)
    return "-".join(out.split())


def pick_title(rng: random.Random) -> tuple[str, str, str, int]:
    """``(title, job function, seniority label, LinkedIn experience code)``."""
    role, function = rng.choice(ROLES)
    prefix, level, code = rng.choice(LEVELS)
    return prefix + role, function, level, code


def pick_age(rng: random.Random, now: datetime = REFERENCE_NOW) -> datetime:
    """A posting time whose relative text is exact on every site (whole hours, days, weeks, months)."""
    kind = rng.random()
    if kind < 0.08:
        return now - timedelta(minutes=rng.randint(5, 55))
    if kind < 0.22:
        return now - timedelta(hours=rng.choice([2, 5, 9, 13, 18, 23]))
    if kind < 0.7:
        return now - timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 3))
    if kind < 0.88:
        return now - timedelta(days=rng.choice([7, 14, 21]))
    return now - timedelta(days=rng.choice([30, 60]))


@dataclass(frozen=True)
class Description:
    """Description blocks: ``("p", text)``, ``("pb", heading)`` (a bold lead-in line), ``("ul", items)``."""

    blocks: tuple[tuple[str, str | tuple[str, ...]], ...]
    emails: tuple[str, ...]

    def canonical_html(self) -> str:
        out = []
        for kind, body in self.blocks:
            if kind == "ul":
                out.append("<ul>" + "".join(f"<li>{escape(i, quote=False)}</li>" for i in body) + "</ul>")
            elif kind == "pb":
                out.append(f"<p><strong>{escape(str(body), quote=False)}</strong></p>")
            else:
                out.append(f"<p>{escape(str(body), quote=False)}</p>")
        return "".join(out)

    def markdown(self) -> str:
        out = []
        for kind, body in self.blocks:
            if kind == "ul":
                out.append("\n".join(f"- {item}" for item in body))
            else:
                out.append(f"**{body}**" if kind == "pb" else str(body))
        return "\n\n".join(out)

    def messy_html(self, rng: random.Random, *, bold: str = "strong") -> str:
        """The site's markup: attributes, indentation, entities, ``&nbsp;`` and zero-width spaces."""
        lines = []
        for kind, body in self.blocks:
            if kind == "ul":
                items = "".join(f'\n      <li class="x{rng.randint(1, 9)}">  {_messy(i, rng)} </li>' for i in body)
                lines.append(f"\n    <ul>{items}\n    </ul>")
            elif kind == "pb":
                lines.append(f'\n    <p><{bold} style="font-weight:600">{_messy(str(body), rng)}</{bold}></p>')
            else:
                lines.append(f'\n    <p dir="ltr">\n      {_messy(str(body), rng)}\n    </p>')
        return "".join(lines) + "\n  "


def _messy(text: str, rng: random.Random) -> str:
    escaped = escape(text, quote=False)
    words = escaped.split(" ")
    if len(words) > 3 and rng.random() < 0.5:
        spot = rng.randrange(1, len(words))
        words[spot - 1] += rng.choice(["&nbsp;", "  ", "\u200b ", " \n   "])
        return " ".join(words).replace("&nbsp; ", "&nbsp;").replace("\u200b  ", "\u200b ")
    return escaped


RESPONSIBILITIES = [
    "Design, build and run services used by millions of people", "Own features from idea to production",
    "Review code & mentor other engineers", "Work with product, design and data teams",
    "Improve reliability, latency and cost", "Write clear documentation and runbooks",
    "Take part in a fair on-call rotation", "Ship small changes often",
]  # fmt: skip
REQUIREMENTS = [
    "3+ years of professional experience", "Strong Python or Go skills", "Experience with SQL databases",
    "Comfortable with Linux, containers and CI", "Clear written communication", "A degree or equivalent experience",
    "Curiosity about how things work", "Experience with AWS, GCP or Azure",
]  # fmt: skip


def pick_description(rng: random.Random, title: str, company: str | None) -> Description:
    """A description with an intro, responsibilities, requirements and sometimes a contact e-mail."""
    who = company or "Our client"
    blocks: list[tuple[str, str | tuple[str, ...]]] = [
        ("p", f"{who} is hiring a {title} to join a small team that ships every week. Salary & benefits are "
              f"competitive <and> transparent."),
        ("pb", "What you will do"),
        ("ul", tuple(rng.sample(RESPONSIBILITIES, rng.randint(3, 5)))),
        ("pb", "What you bring"),
        ("ul", tuple(rng.sample(REQUIREMENTS, rng.randint(3, 5)))),
    ]  # fmt: skip
    emails: tuple[str, ...] = ()
    if rng.random() < 0.3:
        address = f"jobs@{slug(who).replace('-', '')}.example"
        emails = (address,)
        blocks.append(("p", f"Questions? Write to {address}."))
    return Description(tuple(blocks), emails)
