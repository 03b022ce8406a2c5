// Rows of a formset (frister, milepæler, bindinger …): "Legg til" and "Fjern" without a page load.
// Without JavaScript the same buttons submit the form with name="radhandling", and the server
// adds or marks the row and shows the page again with nothing saved (brev/redigering/felles.py).
(function () {
  "use strict";

  function settFjernet(rad, fjernet) {
    rad.querySelector("[data-slett]").disabled = !fjernet;
    rad.querySelector("[data-fjernet]").hidden = !fjernet;
    rad.querySelector("[data-radfelter]").hidden = fjernet;
    var fokus = rad.querySelector(fjernet ? "[data-angre]" : "[data-fjern]");
    if (fokus) { fokus.focus(); }
  }

  function leggTil(formsett) {
    var total = formsett.querySelector("input[name$='-TOTAL_FORMS']");
    var mal = formsett.querySelector("template[data-radmal]");
    var n = parseInt(total.value, 10);
    var html = mal.innerHTML.replace(/__prefix__/g, String(n)).replace(/__nr__/g, String(n + 1));
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var rad = holder.firstElementChild;
    formsett.querySelector("[data-rader]").appendChild(rad);
    total.value = String(n + 1);
    var forste = rad.querySelector("[data-radfelter] input:not([type=hidden]), [data-radfelter] textarea, [data-radfelter] select");
    if (forste) { forste.focus(); }
  }

  function start(formsett) {
    var total = formsett.querySelector("input[name$='-TOTAL_FORMS']");
    if (!total || !formsett.querySelector("template[data-radmal]")) { return; }
    formsett.addEventListener("click", function (e) {
      var knapp = e.target.closest("button[name=radhandling]");
      if (!knapp || !formsett.contains(knapp)) { return; }
      e.preventDefault();
      if (knapp.hasAttribute("data-legg-til")) { leggTil(formsett); }
      else if (knapp.hasAttribute("data-fjern")) { settFjernet(knapp.closest("[data-rad]"), true); }
      else if (knapp.hasAttribute("data-angre")) { settFjernet(knapp.closest("[data-rad]"), false); }
    });
  }

  function klar() {
    var alle = document.querySelectorAll("[data-formsett]");
    for (var i = 0; i < alle.length; i++) { start(alle[i]); }
    var oppsummering = document.getElementById("feiloppsummering");
    if (oppsummering) { oppsummering.focus(); }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", klar); } else { klar(); }
})();
