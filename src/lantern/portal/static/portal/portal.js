/* The quick exit, and a visit that keeps one entry in the browser's history.
   Without JavaScript the button is an ordinary link to the neutral site, and every page works. */
(function () {
  "use strict";
  var exit = document.getElementById("quick-exit");
  if (!exit) { return; }

  function leave(event) {
    if (event) { event.preventDefault(); }
    document.documentElement.style.visibility = "hidden";
    // replace(), not assign(): the neutral site takes this page's place in the history.
    window.location.replace(exit.href);
  }

  exit.addEventListener("click", leave);
  // A form shown again with its errors: the summary takes the focus, so a screen reader reads it first.
  var errors = document.getElementById("errors");
  if (errors) { errors.focus(); }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") { leave(event); }
  });

  // Moving between the portal's pages replaces the current history entry instead of adding one, so that after
  // the quick exit the Back button leads past the portal (as far as the browser allows).
  var prefix = location.pathname.split("/").slice(0, 2).join("/") + "/";
  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; }
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || link === exit || link.target || link.origin !== location.origin) { return; }
    if (link.pathname.indexOf(prefix) !== 0 || link.hash && link.pathname === location.pathname) { return; }
    event.preventDefault();
    window.location.replace(link.href);
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.method.toLowerCase() !== "get" || event.defaultPrevented) { return; }
    event.preventDefault();
    var query = new URLSearchParams(new FormData(form)).toString();
    window.location.replace(form.action.split("?")[0] + (query ? "?" + query : ""));
  });
}());
