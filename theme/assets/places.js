/* Where a text points: a municipality, another name for it, a district, a locality or a postal
   code. The same algorithm as vagut/placefinder.py (the chat and the intake service), over the
   same compiled data (assets/places.json); tests/places/cases.yml runs against both, and the
   browser test checks that both give the same answers. Change them together.
   Loaded by site.js on the first keystroke in the directory's search. */
(function () {
  "use strict";

  var NAME = 0, OFFICIAL = 1, OTHER = 2, DISTRICT = 3, LOCALITY = 4;
  var KIND_NAMES = ["name", "official", "other", "district", "locality"];
  var SOUND_PENALTY = 0.25, SHORTEST_SOUND = 3, MOST_WORDS_FOR_SOUNDS = 3, LONGEST_NAME = 4;
  var CASE_ENDINGS = ["dan", "den", "tan", "ten", "da", "de", "ta", "te"];
  var POSTAL = /(?<![0-9])([0-9]{3}) ?([0-9]{2})(?![0-9])/g;
  var LATIN_OR_DIGIT = /[a-z0-9]/;

  function chars(text) { return Array.from(text); }

  function norm(text) {
    // ئ carries a vowel (ئۆرێبرۆ, Örebro): ا, not the ي its decomposition gives (as placefinder.py).
    var decomposed = text.toLowerCase().replace(/ı/g, "i").replace(/ئ/g, "ا").normalize("NFKD")
      .replace(/\p{M}/gu, "");
    decomposed = decomposed.replace(/[\u0660-\u0669]/g, function (d) { return String(d.charCodeAt(0) - 0x660); })
      .replace(/[\u06f0-\u06f9]/g, function (d) { return String(d.charCodeAt(0) - 0x6f0); });
    return decomposed.replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }

  function allowedTypos(length) { return length >= 9 ? 2 : length >= 5 ? 1 : 0; }
  function allowedSoundErrors(length) { return length >= 10 ? 2 : length >= 5 ? 1 : 0; }

  // Damerau-Levenshtein (optimal string alignment), or limit + 1 once it is past `limit`.
  function distance(a, b, limit) {
    a = chars(a); b = chars(b);
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var previous2 = [], previous = [];
    for (var j = 0; j <= b.length; j++) previous.push(j);
    for (var i = 1; i <= a.length; i++) {
      var row = [i], best = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var value = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          value = Math.min(value, previous2[j - 2] + 1);
        }
        row.push(value);
        if (value < best) best = value;
      }
      if (best > limit) return limit + 1;
      previous2 = previous; previous = row;
    }
    return previous[b.length];
  }

  // Runs of 1..longest words, longest first, left to right.
  function grams(tokens, longest) {
    var out = [];
    for (var size = Math.min(longest, tokens.length); size > 0; size--) {
      for (var start = 0; start + size <= tokens.length; start++) {
        var used = tokens.slice(start, start + size);
        out.push({ gram: used.join(" "), used: used });
      }
    }
    return out;
  }

  function byRank(a, b) { return a[0] - b[0] || a[1] - b[1] || a[2] - b[2]; }

  function PlaceFinder(places) {
    var self = this;
    this.municipalities = places.m;
    this.filler = new Set(places.words.filler);
    this.common = new Set(places.words.common);
    this.notPostal = new Set(places.words.not_postal);
    this.keys = new Map(); // key → [[kind, municipality, label]]
    places.m.forEach(function (m, index) {
      self.add(m[0], NAME, index, m[0]);
      self.add(norm(m[0]) + "s", NAME, index, m[0]);
      self.add(m.length > 2 ? m[2] : m[0] + " kommun", OFFICIAL, index, m[0]);
    });
    [["o", OTHER], ["d", DISTRICT], ["l", LOCALITY]].forEach(function (table) {
      places[table[0]].forEach(function (entry) {
        // A post town named after a neighbouring municipality does not point at the neighbour.
        if (table[1] === LOCALITY && self.namesAnother(norm(entry[0]), entry[1])) return;
        self.add(entry[0], table[1], entry[1], entry[0]);
      });
    });
    this.byLength = new Map();
    this.keys.forEach(function (_, key) {
      var length = chars(key).length;
      if (!self.byLength.has(length)) self.byLength.set(length, []);
      self.byLength.get(length).push(key);
    });
    this.postal = new Map();
    this.prefixes = new Map();
    for (var i = 0, code = 0, locality = 0; i < places.pc.length; i++) {
      code += places.pc[i];
      locality += places.pl[i];
      var entry = places.l[locality];
      var text = String(code).padStart(5, "0");
      this.postal.set(text, [entry[1], entry[0]]);
      var prefix = text.slice(0, 3);
      if (!this.prefixes.has(prefix)) this.prefixes.set(prefix, new Map());
      var counts = this.prefixes.get(prefix);
      counts.set(entry[1], (counts.get(entry[1]) || 0) + 1);
    }
    this.classes = {};
    places.sound.letters.forEach(function (pair) {
      chars(pair[0]).forEach(function (letter) { self.classes[letter] = pair[1]; });
    });
    places.sound.geez.split(" ").forEach(function (row) {
      var first = row.codePointAt(0), sound = chars(row)[1].replace("-", "");
      for (var order = 0; order < 8; order++) self.classes[String.fromCodePoint(first + order)] = sound;
    });
    this.glides = {};
    places.sound.glides.forEach(function (pair) {
      chars(pair[0]).forEach(function (letter) { self.glides[letter] = pair[1]; });
    });
    this.sounds = []; // [consonant sounds, municipality, label]
    var named = places.m.map(function (m, index) { return [m[0], index]; }).concat(places.d);
    places.sm.concat(places.sd).forEach(function (sounds, i) {
      sounds.split(" ").filter(Boolean).forEach(function (sound) {
        self.sounds.push([sound, named[i][1], named[i][0]]);
      });
    });
  }

  PlaceFinder.prototype.namesAnother = function (key, index) {
    return (this.keys.get(key) || []).some(function (e) { return e[0] === NAME && e[1] !== index; });
  };

  PlaceFinder.prototype.add = function (text, kind, index, label) {
    var key = norm(text);
    if (!this.keys.has(key)) this.keys.set(key, []);
    var entries = this.keys.get(key);
    if (!entries.some(function (e) { return e[0] === kind && e[1] === index; })) {
      entries.push([kind, index, label]);
    }
  };

  // A name with a Turkish case ending written on ("malmoda"): a municipality's or a district's.
  PlaceFinder.prototype.caseEnding = function (word) {
    for (var i = 0; i < CASE_ENDINGS.length; i++) {
      var ending = CASE_ENDINGS[i];
      if (word.length <= ending.length || word.slice(-ending.length) !== ending) continue;
      var base = word.slice(0, -ending.length);
      if (chars(base).length < 4 || word.indexOf(" ") >= 0) continue;
      var entries = (this.keys.get(base) || []).filter(function (e) { return e[0] <= DISTRICT; });
      if (entries.length) return entries;
    }
    return [];
  };

  function option(municipality, via, label) {
    return { municipality: municipality, via: via, label: label };
  }

  // {sure: option or null, options: [option]}: never a silent guess (see placefinder.py).
  PlaceFinder.prototype.find = function (text, settings) {
    settings = settings || {};
    var typos = settings.typos !== false, sounds = settings.sounds !== false;
    var limit = settings.limit || 4, asked = settings.asked === true;
    var normalised = norm(text);
    var found = this.findPostal(normalised, limit);
    if (found) return found;
    var tokens = normalised ? normalised.split(" ") : [];
    if (!tokens.length) return { sure: null, options: [] };
    var whole = tokens.filter(function (t) {
      return t !== "kommun" && t !== "kommunen" && t !== "municipality";
    }).join(" ");
    found = this.findExact(tokens, whole, limit, asked);
    if (found || !typos) return found || { sure: null, options: [] };
    return this.findClose(tokens, sounds, limit);
  };

  PlaceFinder.prototype.findPostal = function (normalised, limit) {
    var matches = Array.from(normalised.matchAll(POSTAL));
    for (var i = 0; i < matches.length; i++) {
      var first = matches[i][1], code = first + matches[i][2];
      if (this.notPostal.has(code)) continue;
      if (this.postal.has(code)) {
        var hit = this.postal.get(code);
        return { sure: option(hit[0], "postal", hit[1]), options: [] };
      }
      var owners = this.prefixes.get(first) || new Map();
      var ranked = Array.from(owners.keys()).sort(function (a, b) {
        return owners.get(b) - owners.get(a) || a - b;
      });
      var self = this;
      if (ranked.length === 1) {
        return { sure: option(ranked[0], "postal_prefix", this.municipalities[ranked[0]][0]), options: [] };
      }
      if (ranked.length) {
        return {
          sure: null,
          options: ranked.slice(0, limit).map(function (m) {
            return option(m, "postal_prefix", self.municipalities[m][0]);
          })
        };
      }
    }
    return null;
  };

  // `asked`: the text answers "where?" ("vi bor i Handen").
  PlaceFinder.prototype.findExact = function (tokens, whole, limit, asked) {
    var self = this, hits = [];
    var content = tokens.filter(function (t) { return !self.filler.has(t); }).join(" ");
    grams(tokens, LONGEST_NAME).forEach(function (g, order) {
      // Asked "where?", a common word that is all the answer says besides filler is the name.
      var common = self.common.has(g.gram) && !(asked && content === g.gram);
      if (g.gram !== whole && (common || chars(g.gram).length < 4)) return;
      (self.keys.get(g.gram) || self.caseEnding(g.gram)).forEach(function (e) {
        hits.push([e[0], order, e[1], e[2], g.gram]);
      });
    });
    if (!hits.length) return null;
    hits.sort(byRank);
    var best = hits[0], kind = best[0], index = best[2], label = best[3];
    var owners = [], sameKind = [], kinds = {};
    hits.forEach(function (hit) {
      if (hit[4] !== best[4]) return;
      if (owners.indexOf(hit[2]) < 0) { owners.push(hit[2]); kinds[hit[2]] = hit[0]; }
      if (hit[0] === kind && sameKind.indexOf(hit[2]) < 0) sameKind.push(hit[2]);
    });
    if (sameKind.length > 1) { // two places of one name and kind: ask
      return {
        sure: null,
        options: owners.slice(0, limit).map(function (m) { return option(m, KIND_NAMES[kind], label); })
      };
    }
    var others = owners.filter(function (m) { return m !== index; });
    return {
      sure: option(index, KIND_NAMES[kind], label),
      options: others.slice(0, limit - 1).map(function (m) { return option(m, KIND_NAMES[kinds[m]], label); })
    };
  };

  PlaceFinder.prototype.findClose = function (tokens, sounds, limit) {
    var self = this, scored = [];
    var content = tokens.filter(function (t) { return !self.filler.has(t); });
    var fewWords = content.length <= MOST_WORDS_FOR_SOUNDS;
    grams(tokens, 2).forEach(function (g) {
      if (self.filler.has(g.gram) || self.common.has(g.gram)) return;
      if (LATIN_OR_DIGIT.test(g.gram)) {
        if (chars(g.gram).length >= 4 && !/^[0-9]+$/.test(g.gram)) {
          // The start of a name only when it is all there is: someone still typing.
          var starts = content.length === 1 && content[0] === g.gram;
          scored = scored.concat(self.spellings(g.gram, starts));
        }
      } else if (sounds && fewWords && !g.used.some(function (t) { return self.filler.has(t); })) {
        scored = scored.concat(self.soundsLike(g.gram));
      }
    });
    scored.sort(byRank);
    var options = [];
    scored.forEach(function (hit) {
      if (!options.some(function (o) { return o.municipality === hit[2]; })) {
        options.push(option(hit[2], hit[4], hit[3]));
      }
    });
    return { sure: null, options: options.slice(0, limit) };
  };

  // [score, kind, municipality, label, via] of keys spelled close to `gram`, or (if `starts`) that
  // start with it.
  PlaceFinder.prototype.spellings = function (gram, starts) {
    var self = this, out = [], length = chars(gram).length, limit = allowedTypos(length);
    var first = chars(gram)[0], second = chars(gram)[1];
    for (var size = length - limit; size <= length + limit; size++) {
      (this.byLength.get(size) || []).forEach(function (key) {
        var letters = chars(key);
        if (letters[0] !== first && letters[1] !== second) return;
        var errors = distance(gram, key, limit);
        if (errors <= limit) {
          self.keys.get(key).forEach(function (e) { out.push([errors, e[0], e[1], e[2], "typo"]); });
        }
      });
    }
    if (starts) {
      this.keys.forEach(function (entries, key) {
        if (chars(key).length > length + limit && key.indexOf(gram) === 0) {
          entries.forEach(function (e) { out.push([1, e[0], e[1], e[2], "start"]); });
        }
      });
    }
    return out;
  };

  PlaceFinder.prototype.soundsLike = function (gram) {
    var sound = this.writtenSounds(gram), out = [];
    if (sound.length < SHORTEST_SOUND) return out;
    var limit = allowedSoundErrors(sound.length), municipalities = this.municipalities;
    this.sounds.forEach(function (entry) {
      var errors = distance(sound, entry[0], limit);
      var kind = entry[2] === municipalities[entry[1]][0] ? NAME : DISTRICT;
      if (errors <= limit) out.push([errors + SOUND_PENALTY, kind, entry[1], entry[2], "sound"]);
    });
    return out;
  };

  PlaceFinder.prototype.writtenSounds = function (text) {
    var self = this, out = [];
    text.split(" ").forEach(function (word) {
      var letters = chars(word);
      if (letters.length && (letters[letters.length - 1] === "ه" || letters[letters.length - 1] === "ة")) {
        letters.pop();
      }
      var sounds = [];
      letters.forEach(function (ch, i) {
        if (i === 0 && self.glides[ch] !== undefined) sounds.push(self.glides[ch]);
        else sounds.push(self.classes[ch] || "");
      });
      chars(sounds.join("")).forEach(function (sound) {
        if (!out.length || out[out.length - 1] !== sound) out.push(sound);
      });
    });
    return out.join("");
  };

  window.vagutPlaces = { PlaceFinder: PlaceFinder, norm: norm };
})();
