// Progressive enhancement for a job's page: while the work runs, fetch the page again every
// second and a half and swap in its #job part (the part is aria-live, so a screen reader hears
// each step). Without script the page has a "Check again" link.
(function () {
  "use strict";
  function poll() {
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (answer) { return answer.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("job");
        var shown = document.getElementById("job");
        if (!fresh || !shown) { return; }
        shown.replaceWith(fresh);
        if (fresh.dataset.status === "running") { window.setTimeout(poll, 1500); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1500);
})();
