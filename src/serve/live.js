// Waymark serve: reloads the page whenever the site is rebuilt. Only `waymark serve`
// adds this script; the built site never contains it.
(function () {
  "use strict";
  var script = document.currentScript;
  var shown = script ? script.getAttribute("data-generation") : null;
  var overlay = document.getElementById("waymark-overlay");
  if (overlay) {
    var hide = overlay.querySelector("button");
    var close = function () {
      overlay.hidden = true;
    };
    if (hide) {
      hide.hidden = false;
      hide.addEventListener("click", close);
    }
    overlay.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        close();
      }
    });
    overlay.focus();
  }
  if (!window.EventSource) {
    return;
  }
  var events = null;
  // The server names the newest build as soon as we connect, so a rebuild that finished
  // while this page was loading (or hidden) is not missed.
  var connect = function () {
    if (events) {
      return;
    }
    var source = new EventSource("/__waymark/events");
    source.addEventListener("generation", function (event) {
      if (event.data !== shown) {
        source.close();
        window.location.reload();
      }
    });
    events = source;
  };
  // Browsers allow only six connections to one server, so hidden tabs let go of theirs
  // and catch up when shown again.
  document.addEventListener("visibilitychange", function () {
    if (document.hidden && events) {
      events.close();
      events = null;
    } else if (!document.hidden) {
      connect();
    }
  });
  if (!document.hidden) {
    connect();
  }
})();
