/* The Snowball Russian stemmer (snowballstem.org/algorithms/russian), the algorithm the catalogue
   runs through PyStemmer: the page stems a typed word the way the export stemmed the cards'
   words (their stems ship in data-stems), so «дроби» finds «дробями» and «дробей».
   Expects a lower-case word with «ё» already read as «е». */
var imkStemRu = (function () {
  "use strict";
  var VOWELS = "аеиоуыэюя";
  /* Endings, each mapped to its group: 1 = only after «а» or «я», 2 = anywhere. */
  function endings(one, two) {
    var map = Object.create(null);
    one.split(" ").forEach(function (e) { map[e] = 1; });
    (two || "").split(" ").filter(Boolean).forEach(function (e) { map[e] = 2; });
    return map;
  }
  var GERUND = endings("в вши вшись", "ив ивши ившись ыв ывши ывшись");
  var ADJECTIVE = endings(
    "ее ие ые ое ими ыми ей ий ый ой ем им ым ом его ого ему ому их ых ую юю ая яя ою ею"
  );
  var PARTICIPLE = endings("ем нн вш ющ щ", "ивш ывш ующ");
  var REFLEXIVE = endings("ся сь");
  var VERB = endings(
    "ла на ете йте ли й л ем н ло но ет ют ны ть ешь нно",
    "ила ыла ена ейте уйте ите или ыли ей уй ил ыл им ым ен ило ыло ено ят ует уют ит ыт ены " +
    "ить ыть ишь ую ю"
  );
  var NOUN = endings(
    "а ев ов ие ье е иями ями ами еи ии и ией ей ой ий й иям ям ием ем ам ом о у ах иях ях ы ь " +
    "ию ью ю ия ья я"
  );
  var DERIVATIONAL = endings("ост ость");
  var TIDY = endings("ейш ейше н ь");

  function isVowel(ch) { return VOWELS.indexOf(ch) !== -1; }

  /* The longest ending of w[limit:] in the map (Snowball's among), or "". */
  function among(w, limit, suffixes) {
    for (var n = Math.min(6, w.length - limit); n > 0; n -= 1) {
      var end = w.slice(w.length - n);
      if (suffixes[end]) { return end; }
    }
    return "";
  }

  /* Group-1 endings must follow «а» or «я» inside the region. */
  function afterAYa(w, limit, end) {
    var at = w.length - end.length - 1;
    return at >= limit && (w.charAt(at) === "а" || w.charAt(at) === "я");
  }

  /* The word without the longest of the endings; null when none applies. */
  function cut(w, limit, map) {
    var end = among(w, limit, map);
    if (!end) { return null; }
    if (map[end] === 1 && !afterAYa(w, limit, end)) { return null; }
    return w.slice(0, w.length - end.length);
  }

  function stem(word) {
    var w = word;
    var pv = w.length;
    var p2 = w.length;
    var i = 0;
    while (i < w.length && !isVowel(w.charAt(i))) { i += 1; }
    if (i < w.length) {
      pv = i + 1;
      var marks = [];
      for (var j = pv; j < w.length && marks.length < 3; j += 1) {
        var wantVowel = marks.length === 1;  /* past a non-vowel, a vowel, a non-vowel: R2 */
        if (isVowel(w.charAt(j)) === wantVowel) { marks.push(j + 1); }
      }
      if (marks.length === 3) { p2 = marks[2]; }
    }
    if (pv >= w.length) { return w; }
    var gerund = cut(w, pv, GERUND);
    if (gerund !== null) {
      w = gerund;
    } else {
      var r = among(w, pv, REFLEXIVE);
      if (r) { w = w.slice(0, w.length - r.length); }
      var a = among(w, pv, ADJECTIVE);
      if (a) {
        w = w.slice(0, w.length - a.length);
        var p = cut(w, pv, PARTICIPLE);
        if (p !== null) { w = p; }
      } else {
        var v = cut(w, pv, VERB);
        if (v !== null) {
          w = v;
        } else {
          var n = among(w, pv, NOUN);
          if (n) { w = w.slice(0, w.length - n.length); }
        }
      }
    }
    if (w.length > pv && w.charAt(w.length - 1) === "и") { w = w.slice(0, -1); }
    var d = among(w, pv, DERIVATIONAL);
    if (d && w.length - d.length >= p2) { w = w.slice(0, w.length - d.length); }
    var t = among(w, pv, TIDY);
    if (t === "ейш" || t === "ейше") {
      w = w.slice(0, w.length - t.length);
      t = w.length - 2 >= pv && w.slice(-2) === "нн" ? "н" : "";
      if (t) { w = w.slice(0, -1); }
    } else if (t === "н") {
      if (w.length - 2 >= pv && w.charAt(w.length - 2) === "н") { w = w.slice(0, -1); }
    } else if (t === "ь") {
      w = w.slice(0, -1);
    }
    return w;
  }
  return stem;
}());
