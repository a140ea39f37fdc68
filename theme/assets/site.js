/* Väg ut: the site's only script. Everything works without it except the directory search and
   the chat; it adds the quick exit's clean-up, loads the chat on demand, and runs the search. */
(function () {
  "use strict";

  var base = (document.querySelector('meta[name="vagut-base"]') || {}).content || "./";

  /* -- Quick exit: clear what the site keeps, replace this history entry, leave. ------------ */
  function quickExit(event) {
    if (event) event.preventDefault();
    try { sessionStorage.clear(); } catch (e) { /* storage disabled: nothing to clear */ }
    var link = document.querySelector("[data-quick-exit]");
    document.body.style.visibility = "hidden";
    window.location.replace(link ? link.href : "about:blank");
  }
  // The chat widget's own quick exit (in its header) calls this: one way out, the same everywhere.
  window.vagutQuickExit = quickExit;

  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var now = Date.now();
    if (now - lastEscape < 800) quickExit(event);
    lastEscape = now;
  });

  /* -- Chat: the widget's code is fetched only when someone opens it. ------------------------ */
  function openChat(button) {
    if (window.vagutChat) return window.vagutChat.open(button);
    var script = document.createElement("script");
    script.src = base + "assets/chat/chat.js";
    script.onload = function () { if (window.vagutChat) window.vagutChat.open(button); };
    document.head.appendChild(script);
  }

  /* -- Directory search: name (typos and missing å/ä/ö forgiven), locality or postal code. --- */
  function fold(text) {
    return text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[^a-z0-9]+/g, " ").trim();
  }

  // Damerau-Levenshtein distance with an early exit once it is past `limit`.
  function distance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var rows = [];
    for (var i = 0; i <= a.length; i++) { rows.push([i]); }
    for (var j = 1; j <= b.length; j++) { rows[0][j] = j; }
    for (i = 1; i <= a.length; i++) {
      var best = limit + 1;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var value = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          value = Math.min(value, rows[i - 2][j - 2] + 1);
        }
        rows[i][j] = value;
        if (value < best) best = value;
      }
      if (best > limit) return limit + 1;
    }
    return rows[a.length][b.length];
  }

  function allowedTypos(query) { return query.length >= 8 ? 2 : query.length >= 4 ? 1 : 0; }

  function Places(data) {
    this.municipalities = data.m;
    this.names = data.m.map(function (m) { return fold(m[0]); });
    this.localities = data.l.map(function (l) { return [l[0], l[1], fold(l[0])]; });
    this.postal = {};
    for (var code = 0, i = 0; i < data.pc.length; i++) {
      code += data.pc[i];
      this.postal[code] = data.pm[i];
    }
  }

  // Best matches first: exact, then starts-with, then contains, then close spellings.
  Places.prototype.search = function (raw) {
    var query = fold(raw), seen = {}, found = [];
    if (!query) return found;
    function add(index, rank, locality) {
      var key = index + "|" + (locality || "");
      if (seen[key] !== undefined) return;
      seen[key] = found.length;
      found.push({ index: index, rank: rank, locality: locality });
    }
    var typos = allowedTypos(query);
    var self = this;
    this.names.forEach(function (name, index) {
      if (name === query) add(index, 0);
      else if (name.indexOf(query) === 0) add(index, 1);
      else if (query.length >= 3 && name.indexOf(query) > 0) add(index, 3);
      else if (typos && distance(query, name, typos) <= typos) add(index, 4);
    });
    this.localities.forEach(function (entry) {
      var name = entry[2];
      if (self.names[entry[1]] === name) return; // the municipality's own seat: shown above
      if (name === query) add(entry[1], 0.5, entry[0]);
      else if (name.indexOf(query) === 0) add(entry[1], 2, entry[0]);
      else if (typos && distance(query, name, typos) <= typos) add(entry[1], 5, entry[0]);
    });
    found.sort(function (a, b) { return a.rank - b.rank; });
    return found.slice(0, 12);
  };

  function format(template, values) {
    return template.replace(/%\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  function setUpDirectory(form) {
    var strings = JSON.parse(form.querySelector("[data-directory-strings]").textContent);
    var input = form.querySelector("input");
    var status = form.querySelector("[role=status]");
    var list = form.querySelector("ul");
    var places = null, loading = null;

    function load() {
      if (!loading) {
        status.textContent = strings.loading;
        loading = fetch(base + form.getAttribute("data-places"))
          .then(function (response) {
            if (!response.ok) throw new Error(response.status);
            return response.json();
          })
          .then(function (data) { places = new Places(data); status.textContent = ""; })
          .catch(function () { loading = null; status.textContent = strings.load_error; });
      }
      return loading;
    }

    function item(index, text) {
      var municipality = places.municipalities[index];
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = municipality[1] + "/";
      link.textContent = text;
      li.appendChild(link);
      return li;
    }

    function show() {
      if (!places) return;
      var raw = input.value.trim();
      list.textContent = "";
      if (!raw) { status.textContent = ""; return; }
      var digits = raw.replace(/\s+/g, "");
      if (/^\d{5}$/.test(digits)) {
        var owner = places.postal[Number(digits)];
        var code = digits.slice(0, 3) + " " + digits.slice(3);
        if (owner === undefined) {
          status.textContent = format(strings.postcode_unknown, { code: code });
          return;
        }
        var name = places.municipalities[owner][0];
        var locality = (places.localities.filter(function (l) { return l[1] === owner; })[0] || [name])[0];
        list.appendChild(item(owner, format(strings.postcode_result, { code: code, locality: locality, name: name })));
        status.textContent = format(strings.count, { count: 1 });
        return;
      }
      var matches = places.search(raw);
      if (!matches.length) { status.textContent = strings.none; return; }
      matches.forEach(function (match) {
        var name = places.municipalities[match.index][0];
        var text = match.locality
          ? format(strings.locality_result, { locality: match.locality, name: name })
          : match.rank >= 4 ? format(strings.did_you_mean, { name: name }) : name;
        list.appendChild(item(match.index, text));
      });
      status.textContent = format(strings.count, { count: matches.length });
    }

    form.hidden = false;
    input.addEventListener("focus", load);
    input.addEventListener("input", function () { load().then(show); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      load().then(function () {
        show();
        var first = list.querySelector("a");
        if (first && list.children.length === 1) first.focus();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-quick-exit]").forEach(function (link) {
      link.addEventListener("click", quickExit);
    });
    document.querySelectorAll("[data-chat-open]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { openChat(button); });
    });
    document.querySelectorAll("[data-directory-search]").forEach(setUpDirectory);
  });
})();
