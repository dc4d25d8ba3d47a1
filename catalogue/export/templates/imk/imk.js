/* The in-page filter: narrows the cards as you type; case- and ё-insensitive; #q= deep links.
   A typed word matches a card when the card's text contains it, or when one of its words has
   the same Snowball stem (data-stems, written at export; imkStemRu in stem_ru.js): «дроби»
   finds «дробями» and «дробей». */
(function () {
  "use strict";
  var box = document.getElementById("imk-filter");
  if (!box) { return; }
  var input = document.getElementById("imk-q");
  var count = document.getElementById("imk-count");
  var template = count.getAttribute("data-template");
  var cards = Array.prototype.slice.call(document.querySelectorAll(".imk-card"));
  var fold = function (s) { return s.toLowerCase().replace(/ё/g, "е").replace(/\s+/g, " "); };
  var none = document.getElementById("imk-none");
  var stems = cards.map(function (card) {
    var known = Object.create(null);
    (card.getAttribute("data-stems") || "").split(" ").forEach(function (s) { known[s] = true; });
    return known;
  });
  var letters = /[^\p{L}\p{N}]+/u;
  var stemOf = function (word) { return /[а-я]/.test(word) ? imkStemRu(word) : word; };
  var texts = cards.map(function (card) {
    var parts = [];
    Array.prototype.forEach.call(card.children, function (el) {
      if (el.tagName !== "SCRIPT") { parts.push(el.textContent); }
    });
    return fold(parts.join(" "));
  });
  var holders = cards.map(function (card) { return card.closest(".jp-Cell") || card; });
  var toc = {};
  Array.prototype.forEach.call(document.querySelectorAll(".imk-toc li[data-card]"), function (li) {
    toc[li.getAttribute("data-card")] = li;
  });
  function fromHash() {
    var m = /^#q=(.*)$/.exec(window.location.hash);
    if (!m) { return ""; }
    try { return decodeURIComponent(m[1]); } catch (e) { return m[1]; }
  }
  function apply(query, remember) {
    var words = fold(query).split(" ").filter(Boolean);
    var shown = 0;
    cards.forEach(function (card, i) {
      var ok = words.every(function (w) {
        if (texts[i].indexOf(w) !== -1) { return true; }
        var parts = w.split(letters).filter(Boolean);
        return parts.length > 0 && parts.every(function (p) { return stems[i][stemOf(p)]; });
      });
      holders[i].classList.toggle("imk-hidden", !ok);
      if (toc[card.id]) { toc[card.id].classList.toggle("imk-hidden", !ok); }
      if (ok) { shown += 1; }
    });
    count.textContent = template.replace("{shown}", shown).replace("{total}", cards.length);
    none.hidden = shown > 0;
    if (remember) {
      var url = window.location.pathname + window.location.search;
      try {
        window.history.replaceState(null, "", query ? url + "#q=" + encodeURIComponent(query) : url);
      } catch (e) { /* some browsers refuse history changes on file: pages */ }
    }
  }
  input.addEventListener("input", function () { apply(input.value, true); });
  window.addEventListener("hashchange", function () {
    if (/^#q=/.test(window.location.hash)) { input.value = fromHash(); apply(input.value, false); }
  });
  input.value = fromHash();
  box.hidden = false;
  apply(input.value, false);
}());
