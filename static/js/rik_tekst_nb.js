// Norwegian texts for django-prose-editor. Loaded before the editor module, which reads
// window.gettext once when it is evaluated (static/js/rik_tekst.js imports this file first).
const NB = {
  "Add caption": "Legg til bildetekst",
  "Bullets": "Punkter",
  "Cancel": "Avbryt",
  "Caption": "Bildetekst",
  "Columns": "Kolonner",
  "Decimal numbers": "Tall (1, 2, 3)",
  "Include header row": "Med overskriftsrad",
  "Insert": "Sett inn",
  "Insert Table": "Sett inn tabell",
  "Edit Link": "Rediger lenke",
  "List properties": "Listeegenskaper",
  "List type": "Listetype",
  "Lowercase Roman numerals": "Små romertall (i, ii, iii)",
  "Lowercase letters": "Små bokstaver (a, b, c)",
  "Open in new window": "Åpne i nytt vindu",
  "Rows": "Rader",
  "Start at": "Start på",
  "Table Properties": "Tabellegenskaper",
  "Title": "Tittel",
  "Toggle fullscreen": "Fullskjerm av/på",
  "URL": "Adresse (https://…)",
  "Update": "Oppdater",
  "Uppercase Roman numerals": "Store romertall (I, II, III)",
  "Uppercase letters": "Store bokstaver (A, B, C)",
};

if (typeof window.gettext !== "function") {
  window.gettext = (tekst) => NB[tekst] ?? tekst;
}
