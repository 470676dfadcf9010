"""A small local job board for the browser-step tests: paged listings, late XHR content, a login form."""

from __future__ import annotations

import json
import threading
from urllib.parse import parse_qs

from jobflow.browser.detect.server import LocalServer, Reply, Request

PAGES = 3
PER_PAGE = 4
TITLES = [f"Engineer {n}" for n in range(1, PAGES * PER_PAGE + 1)]


def _jobs_page(request: Request) -> Reply:
    page = int(parse_qs(request.query).get("page", ["1"])[0])
    items = "".join(
        f'<li class="job"><h2>{TITLES[i]}</h2><a class="link" href="/job/{i + 1}">details</a>'
        f'<span class="co">  Acme\n Corp </span><div class="desc"><b>Remote</b></div></li>'
        for i in range((page - 1) * PER_PAGE, page * PER_PAGE)
    )
    pager = f'<a rel="next" href="/jobs?page={page + 1}">next</a>' if page < PAGES else ""
    return Reply.html(f"<html><head><title>Jobs page {page}</title></head><body><ul>{items}</ul>{pager}</body></html>")


_LATE = """<html><head><title>Late jobs</title></head><body><ul id="list"></ul><script>
setTimeout(() => fetch('/api/jobs').then(r => r.json()).then(jobs => {
  for (const job of jobs) {
    const li = document.createElement('li'); li.className = 'job';
    li.innerHTML = '<h2></h2>'; li.querySelector('h2').textContent = job; document.getElementById('list').append(li);
  }
}), 100);
</script></body></html>"""

_LOGIN = """<html><head><title>Sign in</title></head><body style="margin:0">
<form><input id="user" name="user" style="position:absolute;left:10px;top:10px;width:200px;height:40px">
<input id="password" type="password" name="password"
 style="position:absolute;left:10px;top:80px;width:200px;height:40px;background:#fff;border:0">
</form></body></html>"""


def _late_jobs(_: Request) -> Reply:
    threading.Event().wait(1.0)  # the server is slow: the list fills a second after `load`
    return Reply.json(["Late A", "Late B", "Late C"])


def job_board() -> LocalServer:
    """The board's server (not started): ``/jobs?page=N``, ``/late``, ``/login``, ``/empty``."""
    return LocalServer(
        {
            "/jobs": _jobs_page,
            "/late": lambda _: Reply.html(_LATE),
            "/api/jobs": _late_jobs,
            "/login": lambda _: Reply.html(_LOGIN),
            "/empty": lambda _: Reply.html("<html><head><title>Nothing</title></head><body><p>gone</p></body></html>"),
            "/echo": lambda request: Reply.json(request.headers),
            "/cookie": lambda _: Reply(
                b"{}", content_type="application/json", headers={"Set-Cookie": "sid=s1; Path=/"}
            ),
            "/status": lambda request: Reply.json(json.loads(request.body or b"{}"), 200),
        }
    )
