// Rich text in the report's parts: django-prose-editor on every textarea[data-rik-tekst], and
// drafts saved as the person writes (debounced) to the report's autosave endpoint.
//
// The editor is imported by its path, not through an import map: an import map is an inline
// script, which the strict CSP refuses. Norwegian texts are set first (rik_tekst_nb.js).
import "./rik_tekst_nb.js";
import * as prose from "../django_prose_editor/editor.js";

const VENT_MS = 1500; // autosave this long after the last keystroke
const GRUNNLAG = ["Document", "Paragraph", "Text", "Dropcursor", "Gapcursor"];

const TITLER = {
  "bold": "Fet",
  "italic": "Kursiv",
  "unordered list": "Punktliste",
  "ordered list": "Nummerert liste",
  "insert link": "Sett inn lenke",
  "remove link": "Fjern lenke",
  "Insert table": "Sett inn tabell",
  "Add column": "Legg til kolonne",
  "Add row": "Legg til rad",
  "Delete column": "Slett kolonne",
  "Delete row": "Slett rad",
  "Delete table": "Slett tabell",
  "Toggle header cell": "Overskriftscelle av/på",
  "Merge cells": "Slå sammen celler",
  "Split cell": "Del celle",
  "paragraph": "Avsnitt",
  "heading 3": "Overskrift",
  "heading 4": "Underoverskrift",
  "undo": "Angre",
  "redo": "Gjør om",
};

const VALG = { "Heading 3": "Overskrift", "Heading 4": "Underoverskrift", "Paragraph": "Avsnitt" };

// The editor names its toolbar buttons in English and builds the toolbar after it starts: name
// them in Norwegian now and whenever buttons are added.
function oversettMeny(rot) {
  const oversett = () => {
    for (const knapp of rot.querySelectorAll("[title]")) {
      const norsk = TITLER[knapp.getAttribute("title")];
      if (norsk) {
        knapp.setAttribute("title", norsk);
        if (knapp.hasAttribute("aria-label")) knapp.setAttribute("aria-label", norsk);
      }
    }
    for (const valg of rot.querySelectorAll(".prose-menubar__option > *")) {
      const norsk = VALG[valg.textContent];
      if (norsk) valg.textContent = norsk;
    }
  };
  oversett();
  new MutationObserver(oversett).observe(rot, { childList: true, subtree: true });
}

// As django-prose-editor's createTextareaEditor, without Tiptap's injected <style> element (an
// inline style the CSP refuses); the rules it carried are in static/css/rik_tekst.css.
function lagTextareaEditor(textarea, utvidelser) {
  const ramme = document.createElement("div");
  ramme.className = "prose-editor";
  textarea.before(ramme);
  ramme.append(textarea);
  return new prose.Editor({
    element: ramme,
    extensions: utvidelser,
    content: textarea.value,
    injectCSS: false,
    onUpdate({ editor }) {
      const html = editor.getHTML();
      textarea.value = /^<(\w+)(\s[^>]*)?><\/\1>$/i.test(html) ? "" : html;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    },
  });
}

function lagEditor(textarea) {
  const oppsett = JSON.parse(textarea.dataset.rikTekst || "{}");
  const utvidelser = [];
  for (const navn of [...GRUNNLAG, ...Object.keys(oppsett)]) {
    const utvidelse = prose[navn];
    if (!utvidelse) continue;
    const valg = oppsett[navn];
    utvidelser.push(valg && typeof valg === "object" ? utvidelse.configure(valg) : utvidelse);
  }
  const editor = lagTextareaEditor(textarea, utvidelser);
  // The editable area is named by the field's label and described by its help text.
  const attributter = { role: "textbox", "aria-multiline": "true" };
  const etikett = document.querySelector(`label[for="${textarea.id}"]`);
  if (etikett) {
    etikett.id = etikett.id || `${textarea.id}-etikett`;
    attributter["aria-labelledby"] = etikett.id;
  }
  const beskrivelse = textarea.getAttribute("aria-describedby");
  if (beskrivelse) attributter["aria-describedby"] = beskrivelse;
  editor.setOptions({ editorProps: { attributes: attributter } });
  if (etikett) etikett.addEventListener("click", () => editor.commands.focus());
  const ramme = textarea.closest(".prose-editor");
  const meny = ramme && ramme.querySelector(".prose-menubar");
  oversettMeny(meny || ramme || document.body);
  return editor;
}

