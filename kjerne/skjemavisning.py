"""How every form field is drawn: Designsystemet's field (label above, hint, error, input).

``FORM_RENDERER`` points here, so each form in the portal gets it without a mixin: Django's own
widgets carry Designsystemet's ``ds-input`` class, and ``{{ field.as_field_group }}`` renders
``templates/skjema/felt.html`` (a checkbox beside its label, a group of choices as a fieldset
with a legend). Widgets from other packages (the rich-text editor) keep their own look.
"""

from __future__ import annotations

from django.forms import BoundField
from django.forms.renderers import TemplatesSetting

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
