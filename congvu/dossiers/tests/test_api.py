"""The dossier API: the full path through it, 409 for what the state does not allow, and the
public lookup without personal data."""

from __future__ import annotations

import io
import threading

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection

from congvu.dossiers.lookup import answers as lookup_answers
from congvu.dossiers.lookup import names as lookup_names
from congvu.dossiers.models import Dossier, DossierTransition
from congvu.dossiers.services import dossier_act

from .conftest import at

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def body(applicant):
    return {
        "procedure": "1.000001",
        "channel": 2,
        "applicant": {
            "name": applicant.name,
            "id_number": applicant.id_number,
            "phone": applicant.phone,
            "email": applicant.email,
            "address": applicant.address,
        },
    }


def post_action(client, code, when, **data):
    with time_machine.travel(when, tick=False):
        return client.post(f"/api/v1/dossiers/{code}/actions/", data, format="json")


def test_full_path_through_the_api(
    api_client_for, citizen, version, applicant, one_stop, official_a, head_a
):
    me, desk = api_client_for(citizen), api_client_for(one_stop.user)
    specialist, director = api_client_for(official_a.user), api_client_for(head_a.user)
    with time_machine.travel(at(13, 2, 9), tick=False):
        created = me.post("/api/v1/dossiers/", body(applicant), format="json")
    assert created.status_code == 201, created.json()
    code = created.json()["code"]
    assert created.json()["national_status"] == 1
    assert created.json()["due_at"] is None

    assert (
        post_action(
            desk, code, at(13, 2, 9, 10), action="request_intake_supplement", note="Thiếu tờ khai"
        ).status_code
        == 200
    )
    pdf = io.BytesIO(PDF)
    pdf.name = "Tờ khai <bổ sung>.pdf"
    with time_machine.travel(at(13, 2, 9, 20), tick=False):
        upload = me.post(
            f"/api/v1/dossiers/{code}/documents/",
            {"file": pdf, "kind": "supplement"},
            format="multipart",
        )
    assert upload.status_code == 201, upload.json()
    assert upload.json()["original_name"] == "Tờ khai _bổ sung_.pdf"
    assert post_action(me, code, at(13, 2, 9, 30), action="supplement").status_code == 200
    received = post_action(desk, code, at(13, 2, 10), action="receive")
    assert received.json()["due_at"] == "2026-02-27T10:00:00+07:00"
    assert post_action(desk, code, at(13, 2, 11), action="forward").status_code == 200
    assert post_action(specialist, code, at(25, 2, 9), action="forward").status_code == 200
    late = post_action(
        director, code, at(26, 2, 14), action="apologize", note="Chờ ý kiến liên ngành",
        new_due_at="2026-03-04T10:00:00+07:00",
    )  # fmt: skip
    assert late.json()["due_at"] == "2026-03-04T10:00:00+07:00"
    second = post_action(
        director, code, at(27, 2, 9), action="apologize", note="Lần nữa",
        new_due_at="2026-03-06T10:00:00+07:00",
    )  # fmt: skip
    assert second.status_code == 409
    assert "second extension" in second.json()["detail"] or "gia hạn" in second.json()["detail"]
    assert (
        post_action(director, code, at(4, 3, 9), action="resolve", note="Đã cấp").status_code == 200
    )
    assert post_action(desk, code, at(4, 3, 14), action="return_result").status_code == 200
    rated = post_action(me, code, at(4, 3, 15), action="rate", rating={"overall": "satisfied"})
    assert rated.json()["national_status"] == 10
    assert rated.json()["timeliness"] == "on_time"
    assert [t["action"] for t in rated.json()["transitions"]] == [
        "submit", "request_intake_supplement", "supplement", "receive", "forward", "forward",
        "apologize", "resolve", "return_result", "rate",
    ]  # fmt: skip


def test_actions_list_shows_what_the_caller_may_do(
    api_client_for, citizen, version, applicant, one_stop
):
    created = api_client_for(citizen).post("/api/v1/dossiers/", body(applicant), format="json")
    code = created.json()["code"]
    desk = api_client_for(one_stop.user).get(f"/api/v1/dossiers/{code}/actions/").json()
    assert {a["action"] for a in desk} >= {"receive", "request_intake_supplement", "refuse_intake"}
    mine = api_client_for(citizen).get(f"/api/v1/dossiers/{code}/actions/").json()
    assert [a["action"] for a in mine] == ["request_withdrawal"]