// --- autosave ---------------------------------------------------------------------------------

function autolagring(skjema) {
  const url = skjema.dataset.autolagreUrl;
  const csrf = skjema.querySelector("input[name=csrfmiddlewaretoken]");
  const hjelp = skjema.querySelector(".autolagring-hjelp");
  if (hjelp) hjelp.hidden = false;
  const tilstand = new Map(); // kode -> {tidtaker, pagaar, igjen, stoppet, sist}

  function status(kode, tekst, feil = false) {
    const el = document.getElementById(`autolagring-${kode}`);
    if (!el) return;
    el.textContent = tekst;
    el.classList.toggle("feil", feil);
  }

  async function lagre(textarea, { holdILive = false } = {}) {
    const kode = textarea.name;
    const t = tilstand.get(kode);
    clearTimeout(t.tidtaker);
    if (t.stoppet || textarea.value === t.sist) return;
    if (t.pagaar) {
      t.igjen = true;
      return;
    }
    const versjon = skjema.querySelector(`input[name="versjon_${kode}"]`);
    const data = new FormData();
    data.append("kode", kode);
    data.append("tekst", textarea.value);
    data.append("versjon", versjon ? versjon.value : "");
    const sendt = textarea.value;
    t.pagaar = true;
    status(kode, "Lagrer …");
    try {
      const svar = await fetch(url, {
        method: "POST", body: data, credentials: "same-origin", keepalive: holdILive,
        headers: { "X-CSRFToken": csrf ? csrf.value : "", "Accept": "application/json" },
      });
      const innhold = await svar.json().catch(() => ({}));
      if (svar.ok) {
        if (versjon && innhold.versjon) versjon.value = innhold.versjon;
        t.sist = sendt;
        status(kode, innhold.melding || "Lagret");
      } else {
        // A conflict or a refusal: stop autosaving this part; «Lagre» shows what happened.
        t.stoppet = svar.status === 409 || svar.status === 403;
        status(kode, innhold.melding || `Ikke lagret (feil ${svar.status}). Trykk «Lagre».`, true);
      }
    } catch {
      status(kode, "Ikke lagret ennå: ingen forbindelse. Prøver igjen når du skriver videre.", true);
    } finally {
      t.pagaar = false;
      if (t.igjen) {
        t.igjen = false;
        lagre(textarea);
      }
    }
  }

  const felter = [...skjema.querySelectorAll("textarea[data-rik-tekst]")];
  for (const textarea of felter) {
    tilstand.set(textarea.name, { tidtaker: 0, pagaar: false, igjen: false, stoppet: false, sist: textarea.value });
    textarea.addEventListener("input", () => {
      const t = tilstand.get(textarea.name);
      clearTimeout(t.tidtaker);
      t.tidtaker = setTimeout(() => lagre(textarea), VENT_MS);
    });
  }
  // Leaving the page (closing the tab, following a link): save what is not saved yet.
  const lagreAlt = () => { for (const textarea of felter) lagre(textarea, { holdILive: true }); };
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") lagreAlt(); });
  window.addEventListener("pagehide", lagreAlt);
  // The normal save submits everything; no autosave may race it.
  skjema.addEventListener("submit", () => {
    for (const t of tilstand.values()) { clearTimeout(t.tidtaker); t.stoppet = true; }
  });
}

for (const textarea of document.querySelectorAll("textarea[data-rik-tekst]")) {
  try {
    lagEditor(textarea);
  } catch (feil) {
    console.error("Kunne ikke starte teksteditoren", feil); // the textarea still works
  }
}
for (const skjema of document.querySelectorAll("form[data-autolagre-url]")) autolagring(skjema);
