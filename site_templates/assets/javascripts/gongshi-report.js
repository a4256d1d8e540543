/* gongshi: the credit report (信用报告) and the static check page (信用报告核验).
 *
 * On a report page: fills 数据截至 ([data-gs-asof]) and the current release ([data-gs-release]) from
 * data/releases.json when no other script has, the print time ([data-gs-printed], Beijing time, at load and
 * again just before printing), and shows the print button. On the check page (#gs-check): reads ?code= with
 * &sha256= (the QR code's full hash) or &no= (the report number typed by hand), downloads
 * api/subjects/<code>.json, hashes its raw bytes (crypto.subtle where the page is a secure context, else the
 * vendored js-sha256 loaded on demand) and says 一致 or 已变更 with the date since which the current data hold.
 * Paths are relative to this script (assets/javascripts/ → the site root). Nothing leaves the portal's host;
 * page text is set with textContent only.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var ROOT = new URL("../../", script ? script.src : location.href);
  var FALLBACK = new URL("vendor/js-sha256/sha256.min.js", script ? script.src : location.href);
  var CODE = /^[1-9ANY][0-9A-HJ-NPQRTUWXY]{17}$/;
  var releases = null;

  function loadReleases() {
    if (!releases) {
      releases = fetch(new URL("data/releases.json", ROOT), { cache: "no-cache" })
        .then(function (r) { return r.ok ? r.json() : {}; })
        .catch(function () { return {}; })
        .then(function (data) {
          var dates = {};
          (data.releases || []).forEach(function (r) { dates[r.id] = r.as_of; });
          return { current: data.current || "", dates: dates };
        });
    }
    return releases;
  }

  function asOf(known, release) {
    return known.dates[release] || String(release || "").slice(0, 10);
  }

  function fill(selector, value) {
    document.querySelectorAll(selector).forEach(function (el) {
      if (!el.textContent.trim() && value) el.textContent = value;
    });
  }

  function beijingNow() {
    var parts = {};
    new Intl.DateTimeFormat("zh-CN", {
      timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    }).formatToParts(new Date()).forEach(function (p) { parts[p.type] = p.value; });
    return parts.year + "-" + parts.month + "-" + parts.day + " " + parts.hour + ":" + parts.minute + "（北京时间）";
  }

  function stampPrinted() {
    document.querySelectorAll("[data-gs-printed]").forEach(function (el) { el.textContent = beijingNow(); });
  }

  function setUpReport() {
    stampPrinted();
    window.addEventListener("beforeprint", stampPrinted);
    document.querySelectorAll("[data-gs-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
    if (!document.querySelector("[data-gs-asof], [data-gs-release]")) return;
    loadReleases().then(function (known) {
      fill("[data-gs-asof]", asOf(known, known.current));
      fill("[data-gs-release]", known.current);
      document.documentElement.setAttribute("data-gs-dates", "filled");
    });
  }

  /* ---- hashing ------------------------------------------------------------------------------------------ */

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function loadFallback() {
    return new Promise(function (resolve, reject) {
      if (window.sha256) return resolve(window.sha256);
      var tag = document.createElement("script");
      tag.src = FALLBACK.href;
      tag.onload = function () { return window.sha256 ? resolve(window.sha256) : reject(new Error("js-sha256")); };
      tag.onerror = reject;
      document.head.appendChild(tag);
    });
  }

  function sha256hex(buffer) {
    var subtle = window.crypto && window.crypto.subtle;
    if (subtle && subtle.digest) return subtle.digest("SHA-256", buffer).then(hex);
    return loadFallback().then(function (sha256) { return sha256(new Uint8Array(buffer)); });
  }

  /* ---- the check page ----------------------------------------------------------------------------------- */

  function request() {
    var params = new URLSearchParams(location.search);
    var code = (params.get("code") || "").trim().toUpperCase();
    var full = (params.get("sha256") || "").trim().toLowerCase();
    var number = (params.get("no") || "").trim();
    var typed = /^(\d{4}-\d{2}-\d{2}(?:\.\d{2})?)-([0-9a-fA-F]{16})$/.exec(number);
    return {
      code: code, number: number, given: Boolean(code || full || number),
      full: /^[0-9a-f]{64}$/.test(full) ? full : "",
      release: typed ? typed[1] : "", prefix: typed ? typed[2].toLowerCase() : "",
    };
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function link(text, path) {
    var a = el("a", "", text);
    a.href = new URL(path, ROOT).href;
    return a;
  }

  function show(box, verdict, kind, lines, links) {
    box.textContent = "";
    var head = el("p", "gs-check__verdict gs-check__verdict--" + kind);
    head.appendChild(el("strong", "", verdict));
    box.appendChild(head);
    lines.forEach(function (line) { box.appendChild(el("p", "", line)); });
    if (links && links.length) {
      var p = el("p");
      links.forEach(function (a, i) {
        if (i) p.appendChild(document.createTextNode(" · "));
        p.appendChild(a);
      });
      box.appendChild(p);
    }
  }

  function subjectLinks(code) {
    var shard = code.slice(-2) + "/" + code + ".html";
    return [link("查看当前信用报告", "reports/" + shard), link("查看信用档案", "s/" + shard)];
  }

  function matches(ask, digest, doc) {
    if (ask.full) return digest === ask.full;
    return digest.slice(0, 16) === ask.prefix && doc.release === ask.release;
  }

  function verdict(box, ask, digest, doc, known) {
    var since = asOf(known, doc.release);
    var current = known.current ? "（数据截至 " + asOf(known, known.current) + "）" : "";
    if (matches(ask, digest, doc)) {
      show(box, "一致", "same", [
        "本门户当前公示的" + doc.name + "（" + doc.code + "）信息与该报告相同" + current + "。",
        "数据版本 " + doc.release + "：该主体的公示信息自 " + since + " 起未变。",
      ], subjectLinks(doc.code));
    } else {
      show(box, "已变更", "changed", [
        "该报告出具后，" + doc.name + "（" + doc.code + "）在本门户的公示信息已有变化（增加、更正或停止公示）。",
        "当前公示信息自 " + since + " 起有效，数据版本 " + doc.release + current + "。请以当前信用报告为准。",
      ], subjectLinks(doc.code));
    }
  }

  function gone(box, ask, known) {
    var current = known.current ? "截至 " + asOf(known, known.current) + "，" : "";
    show(box, "已变更", "changed", [
      current + "该主体目前在本门户无公示信息（" + ask.code + "）。",
      "报告中的信息已全部停止公示，例如公示期满、信用修复、撤销或移出名单。",
    ], [link("搜索其他主体", "search/")]);
  }

  function check(box, ask) {
    show(box, "正在核验…", "busy", []);
    var url = new URL("api/subjects/" + ask.code + ".json", ROOT);
    return Promise.all([fetch(url, { cache: "no-store" }), loadReleases()]).then(function (got) {
      var response = got[0], known = got[1];
      if (response.status === 404) return gone(box, ask, known);
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.arrayBuffer().then(function (bytes) {
        return sha256hex(bytes).then(function (digest) {
          var doc = JSON.parse(new TextDecoder("utf-8").decode(bytes));
          verdict(box, ask, digest, doc, known);
        });
      });
    }).catch(function () {
      show(box, "无法核验", "error", ["未能取得或计算该主体的当前数据，请检查网络后重试。"]);
    });
  }

  function setUpCheck(root) {
    var ask = request();
    var box = root.querySelector(".gs-check__result");
    var form = root.querySelector("form");
    if (ask.code) form.elements.code.value = ask.code;
    if (ask.number) form.elements.no.value = ask.number;
    if (!ask.given) return;
    if (!CODE.test(ask.code)) {
      return show(box, "无法核验", "error", ["统一社会信用代码应为 18 位数字或大写字母，请核对后重新输入。"]);
    }
    if (!ask.full && !ask.prefix) {
      return show(box, "无法核验", "error", ["报告编号的格式不对：应为“数据版本-16 位编码”，如 2026-11-20-3f9a0c2e7b1d4a56。"]);
    }
    check(box, ask);
  }

  function start() {
    var root = document.getElementById("gs-check");
    if (root) setUpCheck(root);
    else setUpReport();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
