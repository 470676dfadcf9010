// Local LinkedIn guest search: infinite scroll over seeMoreJobPostings, then "See more jobs", then the end.
(function () {
  "use strict";
  var body = document.body;
  var list = document.querySelector("ul.jobs-search__results-list");
  var button = document.querySelector("button.infinite-scroller__show-more-button");
  var done = document.querySelector(".see-more-jobs__viewed-all");
  if (!list || !body.dataset.api) return;
  var api = body.dataset.api;
  var autoLoads = parseInt(body.dataset.showMoreAfter || "3", 10);
  var received = list.children.length;
  var loads = 0;
  var busy = false;
  var finished = false;

  function load() {
    if (busy || finished) return;
    busy = true;
    var sep = api.indexOf("?") >= 0 ? "&" : "?";
    fetch(api + sep + "start=" + received, { credentials: "same-origin" })
      .then(function (r) { return r.status === 200 ? r.text() : ""; })
      .then(function (html) {
        var holder = document.createElement("ul");
        holder.innerHTML = html;
        var cards = Array.prototype.slice.call(holder.children);
        cards.forEach(function (li) { list.appendChild(li); });
        received += cards.length;
        loads += 1;
        if (cards.length === 0) {
          finished = true;
          button.hidden = true;
          button.classList.remove("infinite-scroller__show-more-button--visible");
          done.hidden = false;
        } else if (loads >= autoLoads) {
          button.hidden = false;
          button.classList.add("infinite-scroller__show-more-button--visible");
        }
      })
      .finally(function () { busy = false; });
  }

  window.addEventListener("scroll", function () {
    if (finished || loads >= autoLoads) return;
    if (window.innerHeight + window.scrollY >= document.body.scrollHeight - 200) load();
  }, { passive: true });
  button.addEventListener("click", function () { load(); });
  if (body.dataset.late === "1" || received === 0) load();
})();
