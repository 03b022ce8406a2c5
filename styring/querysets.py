from __future__ import annotations

from brukere.querysets import TilgangQuerySet


class TildelingsbrevQuerySet(TilgangQuerySet):
    """The one gate for letters (``for_user``): ministry staff see their own ministry's letters;
    agency staff see their own agency's sent letters; observers see sent letters; administrators
    see everything."""

    def for_departement(self, departement_id: int):
        return self.filter(departement_id=departement_id)

    def for_virksomhet(self, virksomhet_id: int):
        return self.filter(virksomhet_id=virksomhet_id, status="sendt")

    def for_observator(self):
        return self.filter(status="sendt")

    def with_structure(self):
        return self.select_related("virksomhet", "departement", "instruks").prefetch_related(
            "maal__styringsparametere__resultatkrav", "maal__styringsparametere__maaleverdier",
            "rapporteringspunkter", "kopi_til",
        )
