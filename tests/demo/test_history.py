"""The demo's year of history (tthc.demo.history): every scenario's rows are what the real
services write (replayed under time_machine), the mix is plausible, codes follow the rule and
the counters continue them, late is late by the engine, a second run adds nothing."""

import random
import re
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from tthc.core import uploads
from tthc.core.models import User
from tthc.demo import history
from tthc.dossiers import selectors, services
from tthc.dossiers.models import (
    Channel,
    Dossier,
    DossierAgency,
    DossierCodeCounter,
    DossierEvent,
    Status,
)
from tthc.dossiers.services import DocumentInput
from tthc.dossiers.transitions import Action, target
from tthc.feedback import services as feedback_services
from tthc.feedback.models import Feedback, FeedbackEvent, Vote
from tthc.feedback.services import FeedbackInput
from tthc.feedback.transitions import Action as F
from tthc.workdays.engine import VN_TZ

PASSWORD = "mat-khau-dai-12"
CODE = re.compile(r"^(?P<agency>[\d.]+\.H26)-(?P<day>\d{6})-(?P<seq>\d{4})$")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo province once for the module (rolled back at the end)."""
    from tthc.demo.services import build_demo

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            build_demo(password=PASSWORD)
            rng = random.Random(1)
            found = history.routes(rng)
            yield {"routes": found, "staff": history.history_staff(found)}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _pdf():
    return uploads.check(SimpleUploadedFile("ket-qua.pdf", history.SAMPLE_PDF), field="files")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


# --------------------------------------------------------------------------- replay


def _route(found, *, online=None, steps=None, fee=None, days=None, code=None):
    for route in found:
        if online is not None and route.online != online:
            continue
        if steps is not None and (len(route.step_roles) > 1) != steps:
            continue
        if fee is not None and (history._fee(route, Channel.IN_PERSON) > 0) != fee:
            continue
        if code is not None and route.resolving.code != code:
            continue
        amount, unit = history.channel_time(route, Channel.IN_PERSON)
        if days is not None and (unit.value != "working_days" or amount < days):
            continue
        return route
    raise AssertionError("no route for the scenario")


# scenario -> (route filter, channel, submitted at, forced draws)
CASES = {
    "returned": (
        {"online": True, "days": 5},
        Channel.ONLINE,
        at(2026, 3, 9, 20, 15),
        {"rate": True, "late": False},
    ),
    "supplemented": ({"days": 5}, Channel.IN_PERSON, at(2026, 4, 14, 9, 5), {"late": False}),
    "supplemented_twice": ({"days": 3}, Channel.POSTAL, at(2026, 5, 5, 14, 0), {}),
    # received just before Tết 2026 (16–20/02): the deadline jumps the holiday
    "late": ({"days": 5, "code": "000.00.07.H26"}, Channel.IN_PERSON, at(2026, 2, 12, 10, 0), {}),
    "late_no_apology": ({"days": 5}, Channel.IN_PERSON, at(2026, 6, 1, 8, 0), {}),
    "paid": (
        {"fee": True, "days": 5},
        Channel.ONLINE,
        at(2026, 7, 6, 10, 30),
        {"paid_online": True, "late": False},
    ),
    "completion": ({"online": True}, Channel.ONLINE, at(2026, 8, 8, 21, 0), {}),
    "refused": ({"online": True}, Channel.ONLINE, at(2026, 8, 10, 7, 45), {}),
    "withdrawn_new": ({"online": True}, Channel.ONLINE, at(2026, 8, 11, 9, 0), {}),
    "withdrawn": ({"days": 5}, Channel.IN_PERSON, at(2026, 9, 1, 9, 0), {}),
    "stopped": ({"days": 5}, Channel.IN_PERSON, at(2026, 9, 8, 9, 0), {}),
    "stuck": ({"days": 5}, Channel.IN_PERSON, at(2026, 9, 15, 9, 0), {}),
    "unreturned": ({"online": True}, Channel.ONLINE, at(2026, 10, 5, 10, 0), {"electronic": True}),
    "steps": (
        {"steps": True},
        Channel.IN_PERSON,
        at(2026, 10, 12, 9, 30),
        {"electronic": True, "late": False},
    ),
}

DOSSIER_CALLS = {
    Action.ACCEPT: lambda kw, s: services.accept(**kw, note=s.note),
    Action.REFUSE: lambda kw, s: services.refuse(**kw, reason=s.note),
    Action.REQUEST_COMPLETION: lambda kw, s: services.request_completion(
        **kw, reason=s.note, missing=s.data["missing"]
    ),
    Action.SUBMIT_COMPLETION: lambda kw, s: services.submit_completion(**kw, note=s.note),
    Action.START: lambda kw, s: services.start_processing(**kw, note=s.note),
    Action.REQUEST_SUPPLEMENT: lambda kw, s: services.request_supplement(
        **kw, reason=s.note, missing=s.data["missing"]
    ),
    Action.COMPLETE_SUPPLEMENT: lambda kw, s: services.complete_supplement(**kw, note=s.note),
    Action.REQUEST_PAYMENT: lambda kw, s: services.request_payment(
        **kw, amount=s.data["amount_vnd"], note=s.note
    ),
    Action.CONFIRM_PAYMENT: lambda kw, s: services.confirm_payment(
        **kw, note=s.note, online=s.data["online"]
    ),
    Action.COMPLETE_STEP: lambda kw, s: services.complete_step(**kw, note=s.note),
    Action.RESOLVE: lambda kw, s: services.resolve(
        **kw,
        note=s.note,
        result_code=s.data["result_code"],
        electronic=s.data["electronic"],
        files=[_pdf() for _ in range(s.files)],
    ),
    Action.RETURN_RESULT: lambda kw, s: services.return_result(
        **kw, note=s.note, method=s.data["method"]
    ),
    Action.APOLOGISE: lambda kw, s: services.apologise(
        **kw, new_appointment=datetime.fromisoformat(s.data["new_appointment"]), reason=s.note
    ),
    Action.WITHDRAW: lambda kw, s: services.withdraw(**kw, reason=s.note),
    Action.STOP: lambda kw, s: services.stop(**kw, reason=s.note),
}

FEEDBACK_CALLS = {
    F.RECEIVE: lambda kw, s: feedback_services.receive(**kw, note=s.note),
    F.REFUSE: lambda kw, s: feedback_services.refuse(**kw, reason=s.note),
    F.REQUEST_SUPPLEMENT: lambda kw, s: feedback_services.request_supplement(**kw, note=s.note),
    F.COMPLETE_SUPPLEMENT: lambda kw, s: feedback_services.complete_supplement(**kw, note=s.note),
    F.START: lambda kw, s: feedback_services.start(**kw, note=s.note),
    F.TRANSFER: lambda kw, s: feedback_services.transfer(**kw, to_agency=s.to_agency, note=s.note),
    F.DRAFT_ANSWER: lambda kw, s: feedback_services.draft_answer(**kw, answer=s.data["answer"]),
    F.REJECT_DRAFT: lambda kw, s: feedback_services.reject_draft(**kw, note=s.note),
    F.APPROVE: lambda kw, s: feedback_services.approve(**kw, note=s.note),
    F.PUBLISH: lambda kw, s: feedback_services.publish(**kw),
}


def _replay(plan, users):
    route = plan.route
    desk_user = users[(plan.desk.agency_id, history.DESK)]
    documents = [
        DocumentInput(
            line.name,
            form=line.form,
            quantity=line.quantity,
            upload=_pdf() if line.digitised else None,
        )
        for line in plan.documents
    ]
    with time_machine.travel(plan.submitted_at, tick=False):
        if plan.channel == Channel.ONLINE:
            dossier = services.submit_online(
                procedure=route.procedure,
                receiving_agency=plan.desk.agency,
                resolving_agency=route.resolving,
                applicant=plan.applicant,
                documents=documents,
                fee_due=plan.fee_due,
                reception_point=plan.desk,
            )
        else:
            dossier = services.receive(
                user=desk_user,
                procedure=route.procedure,
                reception_point=plan.desk,
                resolving_agency=route.resolving,
                applicant=plan.applicant,
                documents=documents,
                fee_due=plan.fee_due,
                channel=plan.channel,
            )
    for step in plan.steps:
        user = users[
            (plan.desk.agency_id if step.role == history.DESK else route.resolving.pk, step.role)
        ]
        kw = {"user": user, "dossier": dossier}
        with time_machine.travel(step.at, tick=False):
            dossier = DOSSIER_CALLS[step.action](kw, step)
    return Dossier.objects.get(pk=dossier.pk)


def _event_tuple(e):
    return (e.action, e.from_status, e.to_status, e.agency_id, e.actor_id, e.note, e.data, e.at)


@pytest.mark.django_db
@pytest.mark.parametrize("scenario", list(CASES))
def test_every_scenario_writes_what_the_services_write(demo, scenario):
    """The rows of a plan equal the rows the real services write for the same actions at the
    same moments: events (action, statuses, agency, actor, note, data), status, deadline and
    its explanation, appointment, step, documents, agencies, result files."""
    assert set(CASES) == set(history.SCENARIOS)
    found, staff = demo["routes"], demo["staff"]
    users = {key: User.objects.get(pk=pk) for key, pk in staff.items() if pk}
    where, channel, submitted, force = CASES[scenario]
    route = _route(found, **where)
    rng = random.Random(scenario)
    applicant = history.fake_applicant(
        rng, today=submitted.date(), home=route.resolving, organisation=False
    )
    plan = history.plan_dossier(
        rng,
        route,
        channel=channel,
        submitted_at=submitted,
        applicant=applicant,
        scenario=scenario,
        force=force,
    )
    real = _replay(plan, users)
    rows = history.dossier_rows(plan, code=real.code, now=at(2099, 1, 1), staff=staff)
    mine = rows.dossier
    real_events = list(real.events.order_by("at", "pk"))
    assert [_event_tuple(e) for e in rows.events] == [_event_tuple(e) for e in real_events]
    for name in (
        "status",
        "channel",
        "due_at",
        "due_explanation",
        "received_at",
        "new_appointment_at",
        "current_step",
        "current_agency_id",
        "receiving_agency_id",
        "resolving_agency_id",
        "reception_point_id",
        "fee_due",
        "time_amount",
        "time_unit",
        "submitted_at",
        "procedure_version",
    ):
        assert getattr(mine, name) == getattr(real, name), name
    assert [(d.position, d.name, d.form, d.quantity, bool(d.file)) for d in rows.documents] == [
        (d.position, d.name, d.form, d.quantity, bool(d.file))
        for d in real.documents.order_by("position")
    ]
    assert sorted((a.agency_id, a.role) for a in rows.agencies) == sorted(
        DossierAgency.objects.filter(dossier=real).values_list("agency_id", "role")
    )
    assert [len(real_events[i].attachments.all()) for i in rows.results] == [1] * len(rows.results)
    assert sum(e.attachments.count() for e in real_events) == len(rows.results)
    applicant = real.applicant
    for name in ("full_name", "citizen_id", "date_of_birth", "phone", "email", "address"):
        assert getattr(rows.applicant, name) == getattr(applicant, name)
    assert rows.classification == selectors.classify(real)
    expected = {
        "late": "late",
        "late_no_apology": "late",
        "supplemented_twice": "late",
    }.get(scenario)
    if expected:
        assert rows.classification == expected
    if scenario in ("returned", "supplemented", "paid", "steps"):
        assert rows.classification in ("early", "on_time")
    if scenario == "late":
        assert real.new_appointment_at is not None and real.new_appointment_at > real.due_at
    if scenario == "stuck":
        assert real.status == Status.PROCESSING and real.due_at < real.events.last().at + timedelta(
            days=30
        )


# --------------------------------------------------------------------------- feedback replay

FEEDBACK_CASES = {
    "normal": ("000.00.01.H26", None, at(2026, 3, 10, 9, 0)),
    "refused": ("000.00.01.H26", None, at(2026, 4, 7, 10, 0)),
    "supplemented": ("000.00.03.H26", None, at(2026, 5, 12, 14, 0)),
    "late": ("000.00.07.H26", None, at(2026, 2, 11, 9, 0)),  # across Tết
    "transferred": ("000.00.01.H26", "000.00.21.H26", at(2026, 6, 9, 8, 30)),
}


def _replay_feedback(plan, users, control):
    data = FeedbackInput(
        category=plan.category,
        title=plan.title,
        content=plan.content,
        sender_name=plan.sender.name,
        sender_address=plan.sender_address,
        sender_phone=plan.sender_phone,
        sender_email=plan.sender_email,
        procedure_code=plan.procedure.code if plan.procedure else "",
        dossier_code=plan.dossier_code,
        agency=plan.agency,
    )
    with time_machine.travel(plan.submitted_at, tick=False):
        if plan.channel in ("online", "api"):
            feedback = feedback_services.submit(data=data, channel=plan.channel)
        else:
            feedback = feedback_services.enter(user=control, data=data, channel=plan.channel)
    for step in plan.steps:
        feedback.refresh_from_db()
        office = feedback.agency.kind == "office"
        user = (
            control
            if step.role == history.CONTROL or office
            else users[(feedback.agency_id, step.role)]
        )
        kw = {"user": user, "feedback": feedback}
        with time_machine.travel(step.at, tick=False):
            feedback = FEEDBACK_CALLS[F(step.action)](kw, step)
    return Feedback.objects.get(pk=feedback.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("scenario", list(FEEDBACK_CASES))
def test_every_feedback_scenario_writes_what_the_services_write(demo, scenario):
    from tthc.org.models import Agency

    staff = demo["staff"]
    users = {key: User.objects.get(pk=pk) for key, pk in staff.items() if pk}
    control = users[(None, history.CONTROL)]
    code, transfer, submitted = FEEDBACK_CASES[scenario]
    agency = Agency.objects.get(code=code)
    plan = history.plan_feedback(
        random.Random(scenario),
        agency=agency,
        submitted_at=submitted,
        late_rate=0.1,
        procedure=None,
        transfer_to=Agency.objects.get(code=transfer) if transfer else None,
        scenario=scenario if scenario != "transferred" else None,
    )
    if scenario == "transferred":
        plan = history.plan_feedback(
            random.Random(7),
            agency=agency,
            submitted_at=submitted,
            late_rate=0.0,
            procedure=None,
            transfer_to=Agency.objects.get(code=transfer),
            scenario="normal",
        )
    real = _replay_feedback(plan, users, control)
    mine, events, _ = history.feedback_rows(
        plan, code=real.code, now=at(2099, 1, 1), staff=staff, calendars={}
    )
    real_events = list(FeedbackEvent.objects.filter(feedback=real).order_by("at", "pk"))

    def shape(e):
        return (e.action, e.from_status, e.to_status, e.agency_id, e.actor_id, e.note, e.data, e.at)

    assert [shape(e) for e in events] == [shape(e) for e in real_events]
    for name in (
        "status",
        "agency_id",
        "channel",
        "category",
        "answer",
        "search_folded",
        "clock_start_at",
        "refuse_due_at",
        "supplement_due_at",
        "handle_due_at",
        "publish_due_at",
        "due_explanations",
        "first_supplement_at",
        "ready_at",
        "published_at",
        "late_limits",
        "created_by_id",
    ):
        assert getattr(mine, name) == getattr(real, name), name
    if scenario == "late":
        assert "handle" in real.late_limits
    if scenario == "transferred":
        assert [e.action for e in real_events][:3] == ["submit", "receive", "transfer"] or [
            e.action for e in real_events
        ][:3] == ["enter", "receive", "transfer"]


# --------------------------------------------------------------------------- the whole year


@pytest.fixture(scope="module")
def built(demo, django_db_blocker):
    with django_db_blocker.unblock():
        sid = transaction.savepoint()
        counts = history.build_history(days=120, per_day=12)
        yield counts
        transaction.savepoint_rollback(sid)


def _dossiers():
    return Dossier.objects.prefetch_related(
        Prefetch("events", queryset=DossierEvent.objects.order_by("at", "id"))
    ).select_related("procedure", "resolving_agency")


@pytest.mark.django_db
def test_mix_is_plausible(built):
    counts = built
    total = counts["dossiers"]
    assert 900 <= total <= 1600
    assert 0.35 <= counts["online"] / total <= 0.55
    assert 0.01 <= counts["postal"] / total <= 0.09
    finished = counts["early"] + counts["on_time"] + counts["late"]
    assert 0.05 <= counts["late"] / finished <= 0.16
    assert counts["early"] > counts["on_time"] > 0
    assert 0.08 <= counts["supplemented"] / total <= 0.2
    assert counts["status"].get(Status.NOT_RECEIVED, 0) > 0
    assert counts["status"].get(Status.WITHDRAWN, 0) > 0
    assert counts["status"].get(Status.STOPPED, 0) > 0
    assert 10 <= counts["open"] <= 120
    assert counts["open_by"].get("overdue", 0) > 0 and counts["open_by"].get("within_time", 0) > 0
    assert 0 < counts["paid_online"] < counts["paid"]
    assert counts["apologised"] > counts["late"] / 2
    assert 0 < counts["unsatisfied"] < counts["ratings"] / 3
    assert counts["electronic_results"] > 0
    # some agencies are clearly worse than others
    late = defaultdict(Counter)
    for dossier in _dossiers().filter(status__in=(Status.RESOLVED, Status.RETURNED)):
        late[dossier.resolving_agency.code][selectors.classify(dossier)] += 1
    rate = {code: c["late"] / sum(c.values()) for code, c in late.items() if sum(c.values()) > 30}
    assert max(rate.values()) > 2 * min(rate.values())
    # feedback of both categories, handled late and on time, published with votes, linked
    assert counts["feedback"] > 50
    fb = Feedback.objects.all()
    assert {f.category for f in fb} == {"regulation", "conduct"}
    assert 0 < counts["feedback_late"] < counts["feedback"] / 2
    assert (
        Vote.objects.filter(value=Vote.DISLIKE).exists()
        and Vote.objects.filter(value=Vote.LIKE).exists()
    )
    linked = fb.exclude(dossier_code="").values_list("dossier_code", flat=True)
    assert linked and Dossier.objects.filter(code__in=list(linked)).count() == len(set(linked))


@pytest.mark.django_db
def test_codes_counters_and_agencies(built):
    rows = list(
        Dossier.objects.values_list(
            "code", "receiving_agency__code", "submitted_at", "receiving_agency_id"
        )
    )
    assert len({r[0] for r in rows}) == len(rows)
    sequences = defaultdict(list)
    for code, agency, submitted, agency_id in rows:
        match = CODE.match(code)
        assert match, code
        local = submitted.astimezone(VN_TZ)
        assert match["agency"] == agency and match["day"] == f"{local:%y%m%d}"
        sequences[(agency_id, local.date())].append(int(match["seq"]))
    counters = {(c.agency_id, c.day): c.last for c in DossierCodeCounter.objects.all()}
    for key, numbers in sequences.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))
        assert counters[key] == len(numbers)
    assert DossierAgency.objects.count() == 2 * len(rows)
    # a dossier received later on a day of the history gets the next number
    (agency_id, day), numbers = max(sequences.items(), key=lambda kv: (kv[0][1], len(kv[1])))
    point = history.routing.active_points().filter(agency_id=agency_id).first()
    route = next(
        r for r in history.routes(random.Random(2)) if point in r.desks and r.online is not None
    )
    officer = User.objects.get(pk=history.history_staff([route])[(agency_id, history.DESK)])
    with time_machine.travel(
        datetime.combine(day, datetime.min.time(), VN_TZ).replace(hour=16, minute=59), tick=False
    ):
        dossier = services.receive(
            user=officer,
            procedure=route.procedure,
            reception_point=point,
            resolving_agency=route.resolving,
            applicant=history.fake_applicant(
                random.Random(3), today=day, home=route.resolving, organisation=False
            ),
            documents=[DocumentInput(route.documents[0][0])],
        )
    assert dossier.code.endswith(f"-{len(numbers) + 1:04d}")


@pytest.mark.django_db
def test_events_follow_the_table_and_late_is_late_by_the_engine(built):
    counts = Counter()
    for dossier in _dossiers():
        status = None
        for event in dossier.events.all():
            if event.action in (Action.SUBMIT, Action.RECEIVE):
                assert status is None and event.data == {"code": dossier.code}
            else:
                assert target(status, Action(event.action)) == event.to_status
            assert event.from_status == status
            status = event.to_status
        assert status == dossier.status
        label = selectors.classify(dossier)
        if label:
            counts[label] += 1
    assert (counts["early"], counts["on_time"], counts["late"]) == (
        built["early"],
        built["on_time"],
        built["late"],
    )


@pytest.mark.django_db
def test_second_run_adds_nothing(built):
    before = (Dossier.objects.count(), DossierEvent.objects.count(), Feedback.objects.count())
    assert history.build_history(days=120, per_day=12) == {"skipped": True}
    assert (
        Dossier.objects.count(),
        DossierEvent.objects.count(),
        Feedback.objects.count(),
    ) == before
    assert history.summary_line({"skipped": True}).startswith("Lịch sử 12 tháng")


def test_summary_line():
    line = history.summary_line({"dossiers": 10, "online": 4, "late": 1, "open": 2, "feedback": 3})
    assert (
        line
        == "Lịch sử 12 tháng: 10 hồ sơ (4 trực tuyến, 1 trễ hạn, 2 đang xử lý), 3 phản ánh kiến nghị."
    )


def test_fake_ids_are_valid_and_recognisable():
    from tthc.dossiers.personal import validate_citizen_id

    rng = random.Random(0)
    for _ in range(50):
        birth = date(rng.randint(1940, 2007), 5, 5)
        value = history.fake_citizen_id(rng, birth, rng.random() < 0.5)
        assert validate_citizen_id(value, birth) == value and value[6:8] == "99"


@pytest.mark.django_db
def test_the_worker_sends_nothing_for_the_history(built):
    """The year's messages count as sent: the worker's recovery finds nothing to send."""
    from tthc.dossiers import notifications
    from tthc.dossiers.models import Notification

    recent = DossierEvent.objects.filter(
        action__in=list(notifications.KINDS),
        at__gte=timezone.now() - notifications.RESUME_WINDOW,
    )
    assert recent.exists()
    assert not recent.filter(notifications__isnull=True).exists()
    assert Notification.objects.filter(status="pending").count() == 0
    assert notifications.resume() == 0
