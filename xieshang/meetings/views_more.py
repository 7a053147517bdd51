"""Plenary speeches, briefings with read receipts, committee work reports and the yearly
attendance figures."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from xieshang.core import access
from xieshang.core.audit import StaleEdit, TransitionError
from xieshang.core.excel import xlsx_response
from xieshang.core.params import paginate, year_param
from xieshang.core.years import closing_year

from . import policies, selectors, services
from .excel import figures_workbook
from .forms import (
    BriefingEditForm,
    BriefingForm,
    CommitteeReportForm,
    DeliverForm,
    ScheduleForm,
    SpeechForm,
)
from .models import Briefing, BriefingNodeReceipt, BriefingReceipt, CommitteeReport, Speech
from .services.briefings import EDITABLE
from .views import _message, _render_detail, get_meeting

# --- Speeches -----------------------------------------------------------------------------


@login_required
@require_POST
def speech_new(request, pk: int):
    meeting, invitation = get_meeting(request, pk)
    form = SpeechForm(request.POST)
    if form.is_valid():
        try:
            services.speech_submit(meeting=meeting, actor=request.user, **form.cleaned_data)
        except (ValidationError, TransitionError, PermissionDenied) as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, _("大会发言已提交。"))
            return redirect("meetings:detail", meeting.pk)
    return _render_detail(request, meeting, invitation, status=400, speech_form=form)


def _speech(request, pk: int) -> Speech:
    speech = Speech.objects.select_related("meeting__organisation", "member").filter(pk=pk).first()
    if speech is None or not policies.can_manage(request.user, speech.meeting):
        raise Http404
    return speech


@login_required
def speech_detail(request, pk: int):
    speech = _speech(request, pk)
    meeting = speech.meeting
    return render(
        request,
        "meetings/speech.html",
        {
            "speech": speech,
            "meeting": meeting,
            "listeners": list(speech.listeners.all()),
            "schedule_form": ScheduleForm(
                meeting=meeting,
                initial={"sitting": speech.sitting_id, "order": speech.order or 1},
            ),
            "deliver_form": DeliverForm(meeting=meeting),
        },
    )


@login_required
@require_POST
def speech_act(request, pk: int, action: str):
    speech = _speech(request, pk)
    meeting = speech.meeting
    try:
        if action in ("select", "decline"):
            services.speech_select(
                speech=speech,
                actor=request.user,
                selected=action == "select",
                note=request.POST.get("note", ""),
            )
        elif action == "schedule":
            form = ScheduleForm(request.POST, meeting=meeting)
            if not form.is_valid():
                raise ValidationError(_("请选择会次并填写发言顺序。"))
            services.speech_schedule(speech=speech, actor=request.user, **form.cleaned_data)
        elif action == "deliver":
            form = DeliverForm(request.POST, meeting=meeting)
            if not form.is_valid():
                raise ValidationError(_("听取发言的人员选择有误。"))
            services.speech_deliver(
                speech=speech, actor=request.user, listeners=list(form.cleaned_data["listeners"])
            )
        else:
            raise Http404
    except (ValidationError, TransitionError, PermissionDenied) as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("已保存。"))
    return redirect("meetings:speech", speech.pk)


# --- Briefings (C2.14) --------------------------------------------------------------------


def _briefing_orgs(user):
    return policies.briefing_organisations(user)


@login_required
def briefings(request):
    # The same question as the meetings tabs ask before they show the link.
    if not policies.can_see_briefings(request.user):
        raise Http404
    member = policies.member_of(request.user)
    manage_orgs = list(_briefing_orgs(request.user))
    if manage_orgs:
        # C2.9: a node sees the briefings it published and those sent down to it, not
        # those of the nodes below it.
        nodes = services.own_nodes(request.user)
        incoming = BriefingNodeReceipt.objects.filter(
            briefing=OuterRef("pk"), organisation__in=nodes
        )
        own = (
            access.org_filter(request.user, "meetings.manage")
            if request.user.is_superuser
            else Q(organisation__in=nodes)
        )
        qs = (
            Briefing.objects.filter(own | Q(Exists(incoming), status=Briefing.Status.PUBLISHED))
            .select_related("organisation")
            .annotate(
                read=Count("receipts", filter=Q(receipts__read_at__isnull=False)),
                incoming=Exists(incoming),
                incoming_unread=Exists(incoming.filter(read_at__isnull=True)),
                # Sent down: how many nodes, and how many have signed (subqueries, not
                # joins, so they do not multiply the members' read count).
                nodes_sent=_node_count(),
                nodes_read=_node_count(read_at__isnull=False),
            )
        )
    else:
        qs = Briefing.objects.filter(
            status=Briefing.Status.PUBLISHED, receipts__member=member
        ).annotate(
            read=Count(
                "receipts", filter=Q(receipts__member=member, receipts__read_at__isnull=False)
            )
        )
    page = paginate(request, qs.order_by("-published_at", "-id"), 30)
    return render(
        request,
        "meetings/briefings.html",
        {"page": page, "can_manage": bool(manage_orgs)},
    )


def _node_count(**filters):
    counted = (
        BriefingNodeReceipt.objects.filter(briefing=OuterRef("pk"), **filters)
        .order_by()
        .values("briefing")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


@login_required
def briefing_new(request):
    orgs = list(_briefing_orgs(request.user))
    if not orgs:
        raise Http404
    form = BriefingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            briefing = services.briefing_create(
                organisation=orgs[0], actor=request.user, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _message(exc))
        else:
            return redirect("meetings:briefing", briefing.pk)
    return render(
        request,
        "meetings/form.html",
        {"form": form, "title": _("新建情况通报"), "back": reverse("meetings:briefings")},
        status=400 if form.errors else 200,
    )


def _briefing_for(request, pk: int):
    """(briefing, may manage it, this user's node receipt of it) or 404: the publisher's
    scope, the node it was sent down to, or a member it was published to."""
    item = Briefing.objects.select_related("organisation").filter(pk=pk).first()
    if item is None:
        raise Http404
    manage = access.can(request.user, "meetings.manage", item.organisation) and (
        request.user.is_superuser or item.organisation_id in services.own_nodes(request.user)
    )
    node_receipt = None
    if not manage and item.status == Briefing.Status.PUBLISHED:
        node_receipt = services.node_receipt_for(request.user, item)
    return item, manage, node_receipt


@login_required
def briefing(request, pk: int):
    item, manage, node_receipt = _briefing_for(request, pk)
    member = policies.member_of(request.user)
    receipt = None
    if member is not None and item.status == Briefing.Status.PUBLISHED:
        receipt = BriefingReceipt.objects.filter(briefing=item, member=member).first()
    if not manage and receipt is None and node_receipt is None:
        raise Http404
    if receipt is not None:
        services.briefing_read(briefing=item, member=member)
    receipts, node_receipts, lower = [], [], []
    if manage:
        receipts = list(
            item.receipts.select_related("member").order_by("read_at", "member__stroke_key")[:1000]
        )
        node_receipts = list(item.node_receipts.select_related("organisation", "read_by"))
        if item.status == Briefing.Status.DRAFT:
            lower = list(services.lower_nodes(item.organisation))
    read = sum(1 for r in receipts if r.read_at)
    unread_nodes = [r for r in node_receipts if r.read_at is None]
    return render(
        request,
        "meetings/briefing.html",
        {
            "briefing": item,
            "can_manage": manage,
            "receipts": receipts,
            "read": read,
            "node_receipts": node_receipts,
            "unread_nodes": unread_nodes,
            "node_receipt": node_receipt,
            "lower_nodes": lower,
        },
    )


@login_required
def briefing_edit(request, pk: int):
    """Correct a draft before it goes out; a published briefing is not edited."""
    item, manage, _receipt = _briefing_for(request, pk)
    if not manage:
        raise Http404
    if item.status != Briefing.Status.DRAFT:
        messages.error(request, _("通报已发布，不能再修改。"))
        return redirect("meetings:briefing", item.pk)
    initial = {f: getattr(item, f) for f in EDITABLE}
    initial["expected"] = services.briefing_fingerprint(item)
    form = BriefingEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.briefing_update(briefing=item, actor=request.user, **data)
        except StaleEdit as exc:
            # Keep what was typed; the next save goes over the newer draft on purpose.
            item.refresh_from_db()
            post = request.POST.copy()
            post["expected"] = services.briefing_fingerprint(item)
            form = BriefingEditForm(post, initial=initial)
            form.is_valid()
            form.add_error(None, str(exc))
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, _("已保存。"))
            return redirect("meetings:briefing", item.pk)
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "title": _("修改情况通报"),
            "back": reverse("meetings:briefing", args=[item.pk]),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def briefing_publish(request, pk: int):
    item, manage, _receipt = _briefing_for(request, pk)
    if not manage:
        raise Http404
    # No choice posted publishes to the members, as before C2.9.
    to = request.POST.get("to", "members")
    nodes = [int(v) for v in request.POST.getlist("nodes") if v.isdigit()]
    try:
        services.briefing_publish(
            briefing=item,
            actor=request.user,
            to_members=to == "members" or bool(request.POST.get("members")),
            all_nodes=to == "all_nodes",
            nodes=nodes if to == "nodes" else None,
        )
    except (TransitionError, PermissionDenied, ValidationError) as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("已发布。"))
    return redirect("meetings:briefing", item.pk)


@login_required
@require_POST
def briefing_node_read(request, pk: int):
    item, _manage, node_receipt = _briefing_for(request, pk)
    if node_receipt is None:
        raise Http404
    services.briefing_node_read(receipt=node_receipt, actor=request.user)
    messages.success(request, _("已签收。"))
    return redirect("meetings:briefing", item.pk)


@login_required
@require_POST
def briefing_pass_on(request, pk: int):
    item, _manage, node_receipt = _briefing_for(request, pk)
    if node_receipt is None:
        raise Http404
    try:
        n = services.briefing_pass_on(receipt=node_receipt, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("已转发给本级委员 %(n)s 人。") % {"n": n})
    return redirect("meetings:briefing", item.pk)


@login_required
@require_POST
def briefing_remind(request, pk: int):
    item, manage, _receipt = _briefing_for(request, pk)
    if not manage:
        raise Http404
    n = services.briefing_remind(briefing=item, actor=request.user)
    messages.success(request, _("已提醒 %(n)s 个未读单位。") % {"n": n})
    return redirect("meetings:briefing", item.pk)


# --- Committee work reports (C4.10) -------------------------------------------------------


@login_required
def committee_reports(request):
    manage_orgs = list(_briefing_orgs(request.user))
    view = access.scope(CommitteeReport.objects.all(), request.user, "meetings.view")
    committees = policies.committee_ids(request.user)
    if not manage_orgs and not committees and not access.can(request.user, "meetings.view"):
        raise Http404
    year = year_param(request, default=timezone.localdate().year)
    rows = list(
        view.filter(due_date__year=year)
        .select_related("committee", "meeting")
        .order_by("due_date", "committee__sort_order", "id")
    )
    today = timezone.localdate()
    missing = [r for r in rows if r.is_missing(today)]
    return render(
        request,
        "meetings/committee_reports.html",
        {
            "rows": rows,
            "missing": missing,
            "year": year,
            "today": today,
            "can_manage": bool(manage_orgs),
            "my_committees": committees,
        },
    )


@login_required
@require_POST
def committee_reports_schedule(request):
    orgs = list(_briefing_orgs(request.user))
    if not orgs:
        raise Http404
    year = timezone.localdate().year
    n = services.committee_reports_schedule(organisation=orgs[0], year=year, actor=request.user)
    messages.success(request, _("已安排 %(n)d 份工作报告。") % {"n": n})
    return redirect("meetings:committee_reports")


@login_required
def committee_report(request, pk: int):
    item = (
        CommitteeReport.objects.select_related("committee", "organisation", "meeting", "filed_by")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404
    can_file = services.can_file(request.user, item)
    if not can_file and not access.can(request.user, "meetings.view", item.organisation):
        raise Http404
    form = CommitteeReportForm(request.POST or None, organisation=item.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.committee_report_file(report=item, actor=request.user, **form.cleaned_data)
        except (ValidationError, TransitionError, PermissionDenied) as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, _("工作报告已报送。"))
            return redirect("meetings:committee_reports")
    return render(
        request,
        "meetings/committee_report.html",
        {"report": item, "form": form, "can_file": can_file, "today": timezone.localdate()},
        status=400 if form.errors else 200,
    )


# --- Figures ------------------------------------------------------------------------------


def _figures(request):
    """(year, members, sectors, leaders) of the year's attendance page, or 404."""
    if not access.can(request.user, "meetings.view"):
        raise Http404
    year = year_param(request, default=closing_year())
    members = selectors.attendance_figures(request.user, year=year)
    leaders = selectors.attendance_figures(request.user, year=year, leaders=True)
    # The sectors in their official order, as the page lists them.
    return year, members, selectors.sector_figures_of_year(request.user, year=year), leaders


@login_required
@require_safe
def figures_xlsx(request):
    """The year's attendance as Excel: the page's three tables, one sheet each."""
    year, members, sectors, leaders = _figures(request)
    # gettext outside the f-string: xgettext does not look inside one.
    # The committee's name first: a city office keeps its districts' files side by side.
    org = access.home_organisation(request.user)
    name = _("%(org)s%(year)s年出勤统计") % {"org": org.name if org else "", "year": year}
    return xlsx_response(
        figures_workbook(members, sectors, leaders),
        f"{name}.xlsx",
        fallback=f"attendance-{year}.xlsx",
    )


# The figures page grows with the scope (a province's members and invited leaders): the
# members a page at a time, the first leaders only; the export has every row.
FIGURES_PER_PAGE = 100
LEADERS_SHOWN = 100


@login_required
def figures(request):
    if not access.can(request.user, "meetings.view"):
        raise Http404
    # In January and February the year just ended (`core.years`), as its export.
    year = year_param(request, default=closing_year())
    page = paginate(request, selectors.member_figures(request.user, year=year), FIGURES_PER_PAGE)
    leaders = selectors.attendance_figures(
        request.user, year=year, leaders=True, limit=LEADERS_SHOWN + 1
    )
    by_kind = selectors.attendance_by_kind(request.user, year=year)
    from .charts import attendance_chart

    return render(
        request,
        "meetings/figures.html",
        {
            "year": year,
            "page": page,
            "members": [selectors.figure_of(m) for m in page],
            "leaders": leaders[:LEADERS_SHOWN],
            "more_leaders": len(leaders) > LEADERS_SHOWN,
            "sectors": selectors.sector_figures_of_year(request.user, year=year),
            "attendance_chart": attendance_chart(by_kind) if by_kind else None,
        },
    )