def test_not_allowed_now_is_409_and_not_yours_is_403_or_404(
    api_client_for, citizen, version, applicant, one_stop, outsider_b
):
    code = (
        api_client_for(citizen)
        .post("/api/v1/dossiers/", body(applicant), format="json")
        .json()["code"]
    )
    desk = api_client_for(one_stop.user)
    assert (
        desk.post(
            f"/api/v1/dossiers/{code}/actions/", {"action": "resolve"}, format="json"
        ).status_code
        == 409
    )
    mine = api_client_for(citizen)
    assert (
        mine.post(
            f"/api/v1/dossiers/{code}/actions/", {"action": "receive"}, format="json"
        ).status_code
        == 403
    )
    outsider = api_client_for(outsider_b.user)
    assert outsider.get(f"/api/v1/dossiers/{code}/").status_code == 404
    assert (
        outsider.post(
            f"/api/v1/dossiers/{code}/actions/", {"action": "receive"}, format="json"
        ).status_code
        == 404
    )
    assert Dossier.objects.get(code=code).status == "submitted"


def test_idempotency_key_header(api_client_for, citizen, version, applicant):
    client = api_client_for(citizen)
    first = client.post(
        "/api/v1/dossiers/", body(applicant), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    again = client.post(
        "/api/v1/dossiers/", body(applicant), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert first.json()["code"] == again.json()["code"]
    assert Dossier.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"procedure": "9.999999"}, "procedure"),
        (
            {"applicant": {"name": "A", "id_number": "12ab", "phone": "0912345678"}},
            "applicant.id_number",
        ),
        (
            {"applicant": {"name": "A", "id_number": "004095001234", "phone": "12"}},
            "applicant.phone",
        ),
        ({"channel": 7}, "channel"),
    ],
)
def test_bad_submission_is_a_clear_error(
    api_client_for, citizen, version, applicant, change, field
):
    response = api_client_for(citizen).post(
        "/api/v1/dossiers/", {**body(applicant), **change}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Dossier.objects.count() == 0


def test_wrong_file_type_is_refused(api_client_for, citizen, version, applicant, one_stop):
    client = api_client_for(citizen)
    code = client.post("/api/v1/dossiers/", body(applicant), format="json").json()["code"]
    exe = io.BytesIO(b"MZ\x90\x00rest")
    exe.name = "tokhai.exe"
    response = client.post(f"/api/v1/dossiers/{code}/documents/", {"file": exe}, format="multipart")
    assert response.status_code == 400
    fake = io.BytesIO(b"MZ\x90\x00rest")
    fake.name = "tokhai.pdf"
    response = client.post(
        f"/api/v1/dossiers/{code}/documents/", {"file": fake}, format="multipart"
    )
    assert response.status_code == 400
    assert Dossier.objects.get(code=code).documents.count() == 0


def test_public_lookup_has_no_personal_data_and_is_rate_limited(
    api_client, api_client_for, citizen, version, applicant
):
    cache.clear()
    created = (
        api_client_for(citizen).post("/api/v1/dossiers/", body(applicant), format="json").json()
    )
    url = f"/api/v1/public/dossiers/{created['code']}"
    found = api_client.get(url, {"secret": created["secret"]})
    assert found.status_code == 200
    assert applicant.name not in found.content.decode()
    assert applicant.id_number not in found.content.decode()
    assert found["Cache-Control"] == "private, no-store"
    assert found.json()["code"] == created["code"]
    assert api_client.get(url, {"phone": "0912345678"}).status_code == 200
    wrong = api_client.get(url, {"secret": "wrong"})
    assert wrong.status_code == 404
    assert wrong.json() == {
        "detail": "No dossier matches this code and key.",
        "errors": {},
    }
    answers = [api_client.get(url, {"secret": "wrong"}) for _ in range(20)]
    assert answers[-1].status_code == 429
    assert answers[-1].json()["detail"].startswith("Too many requests from your network")
    assert int(answers[-1]["Retry-After"]) > 0
    # Limited, even with the right key.
    assert api_client.get(url, {"secret": created["secret"]}).status_code == 429


def test_public_lookup_by_head_counts_against_the_limit(
    api_client, api_client_for, citizen, version, applicant
):
    # A HEAD's status alone tells whether a code and key match, so it is counted as a GET is.
    cache.clear()
    created = (
        api_client_for(citizen).post("/api/v1/dossiers/", body(applicant), format="json").json()
    )
    url = f"/api/v1/public/dossiers/{created['code']}"
    statuses = [api_client.head(url, {"secret": "wrong"}).status_code for _ in range(25)]
    assert statuses[0] == 404
    assert statuses[-1] == 429
    assert api_client.get(url, {"secret": created["secret"]}).status_code == 429


# serialized_rollback: the flush of a transactional test removes the rows data migrations
# wrote (the default reminder ladder); they are restored for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_officials_acting_at_once_exactly_one_wins(
    api_client_for, citizen, version, applicant, one_stop, org_tree
):
    if connection.vendor != "postgresql":
        pytest.skip("row locks between concurrent connections are a PostgreSQL matter")
    from congvu.organizations.tests.factories import OfficialFactory, PositionFactory, UserFactory

    other_user = UserFactory.create(username="one_stop_2")
    other = OfficialFactory.create(
        user=other_user, full_name="Vi Văn Nam", unit=org_tree["service_centre"]
    )
    PositionFactory.create(official=other, unit=org_tree["service_centre"], kind="one_stop_officer")
    code = (
        api_client_for(citizen)
        .post("/api/v1/dossiers/", body(applicant), format="json")
        .json()["code"]
    )
    clients = [api_client_for(one_stop.user), api_client_for(other_user)]
    results: list[int] = []
    barrier = threading.Barrier(2)

    def receive(client):
        barrier.wait()
        results.append(
            client.post(
                f"/api/v1/dossiers/{code}/actions/", {"action": "receive"}, format="json"
            ).status_code
        )
        connection.close()

    threads = [threading.Thread(target=receive, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200, 409]
    assert DossierTransition.objects.filter(dossier__code=code, action="receive").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_public_lookup_reconnects_when_the_server_dropped_its_connection(
    api_client, api_client_for, citizen, version, applicant
):
    if connection.vendor != "postgresql":
        pytest.skip("a dropped server connection is a PostgreSQL matter")
    import psycopg

    created = api_client_for(citizen).post("/api/v1/dossiers/", body(applicant), format="json")
    code, secret = created.json()["code"], created.json()["secret"]
    url = f"/api/v1/public/dossiers/{code}"
    assert api_client.get(url, {"secret": secret}).status_code == 200
    # The server ends the persistent connection (as a restart would) between two requests.
    connection.ensure_connection()
    backend = connection.connection.info.backend_pid
    settings_dict = connection.settings_dict
    with psycopg.connect(
        dbname=settings_dict["NAME"],
        user=settings_dict["USER"],
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        password=settings_dict["PASSWORD"] or None,
        autocommit=True,
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [backend])
    # The citizen still gets the answer: the lookup reopens the connection and reads again.
    answer = api_client.get(url, {"secret": secret})
    assert answer.status_code == 200
    assert answer.json()["code"] == code
    assert connection.connection.info.backend_pid != backend


def test_public_lookup_is_prepared_once_per_connection(
    api_client, api_client_for, citizen, version, applicant
):
    """The busiest public read is parsed and planned once per server connection, not on every
    lookup: after lookups of two dossiers the connection holds one prepared statement."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are a PostgreSQL matter")
    codes = []
    for _ in range(2):
        created = api_client_for(citizen).post("/api/v1/dossiers/", body(applicant), format="json")
        codes.append((created.json()["code"], created.json()["secret"]))
    for code, secret in codes:
        answer = api_client.get(f"/api/v1/public/dossiers/{code}", {"secret": secret})
        assert answer.status_code == 200
        assert answer.json()["code"] == code
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%FROM dossiers_dossier WHERE code = $1%"],
        )
        assert cursor.fetchone()[0] == 1


def test_errors_are_in_vietnamese_by_default(settings, api_client_for, citizen, version, applicant):
    settings.LANGUAGE_CODE = "vi"
    bad = {
        **body(applicant),
        "applicant": {"name": "A", "id_number": "004095001234", "phone": "12"},
    }
    response = api_client_for(citizen).post("/api/v1/dossiers/", bad, format="json")
    assert response.status_code == 400
    assert "Số điện thoại" in response.json()["errors"]["applicant.phone"][0]
    # The public lookup answers outside DRF's request handling, in the same language.
    created = api_client_for(citizen).post("/api/v1/dossiers/", body(applicant), format="json")
    wrong = api_client_for(citizen).get(
        f"/api/v1/public/dossiers/{created.json()['code']}", {"secret": "sai"}
    )
    assert wrong.status_code == 404
    assert wrong.json()["detail"] == "Không có hồ sơ nào khớp với mã hồ sơ và mã tra cứu này."


def test_public_lookup_costs_a_bounded_number_of_queries(
    api_client, api_client_for, citizen, version, applicant, one_stop, client,
    django_assert_max_num_queries,
):  # fmt: skip
    created = api_client_for(citizen).post("/api/v1/dossiers/", body(applicant), format="json")
    code, secret = created.json()["code"], created.json()["secret"]
    # A longer history must not cost more queries.
    for action in ("request_intake_supplement", "supplement", "receive", "forward"):
        dossier = Dossier.objects.get(code=code)
        dossier_act(actor=one_stop.user, dossier=dossier, action=action, note="Thiếu tờ khai")
    cache.clear()
    lookup_answers.clear()
    lookup_names.clear()
    url = f"/api/v1/public/dossiers/{code}"
    # The first answer in a process also reads the procedure's and the unit's names.
    with django_assert_max_num_queries(3):
        assert api_client.get(url, {"secret": secret}).status_code == 200
    # Then one read of the dossier's row, however long its history.
    with django_assert_max_num_queries(1):
        assert api_client.get(url, {"secret": secret}).status_code == 200
    # The page: the same two plus the history on a first answer, with the page's own
    # furniture (the province's name, the visitor counter).
    with django_assert_max_num_queries(5):
        page = client.get("/dossiers/lookup/", {"code": code, "secret": secret})
    assert page.status_code == 200
    with django_assert_max_num_queries(2):
        page = client.get("/dossiers/lookup/", {"code": code, "secret": secret})
    assert page.status_code == 200


def test_public_lookup_shows_renamed_procedures_and_units_once_names_are_reread(
    api_client, api_client_for, citizen, version, applicant
):
    created = api_client_for(citizen).post("/api/v1/dossiers/", body(applicant), format="json")
    url = f"/api/v1/public/dossiers/{created.json()['code']}"
    answer = api_client.get(url, {"secret": created.json()["secret"]}).json()
    dossier = Dossier.objects.select_related("received_unit").get(code=created.json()["code"])
    assert answer["procedure_name"] == version.name
    assert answer["received_unit"] == dossier.received_unit.name
    assert answer["status_label"] == str(dossier.get_status_display())
    version.name = "Đăng ký khai sinh (sửa tên)"
    version.save(update_fields=["name"])
    # Names are kept a minute in each process; once they are read again the answer has the new one.
    lookup_names.clear()
    again = api_client.get(url, {"secret": created.json()["secret"]}).json()
    assert again["procedure_name"] == "Đăng ký khai sinh (sửa tên)"


def test_public_lookup_answers_a_new_version_at_once(
    api_client, api_client_for, citizen, version, applicant, one_stop, client
):
    created = api_client_for(citizen).post("/api/v1/dossiers/", body(applicant), format="json")
    code, secret = created.json()["code"], created.json()["secret"]
    url = f"/api/v1/public/dossiers/{code}"
    assert api_client.get(url, {"secret": secret}).json()["status"] == "submitted"
    page = client.get("/dossiers/lookup/", {"code": code, "secret": secret})
    assert page.text.count('class="timeline"') == 1
    dossier = Dossier.objects.get(code=code)
    dossier_act(actor=one_stop.user, dossier=dossier, action="receive")
    # The answer kept for the earlier version is not served for the new one.
    assert api_client.get(url, {"secret": secret}).json()["status"] == "processing"
    page = client.get("/dossiers/lookup/", {"code": code, "secret": secret})
    assert page.text.count("<li><span") == 2
    # A cached answer still needs the key.
    assert api_client.get(url, {"secret": "wrong"}).status_code == 404
    assert 'id="result"' not in client.get("/dossiers/lookup/", {"code": code, "secret": "x"}).text
