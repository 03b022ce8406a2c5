"""How every form field is drawn: Designsystemet's field (label above, hint, error, input).

``FORM_RENDERER`` points here, so each form in the portal gets it without a mixin: Django's own
widgets carry Designsystemet's ``ds-input`` class, and ``{{ field.as_field_group }}`` renders
``templates/skjema/felt.html`` (a checkbox beside its label, a group of choices as a fieldset
with a legend). Widgets from other packages (the rich-text editor) keep their own look.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.forms import BoundField, Select
from django.forms.renderers import TemplatesSetting
from django.template.base import render_value_in_context
from django.utils.safestring import SafeData, mark_safe

DS_INPUT = "ds-input"


class Felt(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if widget.is_hidden or not getattr(widget, "template_name", "").startswith("django/forms/widgets/"):
            return attrs  # a widget with its own template (the rich-text editor) keeps its own look
        klasser = (attrs.get("class") or widget.attrs.get("class") or "").split()
        if DS_INPUT not in klasser:
            attrs["class"] = " ".join([DS_INPUT, *klasser])
        return attrs


class Skjemarenderer(TemplatesSetting):
    """Django's templates, overridable from ``templates/``; one field layout for the whole portal."""

    field_template_name = "skjema/felt.html"
    bound_field_class = Felt


class SkjemadelerMixin:
    """A long form in sections: ``deler`` is ((title, (field names …)), …); a field not named goes
    in the last section. The template draws one fieldset per section and a short contents list."""

    deler: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def skjemadeler(self) -> list[dict]:
        if not self.deler:
            return []
        navngitt = {n for _, navn in self.deler for n in navn}
        ut = [{"tittel": tittel, "id": f"{self.prefix or 'skjema'}-del-{i}",
               "felter": [self[n] for n in navn if n in self.fields and not self[n].is_hidden]}
              for i, (tittel, navn) in enumerate(self.deler, start=1)]
        ut[-1]["felter"] += [f for f in self.visible_fields() if f.name not in navngitt]
        return [d for d in ut if d["felter"]]


# -- A select drawn without the template engine ------------------------------------------------------

_VERDI = SimpleNamespace(autoescape=True, use_l10n=None, use_tz=None)  # a template Context's settings


def _som_i_malen(value, *, stringformat: bool = False) -> str:
    """``{{ value }}`` (or ``{{ value|stringformat:'s' }}``) as Django's templates write it."""
    if stringformat:
        formatert = "%s" % (str(value) if isinstance(value, tuple) else value)
        value = mark_safe(formatert) if isinstance(value, SafeData) else formatert  # the filter is_safe
    return render_value_in_context(value, _VERDI)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(f" {_som_i_malen(navn)}" + ("" if verdi is True else f'="{_som_i_malen(verdi, stringformat=True)}"')
                   for navn, verdi in attrs.items() if verdi is not False)


class RaskSelect(Select):
    """Django's ``Select``, the same context (choices, selection, attributes) written to the same
    HTML as its templates (django/forms/widgets/select.html, select_option.html, attrs.html) in
    Python: through the template engine the oppdrag list's ten selects took about 10 ms of each
    request. A project override of those templates is not read here: tests/test_rask_select.py
    compares the output with the templates' for that reason."""

    def _render(self, template_name, context, renderer=None):
        w = context["widget"]
        if template_name != self.template_name or template_name != "django/forms/widgets/select.html":
            return super()._render(template_name, context, renderer)
        deler = [f'<select name="{_som_i_malen(w["name"])}"{_attrs(w["attrs"])}>']
        for gruppe, valg, _indeks in w["optgroups"]:
            if gruppe:
                deler.append(f'\n  <optgroup label="{_som_i_malen(gruppe)}">')
            for option in valg:
                if option["template_name"] != "django/forms/widgets/select_option.html":
                    return super()._render(template_name, context, renderer)
                deler.append(f'\n  <option value="{_som_i_malen(option["value"], stringformat=True)}"'
                             f'{_attrs(option["attrs"])}>{_som_i_malen(option["label"])}</option>\n')
            if gruppe:
                deler.append("\n  </optgroup>")
        deler.append("\n</select>")
        return mark_safe("".join(deler).strip())  # noqa: S308 - every value above is escaped
