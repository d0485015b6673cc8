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

  function typingIn(element) {
    if (!element || !element.tagName) { return false; }
    var tag = element.tagName.toLowerCase();
    if (tag === "textarea" || tag === "select" || element.isContentEditable) { return true; }
    return tag === "input" && ["button", "submit", "reset", "checkbox", "radio", "image"].indexOf(element.type) < 0;
  }

  exit.addEventListener("click", leave);
  // A form shown again with its errors: the summary takes the focus, so a screen reader reads it first.
  var errors = document.getElementById("errors");
  if (errors) { errors.focus(); }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" && event.key !== "Esc") { return; }
    // In a text field, the first Escape only leaves the field (what was typed stays); the next one exits. An
    // Escape that closes an open list of choices is the browser's own and never reaches here as a second one.
    if (typingIn(event.target)) {
      event.preventDefault();
      event.target.blur();
      return;
    }
    leave(event);
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
    if (event.defaultPrevented) { return; }
    if (form.method.toLowerCase() === "get") {
      event.preventDefault();
      var query = new URLSearchParams(new FormData(form)).toString();
      window.location.replace(form.action.split("?")[0] + (query ? "?" + query : ""));
      return;
    }
    // A form sent by POST (the call-back request) would add an entry that Back returns to after the quick exit:
    // it is sent in the background instead, and its answer drawn in place of this page, in the same entry.
    if (!window.fetch || !window.URLSearchParams) { return; }
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    fetch(form.action.split("#")[0], {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      credentials: "same-origin",
      cache: "no-store",
      redirect: "follow"
    }).then(function (response) {
      return response.text();
    }).then(function (html) {
      // document.open() keeps the history entry (and drops this page's listeners); the answer's own script
      // runs again and sets everything up for it.
      document.open();
      document.write(html);
      document.close();
    }).catch(function () {
      if (button) { button.disabled = false; }
      form.submit();  // the ordinary way, rather than nothing
    });
  });
}());
