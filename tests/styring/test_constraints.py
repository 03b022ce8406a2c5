"""What must never happen is refused by the database itself, not only by forms."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from budsjett.models import Budsjettpost
from kjerne.historikk import acting_user
from oppdrag.models import Frist, Oppdrag
from styring.models import Rapporteringspunkt, Tildelingsbrev
from tests.factories import (
    BudsjettbindingFactory,
    BudsjettpostFactory,
    FristFactory,
    OppdragFactory,
    TildelingsbrevFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _refused(fn):
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()


def test_two_letters_for_one_agency_and_year_are_refused():
    brev = TildelingsbrevFactory(aar=2024)
    _refused(lambda: Tildelingsbrev.objects.create(virksomhet=brev.virksomhet, departement=brev.departement, aar=2024))
    # Another year, or another agency, is fine.
    TildelingsbrevFactory(virksomhet=brev.virksomhet, departement=brev.departement, aar=2025)
    TildelingsbrevFactory(departement=brev.departement, aar=2024)


def test_two_oppdrag_with_the_same_number_for_one_agency_are_refused():
    o = OppdragFactory(nummer="2024-01")
    _refused(lambda: Oppdrag.objects.create(virksomhet=o.virksomhet, nummer="2024-01", aar=2024, tittel="Kopi"))
    OppdragFactory(nummer="2024-01")  # another agency may use the same number


def test_negative_amounts_are_refused():
    post = BudsjettpostFactory()
    _refused(lambda: Budsjettpost.objects.filter(pk=post.pk).update(tildelt_kr=-1))
    _refused(lambda: BudsjettbindingFactory(post=post, belop_kr=-5))
    _refused(lambda: BudsjettpostFactory(andel_kr=-100))


def test_a_period_that_ends_before_it_starts_is_refused():
    _refused(lambda: FristFactory(form="periode", fra_dato=date(2024, 7, 1), dato=date(2024, 6, 30)))


def test_a_recurrence_that_ends_before_its_first_occurrence_is_refused():
    _refused(lambda: FristFactory(form="gjentakende", dato=date(2024, 8, 1), intervall_mnd=12,
                                  gjentas_til=date(2024, 1, 1)))


def test_ongoing_frist_cannot_carry_a_date():
    _refused(lambda: FristFactory(form="lopende", tekst="Løpende", dato=date(2024, 1, 1)))


def test_report_deadline_before_the_as_of_date_is_refused():
    brev = TildelingsbrevFactory()
    _refused(lambda: Rapporteringspunkt.objects.create(
        tildelingsbrev=brev, type="halvaarsrapport", rapport_aar=2024, betegnelse="Halvår",
        telletidspunkt=date(2024, 6, 30), frist=date(2024, 6, 1)))


def test_frist_before_oppdrag_start_is_a_clear_norwegian_validation_error():
    from django.core.exceptions import ValidationError

    o = OppdragFactory(start=None)
    FristFactory(oppdrag=o, dato=date(2024, 3, 1), tekst="01.03.2024")
    o.start = date(2024, 4, 1)
    with pytest.raises(ValidationError) as exc:
        o.full_clean()
    assert "Oppstart 01.04.2024 er etter fristen «01.03.2024» (01.03.2024)." in exc.value.message_dict["start"]


def test_history_records_the_acting_user_outside_a_request():
    user = UserFactory()
    o = OppdragFactory()
    with acting_user(user):
        o.tittel = "Ny tittel"
        o.save()
    latest = o.history.first()
    assert latest.history_user == user
    assert latest.tittel == "Ny tittel"
    assert latest.prev_record.tittel != "Ny tittel"
    delta = latest.diff_against(latest.prev_record)
    assert [c.field for c in delta.changes] == ["tittel"]


def test_frist_history_is_kept_when_a_frist_is_deleted():
    f = FristFactory()
    pk = f.pk
    f.delete()
    assert Frist.history.filter(id=pk, history_type="-").exists()
