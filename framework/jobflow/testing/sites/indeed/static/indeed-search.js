// Local Indeed search: clicking a card loads the right pane from /viewjob?viewtype=embedded (JSON).
(function () {
  "use strict";
  var pane = document.getElementById("vjs-container");
  if (!pane) return;

  function esc(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function show(jk) {
    pane.setAttribute("data-loading", "true");
    fetch("/viewjob?viewtype=embedded&jk=" + encodeURIComponent(jk) + "&spa=1", { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var model = data.body.jobInfoWrapperModel.jobInfoModel;
        var header = model.jobInfoHeaderModel;
        pane.innerHTML = "<div class=\"jobsearch-JobComponent\" data-jk=\"" + esc(jk) + "\"><h2 class=\"jobsearch-JobInfoHeader-title\" data-testid=\"jobsearch-JobInfoHeader-title\"><span>" +
          esc(header.jobTitle) + "</span></h2><div data-testid=\"inlineHeader-companyName\">" + esc(header.companyName) +
          "</div><div data-testid=\"inlineHeader-companyLocation\">" + esc(header.formattedLocation) +
          "</div><div id=\"jobDescriptionText\" class=\"jobsearch-JobComponent-description\">" + model.sanitizedJobDescription + "</div></div>";
        pane.removeAttribute("data-loading");
        var url = new URL(location.href);
        url.searchParams.set("vjk", jk);
        history.replaceState(null, "", url.toString());
      });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-jk]");
    if (!link) return;
    event.preventDefault();
    show(link.getAttribute("data-jk"));
  });
  if (pane.getAttribute("data-vjk")) show(pane.getAttribute("data-vjk"));
})();
