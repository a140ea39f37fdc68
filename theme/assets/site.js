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

  /* -- Directory search: the shared place finder (places.js, the same algorithm as the chat's),
     fetched with its data on the first keystroke. ------------------------------------------ */
  function format(template, values) {
    return template.replace(/%\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  // What one found place says: an answer ("Rinkeby ligger i Stockholm"), or a question.
  function describe(finder, option, sure, query, strings) {
    var name = finder.municipalities[option.municipality][0];
    var digits = window.vagutPlaces.norm(query).replace(/\D/g, "");
    if (option.via === "postal") {
      var code = digits.slice(0, 3) + " " + digits.slice(3, 5);
      return format(strings.postcode_result, { code: code, locality: option.label, name: name });
    }
    if (option.via === "postal_prefix" && sure) {
      return format(strings.postcode_prefix_result, { prefix: digits.slice(0, 3), name: name });
    }
    var place = option.label !== name && option.via !== "other" && option.via !== "official";
    if (sure || option.via === "locality" || option.via === "district") {
      return place ? format(strings.locality_result, { locality: option.label, name: name }) : name;
    }
    return format(strings.did_you_mean, { name: place ? name + " (" + option.label + ")" : name });
  }

  function setUpDirectory(form) {
    var strings = JSON.parse(form.querySelector("[data-directory-strings]").textContent);
    var input = form.querySelector("input");
    var status = form.querySelector("[role=status]");
    var list = form.querySelector("ul");
    var finder = null, loading = null;

    function load() {
      if (!loading) {
        status.textContent = strings.loading;
        var data = fetch(base + form.getAttribute("data-places")).then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        });
        loading = Promise.all([data, loadScript(base + "assets/places.js")])
          .then(function (loaded) {
            finder = new window.vagutPlaces.PlaceFinder(loaded[0]);
            status.textContent = "";
          })
          .catch(function () { loading = null; status.textContent = strings.load_error; });
      }
      return loading;
    }

    function item(municipality, text) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = finder.municipalities[municipality][1] + "/";
      link.textContent = text;
      li.appendChild(link);
      return li;
    }

    function show() {
      if (!finder) return;
      var raw = input.value.trim();
      list.textContent = "";
      if (!raw) { status.textContent = ""; return; }
      var found = finder.find(raw, { limit: 12 });
      var shown = (found.sure ? [found.sure] : []).concat(found.options);
      if (!shown.length) {
        var digits = raw.replace(/\s+/g, "");
        status.textContent = /^\d{5}$/.test(digits)
          ? format(strings.postcode_unknown, { code: digits.slice(0, 3) + " " + digits.slice(3) })
          : strings.none;
        return;
      }
      shown.forEach(function (option) {
        var sure = option === found.sure;
        list.appendChild(item(option.municipality, describe(finder, option, sure, raw, strings)));
      });
      status.textContent = format(strings.count, { count: shown.length });
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
    // The leaflet's print button: a button only where script runs (window.print).
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
    document.querySelectorAll("[data-directory-search]").forEach(setUpDirectory);
  });
})();
