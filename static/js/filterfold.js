// Filters fold away on a phone: a <details data-fold-smal> is rendered open (so it works without
// JavaScript) and closed here when the screen is narrow, unless a filter is in use.
(function () {
  "use strict";
  var smal = window.matchMedia("(max-width: 40rem)");
  var alle = document.querySelectorAll("details[data-fold-smal]");
  for (var i = 0; i < alle.length; i++) {
    var d = alle[i];
    var iBruk = /\(\d+ valgt\)/.test(d.querySelector("summary").textContent);
    if (smal.matches && !iBruk) { d.open = false; }
  }
})();
