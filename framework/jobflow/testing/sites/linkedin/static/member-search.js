// Local LinkedIn member search: occluded cards filled when scrolled into view, the right pane, pagination.
(function () {
  "use strict";
  var list = document.querySelector("ul.scaffold-layout__list-container");
  var scroller = document.querySelector(".jobs-search-results-list");
  var pane = document.getElementById("job-details-pane");
  if (!list) return;

  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (!entry.isIntersecting) return;
      var template = entry.target.querySelector(":scope > template");
      if (template) {
        entry.target.appendChild(template.content.cloneNode(true));
        template.remove();
      }
      observer.unobserve(entry.target);
    });
  }, { root: scroller, rootMargin: "150px 0px" });

  function watch() {
    list.querySelectorAll("li[data-occludable-job-id]").forEach(function (li) {
      if (li.querySelector(":scope > template")) observer.observe(li);
    });
  }

  function show(jobId) {
    fetch("/jobs/api/member/jobPosting/" + jobId, { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        pane.innerHTML = html;
        var url = new URL(location.href);
        url.searchParams.set("currentJobId", jobId);
        history.replaceState(null, "", url.toString());
      });
  }

  list.addEventListener("click", function (event) {
    var card = event.target.closest("[data-job-id]");
    if (!card) return;
    event.preventDefault();
    show(card.getAttribute("data-job-id"));
  });

  document.querySelectorAll(".artdeco-pagination__pages button[data-start]").forEach(function (b) {
    b.addEventListener("click", function () {
      var url = new URL(location.href);
      url.searchParams.set("start", b.getAttribute("data-start"));
      url.searchParams.delete("currentJobId");
      location.href = url.toString();
    });
  });

  var api = document.body.dataset.api;
  if (api) {
    fetch(api, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
      list.innerHTML = html;
      watch();
      var first = list.querySelector("li[data-occludable-job-id]");
      if (first) show(first.getAttribute("data-occludable-job-id"));
    });
  } else {
    watch();
  }
})();
