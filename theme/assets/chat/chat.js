/* Väg ut: the anonymous chat widget. Plain script, no dependencies, no third-party requests.
   The site's script loads it on the first click of [data-chat-open] and calls
   window.vagutChat.open(button). It talks to the Rasa REST channel named in
   <meta name="vagut-chat-url">, in the page's language (<html lang>) and with the page's
   municipality (data-municipality) as metadata, and keeps only
   sessionStorage (keys "vagut.chat.*") while the chat is open: closing it, restarting it and
   the quick exit clear them. No cookies.

   For tests and assistive technology: the panel is role="dialog" named by its title; the
   conversation is role="log" (aria-live="polite"); the text box has a label; quick replies are
   buttons inside role="group"; stable hooks: [data-chat-panel], [data-chat-log],
   [data-chat-input], [data-chat-send], [data-chat-close], [data-chat-restart],
   [data-chat-quick-exit] (the header's quick exit: the page's own, window.vagutQuickExit from
   site.js, with the page's [data-quick-exit] link as its target and fallback). */
(function () {
  "use strict";
  if (window.vagutChat) return;

  var KEY_SENDER = "vagut.chat.sender";
  /* The language the chat switched to ("can you write in Swedish?", a message in Arabic on an
     English page): the server says so in a reply's custom field, and it is sent as the
     conversation's language until the chat is closed or restarted. */
  var KEY_LANGUAGE = "vagut.chat.language";
  var LANGUAGE_CODES = /^(sv|en|ar|fa|so|ti|ku|tr|es|fr)$/;
  var RIGHT_TO_LEFT = { ar: true, fa: true, ku: true };
  var KEY_LOG = "vagut.chat.log";
  var MAX_LENGTH = 4000;
  var TIMEOUT_MS = 30000;
  // A reply slower than this gets a line with 112 and the no-JavaScript form, while it is awaited.
  var SLOW_MS = 4000;

  // Used until the page language's strings arrive, or if they cannot be fetched.
  var FALLBACK = {
    title: "Väg ut",
    open: "Chat",
    close: "Close",
    send: "Send",
    input_label: "Message",
    placeholder: "",
    privacy_note: "In acute danger: call 112.",
    error_offline: "The chat is not working right now. Acute danger: call 112. Police: 114 14.",
    log_label: "Chat",
    you: "You",
    bot: "Väg ut",
    typing: "…",
    restart: "Restart",
    slow: "The answer is taking a while. Acute danger: call 112.",
    form_link: "Write in the simple form instead",
    quick_exit: "Leave this page quickly",
    copy: "Copy",
    copied: "Copied"
  };

  function meta(name) {
    var element = document.querySelector('meta[name="' + name + '"]');
    return element ? element.getAttribute("content") || "" : "";
  }

  function pageLanguage() {
    var lang = (document.documentElement.getAttribute("lang") || "sv").toLowerCase().split("-")[0];
    return lang === "ckb" ? "ku" : lang;
  }

  function storage(key, value) {
    try {
      if (value === undefined) return window.sessionStorage.getItem(key);
      if (value === null) window.sessionStorage.removeItem(key);
      else window.sessionStorage.setItem(key, value);
    } catch (e) { /* storage disabled: the chat still works for this page */ }
    return null;
  }

  function randomId() {
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function senderId() {
    var id = storage(KEY_SENDER);
    if (!id) { id = randomId(); storage(KEY_SENDER, id); }
    return id;
  }

  function savedLog() {
    try { return JSON.parse(storage(KEY_LOG) || "[]"); } catch (e) { return []; }
  }

  function el(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* Phone numbers become tel: links (112, 114 14, 116 006 and Swedish numbers that start
     with 0), e-mail addresses mailto: links, and a receipt code (16 digits in groups of four) a
     left-to-right span that does not wrap: on a right-to-left page its groups were drawn in
     reverse order, and wrapped at 360 px. Everything else stays text (no HTML from the server). */
  var RECEIPT_CODE = /^\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{4}$/;
  var LINKS = /(\b\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{4}\b|\b1(?:12|14 ?14|16 ?006|16 ?111)\b|\b90101\b|(?:\+46[\s-]?|\b0)\d{1,3}[\s-]?\d{2,3}(?:[\s-]?\d{2,3}){1,3}\b|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)/g;

  function telHref(number) {
    var digits = number.replace(/[^\d+]/g, "");
    if (digits.charAt(0) === "0") digits = "+46" + digits.slice(1);
    return "tel:" + digits;
  }

  /* A receipt code is copied with one tap (a phone's long press selects one group of digits).
     Where the clipboard cannot be written, the code stays selectable as it was. */
  function copyButton(code) {
    var button = el("button", { type: "button", "class": "vagut-chat__copy", "data-chat-copy": "" }, t("copy"));
    button.addEventListener("click", function () {
      var digits = code.replace(/\D/g, "");
      if (!navigator.clipboard) return;
      navigator.clipboard.writeText(digits).then(function () {
        button.textContent = t("copied");
      }, function () { /* not allowed here: the code is still on screen to write down */ });
    });
    return button;
  }

  function richText(container, text) {
    var last = 0;
    text.replace(LINKS, function (match, _group, offset) {
      var isMail = match.indexOf("@") > 0;
      var digits = match.replace(/\D/g, "").length;
      if (RECEIPT_CODE.test(match)) {
        if (offset > last) container.appendChild(document.createTextNode(text.slice(last, offset)));
        container.appendChild(el("span", { dir: "ltr", "class": "vagut-chat__code" }, match));
        container.appendChild(copyButton(match));
        last = offset + match.length;
        return match;
      }
      if (!isMail && match.charAt(0) !== "1" && match !== "90101" && (digits < 8 || digits > 11)) return match;
      if (offset > last) container.appendChild(document.createTextNode(text.slice(last, offset)));
      var link = el("a", { dir: "ltr" }, match);
      link.href = isMail ? "mailto:" + match : telHref(match);
      container.appendChild(link);
      last = offset + match.length;
      return match;
    });
    if (last < text.length) container.appendChild(document.createTextNode(text.slice(last)));
  }

  var state = {
    panel: null, log: null, input: null, send: null, opener: null,
    strings: FALLBACK, language: chatLanguage(), busy: false, entries: [], queue: [],
    conversation: 0  /* a new number when the conversation is forgotten: late replies are dropped */
  };

  function chatLanguage() {
    var saved = storage(KEY_LANGUAGE);
    return LANGUAGE_CODES.test(saved || "") ? saved : pageLanguage();
  }

  function switchLanguage(code) {
    if (!LANGUAGE_CODES.test(code || "") || code === state.language) return;
    state.language = code;
    storage(KEY_LANGUAGE, code === pageLanguage() ? null : code);
    if (!state.panel) return;
    state.panel.setAttribute("lang", code === "ku" ? "ckb" : code);
    state.panel.setAttribute("dir", RIGHT_TO_LEFT[code] ? "rtl" : "ltr");
    loadStrings().then(relabel);
  }

  /* The panel's own words, in the language the chat now speaks. */
  function relabel() {
    var panel = state.panel;
    panel.querySelector("#vagut-chat-title").textContent = t("title");
    panel.querySelector("[data-chat-restart]").textContent = t("restart");
    panel.querySelector("[data-chat-close]").setAttribute("aria-label", t("close"));
    panel.querySelector("[data-chat-quick-exit]").textContent = t("quick_exit");
    var note = panel.querySelector("#vagut-chat-note");
    note.textContent = "";
    richText(note, t("privacy_note"));
    state.log.setAttribute("aria-label", t("log_label"));
    panel.querySelector(".vagut-chat__typing").textContent = t("typing");
    panel.querySelector(".vagut-chat__label").textContent = t("input_label");
    state.input.setAttribute("placeholder", t("placeholder"));
    state.send.textContent = t("send");
  }

  function loadStyles() {
    if (document.querySelector("link[data-chat-styles]")) return;
    var link = el("link", { rel: "stylesheet", "data-chat-styles": "" });
    link.href = (meta("vagut-base") || "./") + "assets/chat/chat.css";
    document.head.appendChild(link);
  }

  function loadStrings() {
    var base = meta("vagut-base") || "./";
    loadStyles();
    return fetch(base + "assets/chat/i18n/" + state.language + ".json", { credentials: "omit" })
      .then(function (response) { return response.ok ? response.json() : {}; })
      .catch(function () { return {}; })
      .then(function (strings) {
        var merged = {};
        Object.keys(FALLBACK).forEach(function (key) { merged[key] = strings[key] || FALLBACK[key]; });
        state.strings = merged;
      });
  }

  function t(key) { return state.strings[key] || FALLBACK[key] || key; }

  function render(entry, announce) {
    var item = el("div", { "class": "vagut-chat__message vagut-chat__message--" + entry.who });
    var who = el("span", { "class": "vagut-chat__sr" }, (entry.who === "user" ? t("you") : t("bot")) + ": ");
    item.appendChild(who);
    var body = el("p", { "class": "vagut-chat__text" });
    richText(body, entry.text || "");
    item.appendChild(body);
    if (entry.link) {
      var formLink = el("a", { "class": "vagut-chat__form-link", rel: "noreferrer" }, entry.link.title);
      formLink.href = entry.link.href;
      body.appendChild(document.createTextNode(" "));
      body.appendChild(formLink);
    }
    if (entry.buttons && entry.buttons.length) {
      var group = el("div", { "class": "vagut-chat__choices", role: "group", "aria-label": entry.text ? entry.text.slice(0, 80) : t("title") });
      entry.buttons.forEach(function (choice) {
        group.appendChild(choiceControl(choice));
      });
      item.appendChild(group);
    }
    if (!announce) item.setAttribute("data-restored", "");
    state.log.appendChild(item);
    return item;
  }

  /* After a reply, its first message is at the top of the log (a long answer is read from its
     first sentence, not scrolled past on a phone); after anything else, the end of the log. */
  function scrollTo(item) {
    if (item) state.log.scrollTop = item.offsetTop - 8;  /* the log is the items' offsetParent */
    else state.log.scrollTop = state.log.scrollHeight;
  }

  /* A choice is a button that answers; a tel: payload is a link that calls (112, 90101, ...) and
     sends nothing to the chat. */
  function choiceControl(choice) {
    if (isCall(choice)) {
      var call = el("a", { "class": "vagut-chat__choice vagut-chat__call", dir: "auto" }, choice.title);
      call.href = choice.payload;
      return call;
    }
    var button = el("button", { type: "button", "class": "vagut-chat__choice" }, choice.title);
    button.addEventListener("click", function () { send(choice.payload, choice.title); });
    return button;
  }

  function formLink() {
    var href = meta("vagut-form-url");
    return href ? { href: href, title: t("form_link") } : null;
  }

  function isCall(choice) { return /^tel:\+?\d+$/.test(choice.payload); }

  function add(entry) {
    // Old quick replies stop being offered once the conversation moves on; a way to call stays.
    Array.prototype.forEach.call(state.log.querySelectorAll("button.vagut-chat__choice"), function (button) {
      var group = button.parentNode;
      group.removeChild(button);
      if (!group.children.length) group.parentNode.removeChild(group);
    });
    state.entries.forEach(function (old) {
      if (old.buttons) old.buttons = old.buttons.filter(isCall);
    });
    state.entries.push(entry);
    storage(KEY_LOG, JSON.stringify(state.entries.slice(-60)));
    var item = render(entry, true);
    scrollTo(null);
    return item;
  }

  function setBusy(busy) {
    state.busy = busy;
    state.log.setAttribute("aria-busy", busy ? "true" : "false");
    var typing = state.panel.querySelector(".vagut-chat__typing");
    typing.hidden = !busy;
  }

  // The page's language, and on a municipality's page its code (the opener's data-municipality,
  // or the page's own chat slot): "who do I call?" on the Kiruna page is about Kiruna.
  function pageMetadata() {
    var metadata = { language: state.language };
    var holder = state.opener && state.opener.getAttribute("data-municipality")
      ? state.opener : document.querySelector("[data-municipality]");
    var code = holder ? holder.getAttribute("data-municipality") : "";
    if (/^\d{4}$/.test(code || "")) metadata.municipality = code;
    return metadata;
  }

  function post(message) {
    var url = (meta("vagut-chat-url") || "http://127.0.0.1:5005").replace(/\/+$/, "") + "/webhooks/rest/webhook";
    var controller = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) controller.abort(); }, TIMEOUT_MS);
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "omit",
      signal: controller ? controller.signal : undefined,
      body: JSON.stringify({ sender: senderId(), message: message, metadata: pageMetadata() })
    }).then(function (response) {
      clearTimeout(timer);
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }, function (error) { clearTimeout(timer); throw error; });
  }

  /* What the person writes is never lost: shown at once, and sent in order once the reply before
     it has come. A reply that takes longer than SLOW_MS gets a line with 112 and the form. */
  function send(message, shown) {
    message = (message || "").trim();
    if (!message) return;
    if (shown !== null) add({ who: "user", text: shown || message });
    state.queue.push(message.slice(0, MAX_LENGTH));
    if (!state.busy) next();
  }

  function next() {
    var message = state.queue.shift();
    if (message === undefined) return;
    var conversation = state.conversation;
    setBusy(true);
    var slow = setTimeout(function () {
      if (conversation === state.conversation) add({ who: "notice", text: t("slow"), link: formLink() });
    }, SLOW_MS);
    post(message).then(function (replies) {
      if (conversation !== state.conversation) return;  /* closed meanwhile: forgotten */
      var first = null;
      (replies || []).forEach(function (reply) {
        if (reply.custom && reply.custom.language) switchLanguage(String(reply.custom.language));
        if (reply.text || (reply.buttons && reply.buttons.length)) {
          var item = add({ who: "bot", text: reply.text || "", buttons: (reply.buttons || []).map(function (b) {
            return { title: String(b.title || ""), payload: String(b.payload || "") };
          }) });
          first = first || item;
        }
      });
      scrollTo(first);
    }).catch(function () {
      if (conversation === state.conversation) add({ who: "error", text: t("error_offline"), link: formLink() });
    }).then(function () {
      clearTimeout(slow);
      setBusy(false);
      if (state.queue.length) { next(); return; }
      if (state.panel && !state.panel.hidden) state.input.focus();
    });
  }

  /* The same way out as the page's quick exit: site.js's function (clears sessionStorage,
     replaces this history entry); without it, a click on the page's own link; a plain link to
     the same place if even that is missing. */
  function quickExitLink() {
    var pageExit = document.querySelector("a[data-quick-exit]");
    var link = el("a", { "class": "vagut-chat__exit", rel: "noreferrer", "data-chat-quick-exit": "" }, t("quick_exit"));
    link.href = pageExit ? pageExit.href : "about:blank";
    link.addEventListener("click", function (event) {
      if (window.vagutQuickExit) { window.vagutQuickExit(event); return; }
      if (pageExit) { event.preventDefault(); pageExit.click(); }
    });
    return link;
  }

  /* While the panel covers the screen (small screens), Tab and Shift+Tab go round inside it:
     what is behind it cannot be seen. Beside the page (wide screens) the page stays reachable. */
  function keepFocusInside(event) {
    if (!window.matchMedia || !window.matchMedia("(max-width: 30rem)").matches) return;
    var focusable = Array.prototype.filter.call(
      state.panel.querySelectorAll("a[href], button:not([disabled]), textarea, input, [tabindex='0']"),
      function (node) { return node.offsetParent !== null; });
    if (!focusable.length) return;
    var first = focusable[0], last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
    else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
  }

  function build() {
    var panel = el("section", {
      id: "vagut-chat", "class": "vagut-chat", role: "dialog", "aria-modal": "false",
      "aria-labelledby": "vagut-chat-title", "data-chat-panel": "",
      dir: RIGHT_TO_LEFT[state.language] ? "rtl" : "ltr", lang: state.language === "ku" ? "ckb" : state.language
    });
    panel.hidden = true;
    var header = el("div", { "class": "vagut-chat__header" });
    header.appendChild(el("h2", { id: "vagut-chat-title", "class": "vagut-chat__title" }, t("title")));
    var restart = el("button", { type: "button", "class": "vagut-chat__restart", "data-chat-restart": "" }, t("restart"));
    var close = el("button", { type: "button", "class": "vagut-chat__close", "aria-label": t("close"), "data-chat-close": "" }, "×");
    header.appendChild(quickExitLink());
    header.appendChild(restart);
    header.appendChild(close);
    panel.appendChild(header);

    var note = el("p", { "class": "vagut-chat__note", id: "vagut-chat-note" });
    richText(note, t("privacy_note"));
    panel.appendChild(note);

    var log = el("div", {
      "class": "vagut-chat__log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
      "aria-label": t("log_label"), tabindex: "0", "data-chat-log": ""
    });
    panel.appendChild(log);
    var typing = el("p", { "class": "vagut-chat__typing", "aria-hidden": "true" }, t("typing"));
    typing.hidden = true;
    panel.appendChild(typing);

    var form = el("form", { "class": "vagut-chat__form" });
    var label = el("label", { "for": "vagut-chat-input", "class": "vagut-chat__label" }, t("input_label"));
    var input = el("textarea", {
      id: "vagut-chat-input", rows: "2", maxlength: String(MAX_LENGTH), autocomplete: "off",
      placeholder: t("placeholder"), "aria-describedby": "vagut-chat-note", "data-chat-input": "", dir: "auto"
    });
    var button = el("button", { type: "submit", "class": "vagut-chat__send", "data-chat-send": "" }, t("send"));
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(button);
    panel.appendChild(form);

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value;
      input.value = "";
      send(text);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
      }
    });
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { close_(); return; }
      if (event.key === "Tab") keepFocusInside(event);
    });
    close.addEventListener("click", close_);
    restart.addEventListener("click", function () {
      forget();
      send("/greet", null);
    });

    document.body.appendChild(panel);
    state.panel = panel; state.log = log; state.input = input; state.send = button;
  }

  /* The browser keeps nothing of a conversation once it is closed or restarted: the transcript,
     receipt code included, leaves sessionStorage, and the next one has a new random sender. */
  function forget() {
    storage(KEY_LOG, null);
    storage(KEY_SENDER, null);
    switchLanguage(pageLanguage());
    storage(KEY_LANGUAGE, null);
    state.entries = [];
    state.queue = [];
    state.conversation += 1;
    if (state.log) state.log.textContent = "";
  }

  function close_() {
    if (!state.panel || state.panel.hidden) return;
    forget();
    state.panel.hidden = true;
    if (state.opener) {
      state.opener.setAttribute("aria-expanded", "false");
      state.opener.focus();
    }
  }

  function open(button) {
    state.opener = button || null;
    var ready = state.panel ? Promise.resolve() : loadStrings().then(function () {
      build();
      state.entries = savedLog();
      state.entries.forEach(function (entry) { render(entry, false); });
      scrollTo(null);
    });
    return ready.then(function () {
      state.panel.hidden = false;
      if (state.opener) {
        state.opener.setAttribute("aria-expanded", "true");
        state.opener.setAttribute("aria-controls", "vagut-chat");
      }
      state.input.focus();
      if (!state.entries.length && !state.busy && !state.queue.length) send("/greet", null);
    });
  }

  window.vagutChat = { open: open, close: close_ };
})();
