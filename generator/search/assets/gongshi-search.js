/*
 * gongshi subject search (信用主体查询) — plain JavaScript, no third-party code, nothing loaded from another host.
 *
 * Reads the static index that generator/search writes under search-index/ (format 2, see generator/search/_files.py)
 * and fetches only what a query needs: meta.json, the posting shards of the query's selective bigrams (four at a
 * time, more only while the matches are too many to show), or the code directory for a 统一社会信用代码, and the
 * document chunks of the results shown.
 * The text rules (normalise, bigrams, FNV-1a shard hash, posting encoding) are twins of generator/search/_text.py.
 * Progressive: reads ?q= on load; typing in the search box updates the results and the address.
 * A result shows the lists the subject is on now as text badges (class gs-badge gs-badge--<list type>, as on the
 * credit archive), its current credit grade when the grade scale gives it a badge (gs-badge--grade-<tone>), and its
 * public records counted by kind; natural persons have no page of their own, so entries of
 * the same name are grouped and each record shows its masked ID, authority, date and 事由. "Nothing found" says what
 * the portal covers and as of when (data-asof on the host element, else data/releases.json) and links to the
 * national 信用中国 search (a plain link: nothing is loaded from another host).
 */
(function () {
  "use strict";

  var SMALL = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_";
  var UNKNOWN = SMALL.length - 1; // a position of 63 means "63 or more": not checked here, checked on the name
  var USCC = /^[0-9A-HJ-NPQRTUWXY]+$/;
  var MAX_GRAMS = 4;
  var KIND = { o: "法人及非法人组织", i: "个体工商户", p: "自然人" };
  var WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]; // GB 32100-2015 check character
  var CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  var NATIONAL = "https://www.creditchina.gov.cn/";
  var host = document.getElementById("gongshi-search");
  if (!host) return;
  var script = document.currentScript;
  var indexBase = new URL(host.getAttribute("data-index") || "../search-index/", window.location.href);
  var siteRoot = new URL("../", indexBase);
  var cache = new Map();

  /* ---- text rules: twins of generator/search/_text.py ---- */

  function normalize(text) {
    return text.normalize("NFKC").toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
  }

  function grams(norm) {
    var chars = Array.from(norm);
    if (chars.length === 1) return [[norm, 0]];
    var out = [];
    for (var i = 0; i + 1 < chars.length; i++) out.push([chars[i] + chars[i + 1], i]);
    return out;
  }

  function fnv1a(text) {
    var h = 0x811c9dc5;
    var bytes = new TextEncoder().encode(text);
    for (var i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
    return h >>> 0;
  }

  function fingerprint(norm) {
    var sum = 0;
    Array.from(norm).forEach(function (c, i) { sum = (sum + c.codePointAt(0) * (i + 1)) % 61; });
    return sum;
  }

  // A query read as (the start of) a 统一社会信用代码; 18 letters and digits are one even with letters a code
  // never has, so that the answer can say what is wrong with it.
  function isCodeLike(norm) {
    if (!/^[0-9a-z]+$/.test(norm) || !/[0-9]/.test(norm)) return false;
    return USCC.test(norm.toUpperCase()) || norm.length === 18;
  }

  // An 18-character query that is not a valid 统一社会信用代码: the reason in words, or "" when it is valid.
  function codeProblem(code) {
    if (code.length !== 18) return "";
    if (!USCC.test(code)) return "统一社会信用代码不含字母 I、O、S、V、Z";
    var total = 0;
    for (var i = 0; i < 17; i++) total += CODE_ALPHABET.indexOf(code.charAt(i)) * WEIGHTS[i];
    return CODE_ALPHABET.charAt((31 - (total % 31)) % 31) === code.charAt(17) ? "" : "第 18 位校验码与前 17 位不符";
  }

  /* ---- fetching (each file once per visit) ---- */

  function load(path) {
    if (!cache.has(path)) {
      var url = new URL(path, indexBase);
      cache.set(path, fetch(url).then(function (r) {
        if (!r.ok) throw new Error(r.status + " " + url);
        return r.json();
      }).catch(function (error) {
        cache.delete(path); // a failed fetch is tried again by the next query
        throw error;
      }));
    }
    return cache.get(path);
  }

  function postings(meta, gram) {
    return load("n/" + (fnv1a(gram) % meta.shards) + ".json").then(function (shard) {
      var found = new Map();
      var text = Object.prototype.hasOwnProperty.call(shard, gram) ? shard[gram] : "";
      var id = 0;
      text.split(",").forEach(function (t) {
        if (!t) return;
        id += parseInt(t.slice(0, -3), 36);
        var entry = found.get(id) || { pos: [], len: SMALL.indexOf(t.charAt(t.length - 2)), print: SMALL.indexOf(t.charAt(t.length - 1)) };
        entry.pos.push(SMALL.indexOf(t.charAt(t.length - 3)));
        found.set(id, entry);
      });
      return found;
    });
  }

  function subject(meta, id) {
    return load("d/" + Math.floor(id / meta.chunk) + ".json").then(function (chunk) {
      var row = chunk[id % meta.chunk];
      return toSubject(id, row);
    });
  }

  // A document row (trailing empty fields left out by the index writer) as an object.
  function toSubject(id, row) {
    return {
      id: id, name: row[0], code: row[1], masked: row[2], kind: row[3], records: row[4], url: row[5].split("*").join(row[1]),
      lists: row[6] || "", counts: row[7] ? row[7].split(",").map(Number) : [], date: row[8] || "", authority: row[9] || "",
      reason: row[10] || "",
    };
  }

  /* ---- name search: intersect the posting lists, check positions, rank ---- */

  function spread(list, n) {
    if (list.length <= n) return list;
    var out = [];
    for (var i = 0; i < n; i++) out.push(list[Math.round((i * (list.length - 1)) / (n - 1))]);
    return out;
  }

  // Where the query would start in a name, for each position of one of its bigrams there: null when the position
  // is not known exactly (63 or more); left out when the query would begin before the name or run past its end.
  function starts(entry, offset, qlen) {
    var out = [];
    entry.pos.forEach(function (p) {
      if (p === UNKNOWN) return out.push(null);
      var s = p - offset;
      if (s >= 0 && (entry.len === UNKNOWN || s + qlen <= entry.len)) out.push(s);
    });
    return out;
  }

  function consistentStart(id, lists, chosen, qlen) {
    var best = Infinity;
    starts(lists[0].get(id), chosen[0][1], qlen).forEach(function (s) {
      var ok = lists.every(function (list, k) {
        var entry = list.get(id);
        return entry && starts(entry, chosen[k][1], qlen).some(function (t) { return t === s || t === null || s === null; });
      });
      if (ok) best = Math.min(best, s === null ? UNKNOWN : s);
    });
    return best;
  }

  function rank(qlen) {
    return function (a, b) {
      var ta = a.start === 0 ? (a.len === qlen ? 0 : 1) : 2;
      var tb = b.start === 0 ? (b.len === qlen ? 0 : 1) : 2;
      return ta - tb || a.start - b.start || a.len - b.len || a.id - b.id;
    };
  }

  function fetchOrder(selective) {
    var first = spread(selective, MAX_GRAMS);
    return first.concat(selective.filter(function (g) { return first.indexOf(g) < 0; }));
  }

  // A name as long as the query, matching from its start, must be the query itself: its fingerprint says if not.
  function impossible(entry, start, qlen, print) {
    return start === 0 && entry.len === qlen && entry.len !== UNKNOWN && entry.print !== print;
  }

  function intersect(lists, chosen, qlen, print) {
    var order = lists.map(function (l, k) { return k; }).sort(function (a, b) { return lists[a].size - lists[b].size; });
    var sortedLists = order.map(function (k) { return lists[k]; });
    var sortedChosen = order.map(function (k) { return chosen[k]; });
    var found = [];
    sortedLists[0].forEach(function (entry, id) {
      var start = consistentStart(id, sortedLists, sortedChosen, qlen);
      if (start !== Infinity && !impossible(entry, start, qlen, print)) found.push({ id: id, start: start, len: entry.len });
    });
    return found;
  }

  // Fetch the posting lists of MAX_GRAMS bigrams at a time, spread over the query, and fetch more only while
  // the matches are still too many to show (a long full name narrows down with every round).
  function narrow(meta, order, lists, chosen, qlen, print) {
    var next = order.slice(chosen.length, chosen.length + MAX_GRAMS);
    return Promise.all(next.map(function (g) { return postings(meta, g[0]); })).then(function (more) {
      lists = lists.concat(more);
      chosen = chosen.concat(next);
      var found = intersect(lists, chosen, qlen, print);
      if (found.length > meta.show && chosen.length < order.length) return narrow(meta, order, lists, chosen, qlen, print);
      return { found: found, exact: covers(chosen, qlen) };
    });
  }

  // True when the fetched bigrams cover every character of the query: then the positions prove each match.
  function covers(chosen, qlen) {
    var covered = new Set();
    chosen.forEach(function (g) { covered.add(g[1]); covered.add(g[1] + 1); });
    return covered.size >= qlen;
  }

  function nameSearch(meta, norm) {
    if (Array.from(norm).length < 2) return Promise.resolve({ message: "请至少输入两个字。" });
    var stop = new Set(meta.stop);
    var selective = grams(norm).filter(function (g) { return !stop.has(g[0]); });
    if (!selective.length) return Promise.resolve({ tooCommon: true });
    var qlen = Array.from(norm).length;
    return narrow(meta, fetchOrder(selective), [], [], qlen, fingerprint(norm)).then(function (r) {
      r.found.sort(rank(qlen));
      return { candidates: r.found, exact: r.exact, verify: norm };
    });
  }

  /* ---- code search: the chunks are sorted by code; a two-level directory finds the first one ---- */

  function lastAtMost(sorted, key) {
    var lo = 0, hi = sorted.length - 1, at = 0;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (sorted[mid] <= key) { at = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return at;
  }

  function codeSearch(meta, code) {
    if (code.length < 4) return Promise.resolve({ message: "统一社会信用代码请至少输入前 4 位。" });
    if (!meta.coded) return Promise.resolve({ subjects: [], more: false });
    return load("c/root.json").then(function (root) {
      var page = lastAtMost(root, code);
      return load("c/" + page + ".json").then(function (firsts) {
        return scanCodes(meta, code, page * meta.fanout + lastAtMost(firsts, code), []);
      });
    });
  }

  function scanCodes(meta, code, chunk, out) {
    var last = Math.ceil(meta.coded / meta.chunk) - 1;
    return load("d/" + chunk + ".json").then(function (rows) {
      var done = false;
      rows.forEach(function (row, k) {
        if (done || !row[1] || row[1] < code) return;
        if (row[1].indexOf(code) !== 0 || out.length > meta.show) { done = true; return; }
        out.push(toSubject(chunk * meta.chunk + k, row));
      });
      if (done || chunk >= last || out.length > meta.show) return { subjects: out.slice(0, meta.show), more: out.length > meta.show };
      return scanCodes(meta, code, chunk + 1, out);
    });
  }

  /* ---- the page ---- */

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function addStyle() {
    if (!script || !script.src) return;
    var href = new URL("../stylesheets/gongshi-search.css", script.src).href;
    if (document.querySelector('link[href="' + href + '"]')) return;
    document.head.appendChild(el("link", { rel: "stylesheet", href: href }));
  }

  var ui = (function build() {
    var form = el("form", { class: "gongshi-search__form", role: "search", action: "", method: "get", "aria-label": "查询信用主体" });
    var label = el("label", { for: "gongshi-search-q", class: "gongshi-search__label" }, "查询信用主体");
    var input = el("input", {
      id: "gongshi-search-q", name: "q", type: "search", class: "gongshi-search__input",
      autocomplete: "off", spellcheck: "false", "aria-describedby": "gongshi-search-hint",
      placeholder: "企业名称、字号、统一社会信用代码或自然人姓名",
    });
    var button = el("button", { type: "submit", class: "gongshi-search__button md-button md-button--primary" }, "搜索");
    var hint = el("p", { id: "gongshi-search-hint", class: "gongshi-search__hint" },
      "可输入名称的一部分（如字号），或统一社会信用代码（至少前 4 位）。自然人只能按姓名查询，证件号码已遮蔽。");
    var status = el("p", { class: "gongshi-search__status", role: "status", "aria-live": "polite" });
    var list = el("ol", { class: "gongshi-search__results", "aria-label": "搜索结果" });
    var more = el("button", { type: "button", class: "gongshi-search__more md-button", hidden: "" }, "显示更多");
    var note = el("div", { class: "gongshi-search__note", hidden: "" });
    form.append(label, input, button, hint);
    host.replaceChildren(form, status, list, more, note);
    return { form: form, input: input, status: status, list: list, more: more, note: note };
  })();

  function mark(name, raw) {
    var frag = document.createDocumentFragment();
    var at = raw ? name.indexOf(raw) : -1;
    if (at < 0) { frag.append(name); return frag; }
    frag.append(name.slice(0, at), el("mark", {}, raw), name.slice(at + raw.length));
    return frag;
  }

  // The lists a subject is on now and its credit grades that have a badge, as text badges (the archive's
  // classes: colour is never the only cue); a grade's key (a digit or capital) follows the list letters.
  function badges(meta, letters) {
    var box = el("span", { class: "gongshi-search__badges" });
    Array.from(letters).forEach(function (c) {
      var list = (meta.lists || {})[c];
      var grade = (meta.grades || {})[c];
      if (list) box.append(el("span", { class: "gs-badge gs-badge--" + list[0] }, list[1]));
      else if (grade) box.append(el("span", { class: "gs-badge gs-badge--grade-" + grade[0] }, grade[1]));
    });
    return box;
  }

  function countsText(meta, counts) {
    var parts = [];
    counts.forEach(function (n, k) { if (n && meta.kinds && meta.kinds[k]) parts.push(meta.kinds[k][1] + " " + n + " 条"); });
    return parts.join(" · ");
  }

  function factsOf(texts) {
    var facts = el("span", { class: "gongshi-search__facts" });
    texts.forEach(function (t) { if (t) facts.append(el("span", {}, t)); });
    return facts;
  }

  function organisation(meta, s, raw) {
    var li = el("li", { class: "gongshi-search__item gongshi-search__entry" });
    var head = el("span", { class: "gongshi-search__head" });
    var link = el("a", { href: new URL(s.url, siteRoot).href, class: "gongshi-search__name" });
    link.append(mark(s.name, raw));
    head.append(link);
    if (s.lists) head.append(badges(meta, s.lists));
    var kinds = countsText(meta, s.counts);
    li.append(head, factsOf([
      KIND[s.kind] || "", s.code ? "统一社会信用代码 " + s.code : "",
      "公示信息 " + s.records + " 条" + (kinds ? "：" + kinds : ""),
    ]));
    return li;
  }

  // A natural person has no page: each of their records is listed under a group of everyone of that name.
  function personGroup(s, raw) {
    var li = el("li", { class: "gongshi-search__item gongshi-search__group" });
    var head = el("span", { class: "gongshi-search__head" });
    var name = el("span", { class: "gongshi-search__name" });
    name.append(mark(s.name, raw));
    head.append(name, el("span", { class: "gongshi-search__count" }));
    li.append(head, el("ol", { class: "gongshi-search__records", "aria-label": "姓名为“" + s.name + "”的公示记录" }));
    li.gongshiName = s.name;
    li.gongshiIds = new Set();
    return li;
  }

  function personRecord(meta, s) {
    var k = s.counts.findIndex(function (n) { return n > 0; });
    var kind = k >= 0 && meta.kinds && meta.kinds[k] ? meta.kinds[k][1] : "公示";
    var li = el("li", { class: "gongshi-search__record gongshi-search__entry" });
    var head = el("span", { class: "gongshi-search__head" });
    head.append(el("a", { href: new URL(s.url, siteRoot).href, class: "gongshi-search__record-link" }, s.reason || kind + "记录"));
    if (s.lists) head.append(badges(meta, s.lists));
    li.append(head, factsOf([
      kind, "证件号码 " + (s.masked || "未公示"), s.authority ? "机关 " + s.authority : "", s.date ? "日期 " + s.date : "",
    ]));
    return li;
  }

  function groupCount(group) {
    var n = group.lastElementChild.children.length;
    if (n < 2) return "1 条记录";
    var people = group.gongshiIds.size > 1 ? "证件号码不同，至少涉及 " + group.gongshiIds.size + " 人" : "可能涉及不同的人";
    return n + " 条记录，" + people + "，请按证件号码、机关、日期和事由区分";
  }

  // Entries of one name are next to each other in the results (the index orders them so), also across pages.
  function addPerson(meta, s, raw) {
    var group = ui.list.lastElementChild;
    if (!group || group.gongshiName !== s.name) ui.list.append(group = personGroup(s, raw));
    group.lastElementChild.append(personRecord(meta, s));
    if (s.masked) group.gongshiIds.add(s.masked);
    group.querySelector(".gongshi-search__count").textContent = groupCount(group);
  }

  var seq = 0;
  var pending = null;
  var asOf = null;

  function say(text) { ui.status.textContent = text; }

  function show(meta, subjects, raw) {
    subjects.forEach(function (s) {
      if (s.kind === "p") addPerson(meta, s, raw); else ui.list.append(organisation(meta, s, raw));
    });
  }

  function entries() { return ui.list.querySelectorAll(".gongshi-search__entry").length; }

  // The date the published data are as of: given by the page, else read from the release history.
  function dataDate() {
    if (asOf) return asOf;
    var given = host.getAttribute("data-asof");
    asOf = given ? Promise.resolve(given) : fetch(new URL("data/releases.json", siteRoot)).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (history) {
      var current = history && (history.releases || []).filter(function (r) { return r.id === history.current; })[0];
      return current && current.as_of ? String(current.as_of) : "";
    }).catch(function () { return ""; });
    return asOf;
  }

  // What "nothing found" means here, and where to look next.
  function explainEmpty(my) {
    return dataDate().then(function (date) {
      if (my !== seq) return;
      var first = el("p");
      first.append("“未找到”只表示本门户目前公示的信息中没有相符的主体，并不说明该主体没有其他信用记录：");
      var points = el("ul");
      var covered = el("li", {}, "本门户只收录本地信用办目前公示的行政许可、行政处罚、信用主体名单等信息");
      if (date) covered.append("，数据截至 ", el("span", { "data-gs-asof": "" }, date), "。");
      else covered.append("；数据截至日期见", el("a", { href: new URL("releases/", siteRoot).href }, "发布历史"), "。");
      points.append(covered,
        el("li", {}, "公示期满、已信用修复、被撤销或已移出名单的记录不再显示。"),
        el("li", {}, "自然人只能按姓名查询，不能按证件号码查询；名称可只输入字号等一部分，请检查是否有错别字。"));
      var next = el("p");
      next.append("查询全国的信用信息，请到", el("a", { href: NATIONAL, class: "gongshi-search__national" }, "信用中国网站（www.creditchina.gov.cn）"), "。");
      ui.note.replaceChildren(first, points, next);
      ui.note.hidden = false;
    });
  }

  function tooCommonMessage(raw) {
    return "“" + raw + "”只含太常见的字词（如“有限公司”、地名、行业），无法单独查询。请输入企业字号等更具体的名称，或输入统一社会信用代码。";
  }

  function nextPage(meta, state, my) {
    var verified = [];
    var budget = 2 * meta.show; // documents fetched per page at most, however many fail the final check
    function step() {
      if (verified.length >= meta.show || state.next >= state.candidates.length || budget <= 0) return Promise.resolve(verified);
      var batch = state.candidates.slice(state.next, state.next + Math.min(meta.show - verified.length, budget));
      state.next += batch.length;
      budget -= batch.length;
      return Promise.all(batch.map(function (c) { return subject(meta, c.id); })).then(function (rows) {
        rows.forEach(function (s) { if (normalize(s.name).indexOf(state.verify) >= 0) verified.push(s); else state.dropped++; });
        return step();
      });
    }
    return step().then(function (rows) {
      if (my !== seq) return;
      show(meta, rows, state.raw);
      var shown = entries();
      var total = state.candidates.length - state.dropped;
      var about = !state.exact && state.next < state.candidates.length ? "约 " : ""; // some names not checked yet
      var text = "找到 " + about + total + " 个结果" + (shown < total ? "，已显示 " + shown + " 个。" : "。");
      if (state.capped) text = "匹配的结果超过 " + meta.cap + " 个，仅列出最相关的，已显示 " + shown + " 个。请输入更完整的名称以缩小范围。";
      if (!total) text = "未找到名称包含“" + state.raw + "”的主体。";
      say(text);
      ui.more.hidden = state.next >= state.candidates.length;
      ui.more.onclick = function () { nextPage(meta, state, my); };
      if (!total) return explainEmpty(my);
    });
  }

  function runCode(meta, code, raw, my) {
    return codeSearch(meta, code).then(function (r) {
      if (my !== seq) return;
      if (r.message) return say(r.message);
      show(meta, r.subjects, raw.toUpperCase());
      var problem = codeProblem(code);
      var personal = /^[0-9]{17}[0-9X]$/.test(code); // shaped like a resident ID number: not echoed back
      if (!r.subjects.length && problem && personal) say("未找到相符的主体。自然人只能按姓名查询，不能按证件号码查询；如输入的是统一社会信用代码，请核对（" + problem + "）。");
      else if (!r.subjects.length && problem) say("“" + code + "”不是有效的统一社会信用代码（" + problem + "），请核对后重新输入。");
      else if (!r.subjects.length) say("未找到统一社会信用代码为“" + code + "”或以其开头的主体。");
      else say("找到 " + r.subjects.length + (r.more ? " 个以上" : " 个") + "统一社会信用代码以“" + code + "”开头的主体" + (r.more ? "，请输入更多位数以缩小范围。" : "。"));
      if (!r.subjects.length) return explainEmpty(my);
    });
  }

  function runName(meta, norm, raw, my) {
    return nameSearch(meta, norm).then(function (r) {
      if (my !== seq) return;
      if (r.message) return say(r.message);
      if (r.tooCommon) return say(tooCommonMessage(raw));
      var capped = r.candidates.length > meta.cap;
      var state = { candidates: r.candidates.slice(0, meta.cap), capped: capped, exact: r.exact, next: 0, dropped: 0, verify: r.verify, raw: raw };
      return nextPage(meta, state, my);
    });
  }

  function search(raw) {
    var my = ++seq;
    raw = raw.trim();
    ui.list.replaceChildren();
    ui.more.hidden = true;
    ui.note.hidden = true;
    var norm = normalize(raw);
    if (!norm) return say("请输入企业名称、字号、统一社会信用代码或自然人姓名。");
    say("正在查询…");
    ui.list.setAttribute("aria-busy", "true");
    load("meta.json").then(function (meta) {
      return isCodeLike(norm) ? runCode(meta, norm.toUpperCase(), raw, my) : runName(meta, norm, raw, my);
    }).catch(function () {
      if (my === seq) say("搜索索引加载失败，请检查网络后刷新页面重试。");
    }).then(function () {
      if (my === seq) ui.list.removeAttribute("aria-busy");
    });
  }

  function remember(raw) {
    var url = new URL(window.location.href);
    if (raw) url.searchParams.set("q", raw); else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
  }

  ui.form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(pending);
    remember(ui.input.value.trim());
    search(ui.input.value);
  });
  ui.input.addEventListener("input", function () {
    clearTimeout(pending);
    pending = setTimeout(function () { remember(ui.input.value.trim()); search(ui.input.value); }, 250);
  });

  addStyle();
  var initial = new URL(window.location.href).searchParams.get("q") || "";
  ui.input.value = initial;
  search(initial);
})();
