// Waymark serve: reloads the page whenever the site is rebuilt. Only `waymark serve`
// adds this script; the built site never contains it.
(function () {
  "use strict";
  var script = document.currentScript;
  var shown = script ? script.getAttribute("data-generation") : null;
  var overlay = document.getElementById("waymark-overlay");
  if (overlay) {
    var hide = overlay.querySelector("button");
    if (hide) {
      hide.hidden = false;
      hide.addEventListener("click", function () {
        overlay.hidden = true;
      });
    }
    overlay.focus();
  }
  if (!window.EventSource) {
    return;
  }
  var events = new EventSource("/__waymark/events");
  // The server names the newest build as soon as we connect, so a rebuild that finished
  // while this page was loading is not missed.
  events.addEventListener("generation", function (event) {
    if (event.data !== shown) {
      events.close();
      window.location.reload();
    }
  });
})();
