/* The in-page filter: narrows the cards as you type; case- and ё-insensitive; #q= deep links. */
(function () {
  "use strict";
  var box = document.getElementById("imk-filter");
  if (!box) { return; }
  var input = document.getElementById("imk-q");
  var count = document.getElementById("imk-count");
  var template = count.getAttribute("data-template");
  var cards = Array.prototype.slice.call(document.querySelectorAll(".imk-card"));
  var fold = function (s) { return s.toLowerCase().replace(/ё/g, "е").replace(/\s+/g, " "); };
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
      var ok = words.every(function (w) { return texts[i].indexOf(w) !== -1; });
      holders[i].classList.toggle("imk-hidden", !ok);
      if (toc[card.id]) { toc[card.id].classList.toggle("imk-hidden", !ok); }
      if (ok) { shown += 1; }
    });
    count.textContent = template.replace("{shown}", shown).replace("{total}", cards.length);
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
