"""A local job board for the pool benchmark: realistic job pages, server latency, late XHR content.

``/job?id=N`` answers after 50-300 ms (fixed per page) with a ~10 kB job page: navigation, title, company,
salary, a long description, requirements, similar jobs. On every other page the description and
requirements (``#details``) arrive by XHR from ``/api/job?id=N``, which answers 200-800 ms late; on the
others they are in the HTML. A page is ready when ``#details .description`` is visible.
"""

from __future__ import annotations

import html
import json
import random
import threading
from urllib.parse import parse_qs

from jobflow.browser.detect.server import LocalServer, Reply, Request

__all__ = ["READY_SELECTOR", "job_site", "late_xhr"]

READY_SELECTOR = "#details .description"
_WORDS = ["python", "systems", "team", "product", "reliability", "design", "data", "pipeline", "latency", "scale"]
_STYLE = "body{font:15px/1.5 system-ui;margin:0}header,footer{background:#123;color:#fff;padding:12px}" + "".join(
    f".c{n}{{color:#{n:02x}3{n % 10}{n % 7};margin:{n % 5}px}}" for n in range(60)
)


def _pause(seconds: float) -> None:
    """Server-side latency, in the server's own thread (what a slow job board does)."""
    threading.Event().wait(seconds)


def _rng(job: int, salt: str) -> random.Random:
    return random.Random(f"{salt}-{job}")


def late_xhr(job: int) -> bool:
    """Whether page ``job`` loads its details by XHR (every other page)."""
    return job % 2 == 0


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words)).capitalize() + "."


def _details(job: int) -> str:
    rng = _rng(job, "details")
    paragraphs = "".join(f"<p>{' '.join(_sentence(rng, 14) for _ in range(4))}</p>" for _ in range(5))
    requirements = "".join(f"<li>{_sentence(rng, 8)}</li>" for _ in range(8))
    description = f'<div class="description">{paragraphs}</div>'
    return f'{description}<h3>Requirements</h3><ul class="requirements">{requirements}</ul>'


def _page(job: int) -> str:
    rng = _rng(job, "page")
    title = f"{rng.choice(['Senior', 'Staff', 'Lead', ''])} {rng.choice(['Python', 'Backend', 'Data'])} Engineer"
    nav = "".join(f'<a class="c{n}" href="/section/{n}">Section {n}</a> ' for n in range(20))
    similar = "".join(f'<li><a href="/job?id={(job + n) % 1000}">Similar job {n}</a></li>' for n in range(1, 11))
    details = (
        f'<div id="details" data-job="{job}">loading…</div><script>'
        f"fetch('/api/job?id={job}').then(r => r.json()).then(d => "
        "{document.getElementById('details').innerHTML = d.html;});</script>"
        if late_xhr(job)
        else f'<div id="details">{_details(job)}</div>'
    )
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{html.escape(title)} at Acme {job}</title>"
        f"<style>{_STYLE}</style></head><body><header><svg width=24 height=24><circle cx=12 cy=12 r=10 /></svg>"
        f"<nav>{nav}</nav></header><main class=job><h1 class=title>{html.escape(title)}</h1>"
        f"<p class=company>Acme {job} GmbH</p><p class=location>Berlin (hybrid)</p>"
        f"<p class=salary>€{60 + job % 50}k–€{80 + job % 50}k</p>{details}"
        f"<h3>Similar jobs</h3><ul>{similar}</ul></main><footer>© Acme</footer></body></html>"
    )


def _job(request: Request) -> Reply:
    job = int(parse_qs(request.query).get("id", ["0"])[0])
    _pause(_rng(job, "latency").uniform(0.05, 0.3))
    return Reply.html(_page(job))


def _api(request: Request) -> Reply:
    job = int(parse_qs(request.query).get("id", ["0"])[0])
    _pause(_rng(job, "xhr").uniform(0.2, 0.8))
    return Reply(json.dumps({"html": _details(job)}).encode(), content_type="application/json")


def job_site() -> LocalServer:
    """The board's server, not yet started (use it as a context manager)."""
    return LocalServer({"/job": _job, "/api/job": _api, "/": lambda _: Reply.html("<p>board</p>")})
