// Local Glassdoor search: "Show more jobs" through /graph, the sign-in modal, the detail pane.
(function () {
  "use strict";
  var body = document.body;
  if (!body.dataset.search) return;
  var search = JSON.parse(body.dataset.search);
  var cls = JSON.parse(body.dataset.classes);
  var token = window.__GD__.gdGlobals.token;
  var list = document.querySelector("ul[aria-label='Jobs List']");
  var button = document.querySelector("button[data-test='load-more']");
  var pane = document.getElementById("job-pane");
  var signinAfter = body.dataset.signinAfter === "" ? -1 : parseInt(body.dataset.signinAfter, 10);
  var clicks = 0;
  var count = list ? list.children.length : 0;

  function esc(s) {
    return String(s == null ? "" : s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  function graph(operations) {
    return fetch("/graph", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "gd-csrf-token": token },
      body: JSON.stringify(operations)
    }).then(function (r) { return r.json(); });
  }

  function card(view) {
    var h = view.header, id = view.job.listingId;
    count += 1;
    var salary = "";
    if (h.salaryText) {
      var at = h.salaryText.indexOf(" (");
      var main = at >= 0 ? h.salaryText.slice(0, at) : h.salaryText;
      var suffix = at >= 0 ? " <span>" + esc(h.salaryText.slice(at + 1)) + "</span>" : "";
      salary = "<div class=\"" + cls.JobCard_salaryEstimate + "\" data-test=\"detailSalary\">" + esc(main) + suffix + "</div>";
    }
    var skills = h.skills && h.skills.length ? "<div><b>Skills:</b> " + esc(h.skills.join(", ")) + "</div>" : "";
    var logo = view.overview.squareLogoUrl ? "<img src=\"" + esc(view.overview.squareLogoUrl) + "\" alt=\"" + esc(h.employerNameFromSearch) + " Logo\">" : "";
    return "<li class=\"" + cls.JobsList_jobListItem + " JobsList_outlined\" data-test=\"jobListing\" data-jobid=\"" + id + "\"><div class=\"" + cls.JobCard_jobCardContainer + "\">" +
      "<div class=\"JobCard_employerLogo\">" + logo + "</div><div class=\"EmployerProfile_profileContainer\"><span class=\"" + cls.EmployerProfile_compactEmployerName + "\">" + esc(h.employerNameFromSearch) + "</span>" +
      (h.rating ? "<span class=\"" + cls["rating-single-star_RatingText"] + "\">" + h.rating + "</span>" : "") + "</div>" +
      "<a class=\"" + cls.JobCard_jobTitle + "\" data-test=\"job-title\" id=\"job-title-" + id + "\" href=\"" + esc(h.jobLink) + "&pos=" + count + "\">" + esc(h.jobTitleText) + "</a>" +
      "<div class=\"" + cls.JobCard_location + "\" data-test=\"emp-location\">" + esc(h.locationName) + "</div>" + salary +
      "<div class=\"" + cls.JobCard_jobDescriptionSnippet + "\" data-test=\"descSnippet\"><div>" + esc(h.snippet) + "</div>" + skills + "</div>" +
      "<div class=\"" + cls.JobCard_listingAge + "\" data-test=\"job-age\">" + esc(h.ageText) + "</div>" +
      (h.easyApply ? "<div class=\"" + cls.JobCard_easyApplyTag + "\">Easy Apply</div>" : "") + "</div></li>";
  }

  function signIn() {
    if (document.querySelector("[data-test='authModalContainerV2-content']")) return;
    var overlay = document.createElement("div");
    overlay.className = cls.modal_Modal;
    overlay.setAttribute("data-test", "authModalContainerV2-content");
    overlay.setAttribute("role", "dialog");
    overlay.style.cssText = "position:fixed;inset:0;background:rgba(0,0,0,.5);z-index:1000";
    overlay.innerHTML = "<div style=\"background:#fff;margin:10% auto;width:420px;padding:16px\"><button data-test=\"auth-modal-close-button\" aria-label=\"Cancel\" type=\"button\">×</button>" +
      "<h2>Never miss an opportunity</h2><p>Sign in to see more jobs and salaries.</p><input type=\"email\" placeholder=\"Email address\"></div>";
    document.body.appendChild(overlay);
    overlay.querySelector("[data-test='auth-modal-close-button']").addEventListener("click", function () { overlay.remove(); });
  }

  function loadMore() {
    if (!button || button.dataset.loading === "true") return;
    button.dataset.loading = "true";
    graph([{ operationName: "JobSearchResultsQuery", variables: {
      excludeJobListingIds: [], keyword: search.keyword, locationKeyword: search.locationKeyword, numJobsToShow: 30,
      filterParams: search.filterParams, sort: search.sort, pageNumber: search.nextPage, pageCursor: "AB4AAY" + search.nextPage
    }, query: "query JobSearchResultsQuery { jobListings { jobListings { jobview } paginationCursors totalJobsCount } }" }])
      .then(function (answer) {
        var listings = answer[0].data.jobListings;
        list.insertAdjacentHTML("beforeend", listings.jobListings.map(function (l) { return card(l.jobview); }).join(""));
        search.nextPage += 1;
        var more = listings.paginationCursors.some(function (c) { return c.pageNumber === search.nextPage; });
        button.hidden = !more;
      })
      .finally(function () { button.dataset.loading = "false"; });
  }

  if (button) {
    button.addEventListener("click", function () {
      clicks += 1;
      loadMore();
      if (signinAfter >= 0 && clicks >= signinAfter) signIn();
    });
  }
  if (list) {
    list.addEventListener("click", function (event) {
      var item = event.target.closest("li[data-jobid]");
      if (!item || !pane) return;
      event.preventDefault();
      graph([{ operationName: "JobDetailQuery", variables: { jl: parseInt(item.dataset.jobid, 10), queryString: "q", pageTypeEnum: "SERP" },
        query: "query JobDetailQuery($jl: Long!) { jobview: jobView(listingId: $jl) { job { description } } }" }])
        .then(function (answer) {
          var view = answer[0].data.jobview;
          pane.innerHTML = "<header data-test=\"job-details-header\"><div class=\"" + cls.EmployerProfile_employerNameHeading + "\"><h4>" + esc(view.header.employerNameFromSearch) +
            "</h4></div><h1 id=\"jd-job-title-" + view.job.listingId + "\">" + esc(view.header.jobTitleText) + "</h1>" +
            (view.header.easyApply ? "<button data-test=\"easyApply\">Easy Apply</button>" : "<a data-test=\"applyButton\" href=\"#\">Apply on employer site</a>") +
            "</header><div class=\"" + cls.JobDetails_jobDescription + "\">" + view.job.description + "</div><button data-test=\"show-more-cta\">Show more</button>";
        });
    });
  }
  if (signinAfter === 0) signIn();
  if (search.nextPage === 1 && list) loadMore();
})();
