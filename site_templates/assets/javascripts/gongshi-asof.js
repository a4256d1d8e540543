/* gongshi: the "数据截至 … · 发布版本 …" line of every page, filled in the browser so that no page has to be
   rendered again when only the date of the data changes.

   Reads data/releases.json (same site, beside this file's site root: assets/javascripts/ → ../../) and writes
   the current release's as-of date into every [data-gs-asof] element and its ID into every [data-gs-release]
   element, then shows the elements marked [data-gs-known] (hidden until then, so a page never shows an empty
   "数据截至"). Without JavaScript the shell's <noscript> link to the release history stands in. Nothing is
   loaded from another host. Other scripts may listen for the "gongshi:release" event ({id, as_of}). */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.fetch) {
    return;
  }
  var root = new URL("../../", script.src);

  function fill(selector, text) {
    document.querySelectorAll(selector).forEach(function (element) {
      element.textContent = text;
    });
  }

  function show(release) {
    fill("[data-gs-asof]", release.as_of);
    fill("[data-gs-release]", release.id);
    document.querySelectorAll("[data-gs-known]").forEach(function (element) {
      element.hidden = false;
    });
    document.dispatchEvent(new CustomEvent("gongshi:release", { detail: { id: release.id, as_of: release.as_of } }));
  }

  function current(history) {
    var releases = history.releases || [];
    for (var i = 0; i < releases.length; i += 1) {
      if (releases[i].id === history.current) {
        return releases[i];
      }
    }
    return null;
  }

  fetch(new URL("data/releases.json", root).href, { cache: "no-cache" })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("releases.json: HTTP " + response.status);
      }
      return response.json();
    })
    .then(function (history) {
      var release = current(history);
      if (release && release.as_of && release.id) {
        show(release);
      }
    })
    .catch(function () {
      /* the line stays hidden; the release history page still says it */
    });
})();
