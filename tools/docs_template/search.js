// Offline search over the records the docs build writes (search_index.js: page title, section, text, url).
// An inverted index from word to sections, built in the browser on first use; a query word matches every indexed
// word it is a prefix of, and a section must match every query word. Runs in node too (tools/check_docs.py).
(function () {
  "use strict";

  // Indexed, `eqx.filter_jit` is found as `filter_jit`, as `filter` and as `jit`. Asked (`pieces` false), it
  // is `filter_jit`: the pieces of a name are not each required.
  function words(text, pieces) {
    var out = [];
    (String(text).toLowerCase().match(/[a-z0-9_.]+/g) || []).forEach(function (token) {
      token.split(".").forEach(function (part) {
        if (!part) return;
        out.push(part);
        if (pieces !== false && part.indexOf("_") >= 0) {
          part.split("_").forEach(function (piece) { if (piece) out.push(piece); });
        }
      });
    });
    return out;
  }

  // How the docs spell namespaces (`eqx.nn.Linear`): not words a section needs to contain.
  var NAMESPACES = { eqx: true, equinox: true, nn: true };

  function queryWords(query) {
    var asked = words(query, false);
    var named = asked.filter(function (word) { return !NAMESPACES[word]; });
    return named.length ? named : asked;
  }

  // A word in a heading counts more than one in a title, which counts more than one in the text.
  var WEIGHTS = { section: 10, title: 3, text: 1 };

  function buildIndex(records) {
    var postings = new Map();
    records.forEach(function (record, i) {
      Object.keys(WEIGHTS).forEach(function (field) {
        words(record[field] || "").forEach(function (word) {
          var perRecord = postings.get(word);
          if (!perRecord) postings.set(word, (perRecord = new Map()));
          // Repeats add up, but only so far: a long section must not win on length alone.
          perRecord.set(i, Math.min((perRecord.get(i) || 0) + WEIGHTS[field], 30));
        });
      });
    });
    var vocabulary = Array.from(postings.keys()).sort();
    return { records: records, postings: postings, vocabulary: vocabulary };
  }

  // The indexed words that start with `prefix`, by binary search over the sorted vocabulary.
  function completions(index, prefix) {
    var lo = 0, hi = index.vocabulary.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (index.vocabulary[mid] < prefix) lo = mid + 1; else hi = mid;
    }
    var out = [];
    for (var i = lo; i < index.vocabulary.length && index.vocabulary[i].startsWith(prefix); i++) out.push(index.vocabulary[i]);
    return out;
  }

  function search(index, query, limit) {
    var asked = queryWords(query);
    if (!asked.length) return [];
    var scores = null;
    asked.forEach(function (q) {
      var found = new Map();
      completions(index, q).forEach(function (word) {
        var exact = word === q ? 2 : 1;
        index.postings.get(word).forEach(function (weight, i) {
          found.set(i, Math.max(found.get(i) || 0, weight * exact));
        });
      });
      if (scores === null) {
        scores = found;
      } else {
        var both = new Map();
        scores.forEach(function (score, i) { if (found.has(i)) both.set(i, score + found.get(i)); });
        scores = both;
      }
    });
    var wanted = String(query).trim().toLowerCase().replace(/^(eqx\.|equinox\.)?(nn\.)?/, "");
    var results = [];
    scores.forEach(function (score, i) {
      var record = index.records[i];
      var section = String(record.section).toLowerCase();
      // The entry of the very name asked for comes first.
      if (section === wanted || section.endsWith("." + wanted)) score += record.api ? 1000 : 500;
      results.push({ score: score, record: record });
    });
    results.sort(function (a, b) { return b.score - a.score; });
    return results.slice(0, limit || 20).map(function (r) { return r.record; });
  }

  var api = { words: words, buildIndex: buildIndex, search: search };
  if (typeof module === "object" && module.exports) module.exports = api;
  if (typeof document === "undefined") return;

  function snippet(text, query) {
    var at = text.toLowerCase().indexOf(queryWords(query)[0] || "");
    var start = Math.max(0, at - 40);
    return (start > 0 ? "…" : "") + text.slice(start, start + 140) + (text.length > start + 140 ? "…" : "");
  }

  function setUp(box) {
    var input = box.querySelector("input");
    var list = box.querySelector("ol");
    var root = box.getAttribute("data-root") || "";
    var index = null, waiting = null;

    // The records load once, on first use; what asks while they load runs when they arrive.
    function load(then) {
      if (index) return then();
      if (waiting) return waiting.push(then);
      waiting = [then];
      var script = document.createElement("script");
      script.src = root + "search_index.js";
      script.onload = function () {
        index = buildIndex(window.EQX_SEARCH_RECORDS || []);
        waiting.forEach(function (f) { f(); });
      };
      script.onerror = function () {
        list.innerHTML = '<li class="eqx-search-none">The search index (search_index.js) did not load.</li>';
      };
      document.head.appendChild(script);
    }

    function show() {
      var query = input.value;
      list.innerHTML = "";
      if (!query.trim()) return;
      var found = search(index, query, 15);
      if (!found.length) {
        var none = document.createElement("li");
        none.className = "eqx-search-none";
        none.textContent = "Nothing found.";
        list.appendChild(none);
        return;
      }
      found.forEach(function (record) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = root + record.url;
        var heading = document.createElement("span");
        heading.className = "eqx-search-section";
        heading.textContent = record.section;
        var where = document.createElement("span");
        where.className = "eqx-search-page";
        where.textContent = record.section === record.title ? "" : record.title;
        var text = document.createElement("span");
        text.className = "eqx-search-text";
        text.textContent = snippet(record.text || "", query);
        link.appendChild(heading);
        link.appendChild(where);
        link.appendChild(text);
        item.appendChild(link);
        list.appendChild(item);
      });
    }

    input.addEventListener("focus", function () { load(function () {}); });
    input.addEventListener("input", function () { load(show); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        var first = list.querySelector("a");
        if (first) window.location.href = first.href;
      } else if (event.key === "Escape") {
        input.value = "";
        list.innerHTML = "";
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".eqx-search"), setUp);
  });
})();
