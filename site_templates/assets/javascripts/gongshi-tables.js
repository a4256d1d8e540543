/* gongshi: makes every data table a phone can scroll sideways usable without a mouse.

   mkdocs-material wraps each table of a page in a scrolling <div class="md-typeset__scrollwrap">. Here each
   such wrapper becomes a named, keyboard-focusable region (tabindex="0", role="region", aria-label from the
   table's caption or the heading above it), and when its table is wider than the screen it gets the class
   gs-scrolls, which shows a visible "左右滑动" cue above it (gongshi.css). Runs after the theme has wrapped
   the tables (its document$ observable) or, without the theme's script, once the page has loaded. */
(function () {
  "use strict";

  function label(wrap) {
    var table = wrap.querySelector("table");
    var caption = table && table.querySelector("caption");
    if (caption && caption.textContent.trim()) {
      return caption.textContent.trim() + "（表格）";
    }
    var node = wrap;
    while (node && node.parentElement && !node.previousElementSibling) {
      node = node.parentElement;
    }
    for (var before = node && node.previousElementSibling; before; before = before.previousElementSibling) {
      if (/^H[1-6]$/.test(before.tagName) || before.tagName === "SUMMARY") {
        return before.textContent.trim() + "（表格）";
      }
    }
    return "数据表格";
  }

  function mark(wrap) {
    wrap.classList.toggle("gs-scrolls", wrap.scrollWidth > wrap.clientWidth + 1);
  }

  function prepare() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
      if (wrap.querySelector(".md-typeset__scrollwrap")) {
        return; /* a wrapper around a wrapper: the inner one scrolls */
      }
      if (!wrap.hasAttribute("tabindex")) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", label(wrap));
      }
      mark(wrap);
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(prepare);
  } else {
    window.addEventListener("load", prepare);
  }
  window.addEventListener("resize", function () {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(mark);
  });
  document.addEventListener("toggle", prepare, true); /* a table inside <details> gets its width when opened */
})();
