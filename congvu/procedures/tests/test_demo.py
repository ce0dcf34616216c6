from __future__ import annotations

import pytest

from congvu.organizations.services import province_seed
from congvu.procedures import services
from congvu.procedures.demo import CATALOGUE, demo_procedures_seed
from congvu.procedures.models import ProcedureVersion
from congvu.procedures.selectors import procedure_list

pytestmark = pytest.mark.django_db


def test_the_demo_catalogue_is_published_with_valid_processes(admin_user):
    province = province_seed(actor=None, province_name="Cao Bằng").province

    result = demo_procedures_seed(actor=admin_user, province=province)

    assert result.created == len(CATALOGUE) >= 20
    versions = list(ProcedureVersion.objects.select_related("competent_unit"))
    assert all(v.status == ProcedureVersion.Status.PUBLISHED for v in versions)
    assert all(services.process_validate(v) == [] for v in versions)
    assert {v.level for v in versions} == {"province", "commune"}
    justice = ProcedureVersion.objects.get(procedure__code="2.000488")
    assert justice.competent_unit is not None
    assert justice.competent_unit.seed_key == "P04/dept/tu-phap"
    birth = ProcedureVersion.objects.get(procedure__code="1.001193")
    assert birth.competent_kind == ProcedureVersion.Competent.COMMUNE
    assert sum(s.budget_hours for s in birth.steps.all()) == birth.processing_hours == 8
    assert procedure_list(q="dang ky khai sinh").get().procedure.code == "1.001193"


def test_the_demo_catalogue_loads_once(admin_user):
    province = province_seed(actor=None, province_name="Cao Bằng").province
    demo_procedures_seed(actor=admin_user, province=province)

    again = demo_procedures_seed(actor=admin_user, province=province)

    assert (again.created, again.skipped) == (0, len(CATALOGUE))
    assert ProcedureVersion.objects.count() == len(CATALOGUE)
