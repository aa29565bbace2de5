// Warden's one script. Every page works without it (reload to see news);
// with it, the parts of a page marked `data-live` stay current:
//  - data-live="URL": the element's content is replaced by URL's answer
//    (an HTML fragment the server rendered and escaped, like the page);
//  - data-stream="URL": refreshed when the run's event stream (SSE) says
//    something happened; the browser resumes the stream with Last-Event-ID
//    after a drop, and after three failures in a row it polls instead;
//  - data-poll="SECONDS": refreshed every so often (the fallback, and the
//    runs list, which has no stream of its own).
// A fragment that holds data-final="true" (a run that ended) stops both.
// Forms with data-confirm="TEXT" ask before they are sent.
(function () {
  "use strict";

  function refresh(element, done) {
    fetch(element.dataset.live, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        // Sent to sign-in (the session ended): load the page itself, which goes there too, rather than
        // putting a sign-in form inside the live part.
        if (response.redirected) { window.location.reload(); return null; }
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (html) {
        if (html === null) { return; }
        element.innerHTML = html;
        element.setAttribute("data-updated", new Date().toISOString());
        if (done) { done(element.querySelector("[data-final=true]") !== null); }
      })
      .catch(function () { if (done) { done(false); } });
  }

  function poll(element, seconds) {
    var timer = window.setInterval(function () {
      if (document.hidden) { return; }
      refresh(element, function (final) { if (final) { window.clearInterval(timer); } });
    }, Math.max(1, seconds) * 1000);
  }

  function stream(element) {
    if (!window.EventSource) { poll(element, 3); return; }
    var source = new EventSource(element.dataset.stream);
    var failures = 0;
    var pending = null;
    var onEvent = function () {
      failures = 0;
      if (pending !== null) { return; }
      // A burst of events (a batch of hosts finishing) costs one refresh.
      pending = window.setTimeout(function () {
        pending = null;
        refresh(element, function (final) { if (final) { source.close(); } });
      }, 250);
    };
    source.onmessage = onEvent;
    // The journal's kinds (JournalEvent.Kind) and the stream's last event.
    ["step-started", "intent", "process-group", "outcome", "undo", "step-finished", "deadman-arming", "deadman-armed",
      "deadman-disarmed", "deadman-left-armed", "waiting-approval", "approved", "denied", "note"].forEach(function (name) {
      source.addEventListener(name, onEvent);
    });
    source.addEventListener("run-finished", function () {
      source.close();
      refresh(element, null);
    });
    source.onerror = function () {
      failures += 1;
      // Behind a proxy that buffers or cuts streams, polling still works.
      if (failures >= 3) { source.close(); poll(element, 3); }
    };
  }

  function start() {
    var live = document.querySelectorAll("[data-live]");
    for (var i = 0; i < live.length; i++) {
      var element = live[i];
      if (element.querySelector("[data-final=true]") !== null) { continue; }
      if (element.dataset.stream) { stream(element); }
      else if (element.dataset.poll) { poll(element, parseInt(element.dataset.poll, 10) || 5); }
    }
    // On the document, not on each form: a live refresh replaces the forms it holds.
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (form && form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
