"""Imported history for the big demo profiles: years of proposals, plenary and other meetings,
attendance and duty records, written in bulk (issue 14, SPEC "Scale").

A province keeps ten years: ~300,000 proposals, ~35,000 members, millions of duty records.
Going through the services (one transaction, audit row and notification per step) would take
hours, and it is not what a real province would do either: its past years arrive as imported
history. So this module writes finished years straight into the tables, with PostgreSQL's
COPY where available (`bulk_create` in batches elsewhere), and keeps what the product relies
on:

- numbers unique per organisation, year and kind, given in submission order, rendered in the
  organisation's number format (the serial counters read the highest serial, core.counters);
- every row carries its organisation (scoping), proposals their session and year;
- answered and closed proposals have their assignments, follow-up tasks (closed), answers,
  contacts and evaluations; accepted ones the proposers' duty records, as the services write;
- the audit trail says what happened: one `proposal.import_history` event per proposal (its
  final state, when it got there) and one `demo.history_import` summary per organisation.

Only years before the current one are written, and for each organisation only the years
before the first its own data already holds: the demo district's year of proposals, made
through the services by `proposals.ProposalDemo` and the domain demos, reaches back into the
previous calendar year for most of the year (and its session is last year's until the new
one opens); a history series numbered from 1 in that year would collide with it.
"""

import datetime as dt
import random
from collections import Counter as Tally
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import timezone

from xieshang.core.db import bulk_load
from xieshang.core.models import Event
from xieshang.core.text import chinese_number
from xieshang.duty.models import DutyKind, DutyRecord
from xieshang.followups.models import Task
from xieshang.meetings.models import Attendance, Invitation, Meeting, MeetingKind, Sitting
from xieshang.members.models import Membership
from xieshang.orgs import config
from xieshang.orgs.models import Department, Organisation, Session, Term
from xieshang.proposals import numbering, rules
from xieshang.proposals.models import (
    Answer,
    Assignment,
    Contact,
    Evaluation,
    Proposal,
    Rating,
    Signer,
)
from xieshang.proposals.services.review import duty_date

from . import data
from .proposals import TOPICS, working_day

# More matters members raise, in the same shape as proposals.TOPICS:
# (subject, lead department, co-handler or None, the problem, the cause, the suggestions).
MORE_TOPICS = [
    (
        "农村饮水安全",
        "区水利局",
        "区卫生健康委员会",
        "{street}部分村组供水管网老化，枯水期供水不稳定。",
        "农村供水工程分散，管护责任落实不到位。",
        "推进城乡供水一体化，建立专业化管护队伍，完善水质检测。",
    ),
    (
        "城市内涝防治",
        "区住房和城乡建设局",
        "区水利局",
        "{street}低洼路段每逢强降雨即出现积水，影响出行安全。",
        "排水管网标准偏低，雨水调蓄设施不足。",
        "提高排水设计标准，建设海绵城市设施，完善内涝预警机制。",
    ),
    (
        "公共法律服务",
        "区司法局",
        None,
        "基层群众获取法律咨询渠道有限，法律援助知晓率不高。",
        "公共法律服务站点覆盖不足，专业人员短缺。",
        "推进村居法律顾问全覆盖，建设线上法律服务平台。",
    ),
    (
        "食品安全监管",
        "区市场监督管理局",
        "区教育局",
        "校园周边和网络订餐食品安全问题时有发生。",
        "监管力量不足，网络平台责任落实不到位。",
        "推行明厨亮灶，强化平台主体责任，开展校园周边专项整治。",
    ),
    (
        "外卖网络订餐平台监管",
        "区市场监督管理局",
        "区商务局",
        "网络订餐商户证照不全、卫生条件差的情况仍然存在。",
        "线上线下监管衔接不畅，平台审核把关不严。",
        "建立平台商户信息共享机制，加大抽检频次，畅通投诉渠道。",
    ),
    (
        "中小学生心理健康",
        "区教育局",
        "区卫生健康委员会",
        "部分中小学生存在焦虑、抑郁等心理问题，家庭和学校关注不够。",
        "心理健康教师配备不足，家校医协同机制缺失。",
        "配齐专职心理教师，建立心理危机干预体系，加强家庭教育指导。",
    ),
    (
        "课后延时服务",
        "区教育局",
        None,
        "双职工家庭放学后接送难，学校延时服务时长和内容不能满足需求。",
        "教师负担重，经费保障和激励机制不健全。",
        "完善延时服务经费分担机制，统筹社会资源丰富服务内容。",
    ),
    (
        "老年人助餐服务",
        "区民政局",
        "区市场监督管理局",
        "{street}独居和高龄老人就餐难，社区老年食堂覆盖不足。",
        "助餐点运营成本高，可持续运营机制尚未形成。",
        "按照政府补一点、企业让一点、个人出一点的原则，扩大老年助餐点覆盖。",
    ),
    (
        "新能源汽车充电设施",
        "区发展和改革局",
        "国网示范区供电公司",
        "{street}老旧小区充电桩安装难，公共充电设施布局不均。",
        "电力容量不足，物业配合意愿不强。",
        "编制充电设施专项规划，推进居住区充电设施统建统营。",
    ),
    (
        "高校毕业生就业",
        "区人力资源和社会保障局",
        "区教育局",
        "本地高校毕业生留区就业比例不高。",
        "产业岗位与毕业生专业结构不匹配，人才政策吸引力不足。",
        "开发见习岗位，落实就业补贴，举办专场招聘活动。",
    ),
    (
        "非物质文化遗产传承",
        "区文化和旅游局",
        "区教育局",
        "部分非遗项目传承人老龄化，后继乏人。",
        "传承人待遇偏低，非遗产品市场化程度不高。",
        "开展非遗进校园，扶持传承人带徒授艺，发展非遗文创产品。",
    ),
    (
        "公共文化服务",
        "区文化和旅游局",
        None,
        "基层综合文化服务中心使用率不高，活动内容单一。",
        "专职文化管理人员缺乏，群众参与渠道不畅。",
        "推行菜单式文化服务，引入社会力量参与运营。",
    ),
    (
        "物业服务管理",
        "区住房和城乡建设局",
        "{street_office}",
        "{street}部分小区物业服务质量不高，业主与物业矛盾突出。",
        "业主委员会组建率低，物业行业监管手段不足。",
        "推动业委会规范化建设，建立物业服务质量评价和退出机制。",
    ),
    (
        "社区居家养老",
        "区民政局",
        "区卫生健康委员会",
        "{street}失能半失能老人照护需求大，家庭照护压力重。",
        "居家上门服务供给不足，护理人员短缺。",
        "发展家庭养老床位，培育专业护理队伍，推行长期护理保险。",
    ),
    (
        "残疾人就业帮扶",
        "区残疾人联合会",
        "区人力资源和社会保障局",
        "残疾人就业渠道窄，按比例安排就业落实不到位。",
        "用人单位认识不足，辅助性就业机构少。",
        "落实按比例就业制度，扶持辅助性就业机构，开展订单培训。",
    ),
    (
        "耕地保护",
        "区自然资源和规划分局",
        "区农业农村局",
        "部分耕地存在撂荒和非农化现象。",
        "种粮收益偏低，监管手段不够有力。",
        "落实耕地保护责任制，完善种粮补贴，运用卫星遥感加强监测。",
    ),
    (
        "科技创新平台建设",
        "区科学技术局",
        "区工业和信息化局",
        "我区企业研发投入强度偏低，创新平台数量少。",
        "高层次人才缺乏，产学研合作不紧密。",
        "支持企业建设研发中心，落实研发费用补助，深化校地合作。",
    ),
    (
        "燃气安全管理",
        "区应急管理局",
        "区住房和城乡建设局",
        "{street}餐饮场所和老旧小区燃气管道存在安全隐患。",
        "用户安全意识薄弱，管网老化更新滞后。",
        "推广燃气报警装置，加快老旧管网更新，开展入户安全检查。",
    ),
    (
        "电动自行车充电安全",
        "区消防救援大队",
        "{street_office}",
        "{street}居民楼道内电动自行车充电现象屡禁不止。",
        "集中充电设施不足，管理措施落实不到位。",
        "建设集中充电车棚，推广智能阻车系统，加强宣传执法。",
    ),
    (
        "社区卫生服务",
        "区卫生健康委员会",
        None,
        "{street}社区卫生服务中心服务能力不足，群众就医仍涌向大医院。",
        "设备配置和专科力量薄弱。",
        "推进优质医疗资源下沉，开设社区专病门诊。",
    ),
    (
        "营商环境法治化",
        "区司法局",
        "区行政审批局",
        "涉企执法检查多头重复，企业负担较重。",
        "部门间执法信息不共享，检查计划不统筹。",
        "推行综合查一次，建立涉企检查备案制度。",
    ),
    (
        "文旅融合发展",
        "区文化和旅游局",
        "区商务局",
        "我区旅游产品以观光为主，游客停留时间短。",
        "文旅资源整合不够，夜间经济业态不足。",
        "打造精品旅游线路，发展夜间文旅消费，培育民宿经济。",
    ),
]
ALL_TOPICS = [*TOPICS, *MORE_TOPICS]

TITLE_PATTERNS = [
    "关于{place}{subject}的建议",
    "关于加快推进{subject}的建议",
    "关于进一步加强{subject}工作的提案",
    "关于完善{subject}机制的建议",
    "关于{subject}问题的几点建议",
    "关于推动{place}{subject}高质量发展的建议",
    "关于解决{place}{subject}难题的建议",
    "关于{subject}的建议",
    "关于做好{subject}工作的提案",
]
FACT_EXTRAS = [
    "据不完全统计，相关问题在{place}群众来信来访中占比约{p}%，近{k}年呈上升趋势。",
    "在{k}次走访调研中，群众反映最集中的是{subject}相关问题。",
    "今年以来，{place}已有{n}件相关诉求通过12345热线反映。",
    "调研中发现，约{p}%的受访居民对此表示不满意。",
    "",
]
ANALYSIS_EXTRAS = [
    "部门之间统筹协调不够，政策落实存在“最后一公里”问题。",
    "资金投入渠道单一，社会力量参与不足。",
    "相关标准和制度不完善，监管考核机制有待健全。",
    "宣传引导不够，群众知晓率和参与度不高。",
    "",
]
SUGGESTION_EXTRAS = [
    "建立定期会商和督查通报制度",
    "将相关工作纳入年度绩效考核",
    "加大财政投入并引导社会资本参与",
    "运用信息化手段提升管理效能",
    "总结推广试点经验",
]
ORDINALS = ["一", "二", "三", "四"]

# How past years' proposals ended (shares of those submitted).
PAST_STATES = [
    ("closed", 0.80),
    ("answered", 0.03),
    ("rejected", 0.05),
    ("merged", 0.04),
    ("to_opinion", 0.05),
    ("to_info", 0.03),
]
ANSWER_TEXTS = {
    "A": "经研究，您提出的建议已基本落实。我单位已会同有关部门制定工作方案并组织实施。",
    "B": "您提出的建议很有针对性，我单位已将相关工作列入工作计划，正在积极推进。",
    "C": "您提出的建议具有一定参考价值，受资金和政策条件限制，目前暂难实施，我们将留作参考。",
}
MEETING_KINDS = [
    (MeetingKind.COMMITTEE, "{subject}专题调研座谈"),
    (MeetingKind.INSPECTION, "{subject}专题视察"),
    (MeetingKind.SYMPOSIUM, "{subject}协商座谈会"),
    (MeetingKind.TRAINING, "委员履职能力培训班（{n}期）"),
    (MeetingKind.GROUP, "委员活动小组{subject}调研活动"),
    (MeetingKind.STUDIO, "委员工作室进社区活动"),
    (MeetingKind.SPECIAL_CONSULTATION, "{subject}专题协商会"),
]
MEETING_DUTY = {
    MeetingKind.TRAINING: DutyKind.TRAINING,
    MeetingKind.INSPECTION: DutyKind.INSPECTION,
    MeetingKind.STUDIO: DutyKind.STUDIO,
}
PLENARY_SITTINGS = [
    (Sitting.Kind.OPENING, "开幕会", 0, 9),
    (Sitting.Kind.GROUP, "分组讨论", 0, 15),
    (Sitting.Kind.JOINT, "联组讨论", 1, 9),
    (Sitting.Kind.SPEECHES, "大会发言", 1, 15),
    (Sitting.Kind.CLOSING, "闭幕会", 2, 9),
]


class BulkWriter:
    """Rows by model, written in batches: PostgreSQL COPY, or `bulk_create` elsewhere.

    Ids are given here (reserved from the table's sequence on PostgreSQL), so rows can point
    at each other before they are written; foreign keys are checked at the end (deferred, or
    re-added by core.db.bulk_load), so the order of the flushes does not matter."""

    BATCH = 20_000

    def __init__(self, using: str = DEFAULT_DB_ALIAS):
        self.connection = connections[using]
        self.pg = self.connection.vendor == "postgresql"
        self.buffers: dict[type[models.Model], tuple[tuple[str, ...], list]] = {}
        self.counts: Tally = Tally()
        self._next_id: dict[type[models.Model], int] = {}
        self._pools: dict[type[models.Model], list[int]] = {}

    def ids(self, model: type[models.Model], n: int) -> range:
        if n <= 0:
            return range(0)
        if self.pg:
            table = model._meta.db_table
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                seq = cursor.fetchone()[0]
                cursor.execute("SELECT nextval(%s)", [seq])
                first = cursor.fetchone()[0]
                cursor.execute("SELECT setval(%s, %s)", [seq, first + n - 1])
            return range(first, first + n)
        if model not in self._next_id:
            top = model.objects.aggregate(m=models.Max("pk"))["m"] or 0
            self._next_id[model] = top + 1
        first = self._next_id[model]
        self._next_id[model] = first + n
        return range(first, first + n)

    def next_id(self, model: type[models.Model]) -> int:
        """One id, from a block reserved a few thousand at a time."""
        pool = self._pools.get(model)
        if not pool:
            pool = self._pools[model] = list(reversed(self.ids(model, 5000)))
        return pool.pop()

    def add(self, model: type[models.Model], columns: tuple[str, ...], row: tuple) -> None:
        buffer = self.buffers.get(model)
        if buffer is None:
            buffer = self.buffers[model] = (columns, [])
        buffer[1].append(row)
        if len(buffer[1]) >= self.BATCH:
            self._flush(model)

    def flush(self) -> None:
        for model in list(self.buffers):
            self._flush(model)

    def _flush(self, model) -> None:
        columns, rows = self.buffers[model]
        if not rows:
            return
        self.counts[model._meta.label] += len(rows)
        if self.pg:
            self._copy(model, columns, rows)
        else:
            model.objects.bulk_create(
                [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=500
            )
        rows.clear()

    def _copy(self, model, columns, rows) -> None:
        from psycopg.types.json import Jsonb

        opts = model._meta
        fields = [opts.get_field(name) for name in columns]
        # Columns the rows leave out: their Python default (COPY would write NULL).
        now = timezone.now()
        extra_fields, extra_values = [], []
        for field in opts.concrete_fields:
            if field in fields or field.null or field.primary_key:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            else:
                value = field.get_default()
            extra_fields.append(field)
            extra_values.append(value)
        all_fields = fields + extra_fields
        json_at = [i for i, f in enumerate(all_fields) if f.get_internal_type() == "JSONField"]
        extra = tuple(extra_values)
        qn = self.connection.ops.quote_name
        names = ", ".join(qn(f.column) for f in all_fields)
        with self.connection.cursor() as cursor:
            sql = f"COPY {qn(opts.db_table)} ({names}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    full = row + extra
                    if json_at:
                        full = list(full)
                        for i in json_at:
                            full[i] = Jsonb(full[i])
                    copy.write_row(full)


class HistoryBuilder:
    """Past years for every organisation with members. `proposals` is the total over all
    organisations and years (shared by their members' numbers); `years` how many years
    before the current one are kept."""

    def __init__(
        self,
        *,
        nodes: list,
        rng: random.Random,
        proposals: int,
        years: int = 10,
        progress: Callable[[str], None] | None = None,
        using: str = DEFAULT_DB_ALIAS,
    ):
        self.nodes = [n for n in nodes if n.memberships]
        self.rng = rng
        self.total = proposals
        self.today = timezone.localdate()
        self.years = list(range(self.today.year - years, self.today.year))
        self.progress = progress or (lambda text: None)
        self.writer = BulkWriter(using)
        self.ct = {
            m: ContentType.objects.get_for_model(m).pk
            for m in (Proposal, Invitation, Attendance, Task)
        }
        self.tz = timezone.get_current_timezone()

    # --- helpers ------------------------------------------------------------------------
    def at(self, day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.tz)

    def build(self) -> dict[str, int]:
        members = sum(len(n.memberships) for n in self.nodes)
        if not members or not self.years:
            return {}
        free = self.free_years()  # read while the indexes are there
        # The foreign keys and plain indexes of the tables written are set aside during the
        # load and re-created (checked in one pass each) at the end (PostgreSQL).
        with bulk_load(*bulk_models(), using=self.writer.connection.alias):
            self._build(free)
        return dict(self.writer.counts)

    def free_years(self) -> dict[int, list[int]]:
        """Organisation pk → the history years before any in which it already has proposals
        or meetings: those years are its own data's. The seed's own 委员活动小组 activities
        (tied to a group, last year's too, for the commendation) do not claim a year."""
        orgs = [node.org.pk for node in self.nodes]
        first: dict[int, int] = {}
        for rows in (
            Proposal.objects.filter(organisation__in=orgs)
            .values_list("organisation")
            .annotate(y=models.Min("year")),
            Meeting.objects.filter(organisation__in=orgs)
            .exclude(kind=MeetingKind.GROUP, activity_group__isnull=False)
            .values_list("organisation")
            .annotate(y=models.Min("start__year")),
        ):
            for org, year in rows:
                first[org] = min(year, first.get(org, year))
        return {pk: [y for y in self.years if pk not in first or y < first[pk]] for pk in orgs}

    def _build(self, free: dict[int, list[int]]) -> None:
        members = sum(len(n.memberships) for n in self.nodes)
        for node in self.nodes:
            years = free[node.org.pk]
            if not years:
                continue
            active = [m for m in node.memberships if m.status == Membership.Status.ACTIVE]
            share = len(node.memberships) / members
            # The organisation's share of the total, over the years it has free.
            per_year = self.total * share / len(years)
            sessions = self._sessions(node)
            departments = list(
                Department.objects.filter(organisation=node.org).order_by("sort_order", "pk")
            )
            made = Tally()
            for year in years:
                count = max(0, round(per_year * self.rng.uniform(0.9, 1.1)))
                session = sessions.get(year)
                if departments and count:
                    made += self._proposals(node, year, session, active, departments, count)
                if session is not None:
                    made += self._plenary(node, year, session, active)
                made += self._meetings(node, year, active)
            self._summary(node, made, years)
            self.progress(node.place)
        self.writer.flush()

    def _summary(self, node, made: Tally, years: list[int]) -> None:
        self.writer.add(
            Event,
            self.EVENT_COLUMNS,
            (timezone.now(), "", node.org.pk, "demo.history_import", None, "", "", "", "",
             f"{years[0]}—{years[-1]}年历史数据导入",
             {"years": [years[0], years[-1]], **dict(made)}),
        )  # fmt: skip

    # --- terms and sessions -------------------------------------------------------------
    def _sessions(self, node) -> dict[int, Session]:
        """The plenary session of each history year, with earlier terms made as needed."""
        found = {
            s.start_date.year: s
            for s in Session.objects.filter(term__organisation=node.org).select_related("term")
        }
        term = node.term
        while self.years and self.years[0] < term.start_date.year and term.number > 1:
            start_year = term.start_date.year - 5
            day = term.start_date.day
            earlier, _made = Term.objects.get_or_create(
                organisation=node.org,
                number=term.number - 1,
                defaults={
                    "start_date": dt.date(start_year, 1, day),
                    "end_date": term.start_date - dt.timedelta(days=1),
                },
            )
            for n, year in enumerate(range(start_year, term.start_date.year), start=1):
                if year in found:
                    continue
                start = dt.date(year, 1, day + (n % 3))
                found[year] = Session.objects.create(
                    term=earlier,
                    number=n,
                    start_date=start,
                    end_date=start + dt.timedelta(days=3),
                    proposal_deadline=working_day(start + dt.timedelta(days=1)),
                )
            term = earlier
        return found

    # --- proposals ----------------------------------------------------------------------
    def _department(self, name: str | None, node, by_name: dict, departments: list):
        if not name:
            return None
        if name == "{street_office}":
            return self.rng.choice(departments)
        name = name.replace("示范区", node.place)
        level_prefix = {"district": "区", "city": "市", "province": "省"}[node.org.level]
        if level_prefix != "区":
            name = name.replace("区", level_prefix, 1)
        return by_name.get(name) or self.rng.choice(departments)

    def _text(self, topic, place: str) -> tuple[str, str, str, str]:
        rng = self.rng
        subject, _lead, _co, facts, analysis, suggestions = topic
        title = rng.choice(TITLE_PATTERNS).format(
            place=place if rng.random() < 0.5 else "", subject=subject
        )[:120]
        extra = rng.choice(FACT_EXTRAS).format(
            place=place, subject=subject, p=rng.randint(12, 68), k=rng.randint(2, 5),
            n=rng.randint(30, 900),
        )  # fmt: skip
        facts = facts.format(street=place) + extra
        analysis = analysis + rng.choice(ANALYSIS_EXTRAS)
        items = [s for s in suggestions.rstrip("。").split("，") if s]
        items += rng.sample(SUGGESTION_EXTRAS, rng.randint(0, 2))
        items = items[: len(ORDINALS)]
        suggestions = "；".join(f"{ORDINALS[i]}是{s}" for i, s in enumerate(items)) + "。"
        return title, facts, analysis, suggestions

    def _proposals(self, node, year, session, active, departments, count) -> Tally:
        rng, w, org = self.rng, self.writer, node.org
        by_name = {d.name: d for d in departments}
        templates = {
            Proposal.Kind.PLENARY: config.get(org, rules.NUMBER_FORMAT_PLENARY).strip(),
            Proposal.Kind.INTERIM: config.get(org, rules.NUMBER_FORMAT_INTERIM).strip(),
        }
        term_number = chinese_number(session.term.number) if session else ""
        session_number = chinese_number(session.number) if session else ""
        plan = []
        for _ in range(count):
            plenary = session is not None and rng.random() < 0.75
            if plenary:
                submitted = session.start_date - dt.timedelta(days=rng.randint(0, 25))
            else:
                submitted = dt.date(year, 3, 1) + dt.timedelta(days=rng.randint(0, 290))
            plan.append((submitted, rng.random(), plenary))
        plan.sort()
        ids = w.ids(Proposal, count)
        serials = {Proposal.Kind.PLENARY: 0, Proposal.Kind.INTERIM: 0}
        states = [s for s, _share in PAST_STATES]
        weights = [share for _s, share in PAST_STATES]
        handled_in_year: list[int] = []
        made = Tally()
        streets = data.STREETS
        for pk, (submitted_on, _r, plenary) in zip(ids, plan, strict=True):
            kind = Proposal.Kind.PLENARY if plenary else Proposal.Kind.INTERIM
            serials[kind] += 1
            serial = serials[kind]
            values = {"年": year, "号": serial}
            if plenary:
                values |= {"届": term_number, "次": session_number}
                number = numbering.render(templates[kind], values, numbering.PLENARY_PLACEHOLDERS)
            else:
                number = numbering.render(templates[kind], values, numbering.INTERIM_PLACEHOLDERS)
            state = rng.choices(states, weights)[0]
            if state == "merged" and not handled_in_year:
                state = "closed"
            topic = rng.choice(ALL_TOPICS)
            place = node.place + rng.choice(streets) if rng.random() < 0.5 else node.place
            title, facts, analysis, suggestions = self._text(topic, place)
            first = rng.choice(active)
            cosigners = [
                m for m in rng.sample(active, rng.choice([0, 0, 1, 1, 2, 3])) if m is not first
            ]
            submitted = self.at(submitted_on, rng.randint(8, 20), rng.randint(0, 59))
            created = submitted - dt.timedelta(days=rng.randint(0, 6), minutes=rng.randint(1, 600))
            reviewed = submitted + dt.timedelta(days=rng.randint(2, 12), hours=rng.randint(1, 5))
            review_due = working_day((submitted + dt.timedelta(days=14)).date())
            lead = self._department(topic[1], node, by_name, departments)
            public = rng.random() < 0.85
            opt_out = rng.random() < 0.05
            last = reviewed
            status = state
            merged_into = None
            reject_reason = ""
            review_note = ""
            key_status, leader = "", ""
            published_at = None
            if state == "rejected":
                reject_reason = rng.choice(
                    ["没有具体建议的", "涉及提案者本人及其亲属个人事务的", "属于学术探讨的"]
                )
                review_note = reject_reason
            elif state == "merged":
                merged_into = rng.choice(handled_in_year)
                review_note = "内容相近，并案办理。"
            elif state in ("to_opinion", "to_info"):
                review_note = "所提问题属于具体工作建议，转有关部门参考。"
            elif state in ("answered", "closed"):
                handled_in_year.append(pk)
                if rng.random() < 0.02:
                    key_status = Proposal.KeyStatus.APPROVED
                    leader = rng.choice(["常务副职领导", "分管副职领导", "主要领导"])
                last = self._handling(node, pk, number, title, state, reviewed, lead,
                                      departments, by_name, topic, first, cosigners)  # fmt: skip
                if state == "closed" and public and not opt_out:
                    published_at = last + dt.timedelta(days=rng.randint(5, 15))
                # The proposers' duty records, written when the proposal was accepted and
                # dated in its year (a plenary proposal of December on the opening day).
                duty_day = duty_date(year, submitted_on, session.start_date if plenary else None)
                for member, duty in [(first, DutyKind.PROPOSAL_FIRST)] + [
                    (c, DutyKind.PROPOSAL_COSIGNER) for c in cosigners
                ]:
                    self._duty(member, duty, duty_day, title, Proposal, pk)
            w.add(
                Proposal,
                ("id", "organisation_id", "session_id", "kind", "year", "serial", "number",
                 "title", "facts", "analysis", "suggestions", "category",
                 "suggested_department_id", "proposer_type", "first_proposer_id",
                 "proposer_body", "status", "submitted_at", "review_due", "reviewed_at",
                 "review_note", "reject_reason", "returned_count", "merged_into_id",
                 "is_public_interest", "proposer_opt_out", "office_withheld", "published_at",
                 "key_status", "leading_leader", "rehandled", "updated_at", "created_by_id",
                 "created_at", "version"),
                (pk, org.pk, session.pk if plenary else None, kind, year, serial, number,
                 title, facts, analysis, suggestions, "",
                 lead.pk if lead and rng.random() < 0.5 else None,
                 Proposal.ProposerType.JOINT if cosigners else Proposal.ProposerType.MEMBER,
                 first.member_id, "", status, submitted, review_due, reviewed, review_note,
                 reject_reason, 0, merged_into, public, opt_out, False, published_at,
                 key_status, leader, False, last, None, created, 1),
            )  # fmt: skip
            for order, cosigner in enumerate(cosigners, start=2):
                w.add(
                    Signer,
                    ("id", "proposal_id", "member_id", "order", "status", "responded_at"),
                    (w.next_id(Signer), pk, cosigner.member_id, order, Signer.Status.CONFIRMED,
                     submitted),
                )  # fmt: skip
            self._event(org.pk, Proposal, pk, f"{number} {title}", status, last)
            made["proposals"] += 1
            made[f"proposals_{status}"] += 1
        return made

    def _handling(self, node, pk, number, title, state, reviewed, lead, departments, by_name,
                  topic, first, cosigners) -> dt.datetime:  # fmt: skip
        """Assignments, tasks, contacts, answers and evaluations of an answered or closed
        proposal; returns when it reached its final state."""
        rng, w = self.rng, self.writer
        co = self._department(topic[2], node, by_name, departments)
        split = co is not None and co != lead and rng.random() < 0.08
        roles = (
            [(lead, Assignment.Role.SPLIT), (co, Assignment.Role.SPLIT)]
            if split
            else [(lead, Assignment.Role.LEAD)]
            + ([(co, Assignment.Role.CO)] if co is not None and co != lead else [])
        )
        assigned = reviewed + dt.timedelta(days=rng.randint(5, 25))
        answers = []
        latest = assigned
        for department, role in roles:
            assignment_id = w.next_id(Assignment)
            task_id = w.next_id(Task)
            answered = assigned + dt.timedelta(days=rng.randint(20, 85), hours=rng.randint(0, 6))
            due = working_day((assigned + dt.timedelta(days=90)).date())
            w.add(
                Task,
                ("id", "organisation_id", "kind", "title", "request", "content_type_id",
                 "object_id", "department_id", "assignee_role", "start_date", "due_date",
                 "remind_days_before", "status", "submitted_at", "closed_at", "created_at",
                 "version"),
                (task_id, node.org.pk,
                 Task.Kind.CO_HANDLING if role == Assignment.Role.CO else Task.Kind.PROPOSAL,
                 f"{number}《{title}》"[:200],
                 "请向主办单位提出协办意见。" if role == Assignment.Role.CO
                 else "请联系提案人并书面答复。",
                 self.ct[Proposal], str(pk), department.pk, "", assigned.date(), due, 3,
                 Task.Status.CLOSED, answered, answered, assigned, 2),
            )  # fmt: skip
            w.add(
                Assignment,
                ("id", "proposal_id", "department_id", "role", "status", "task_id",
                 "assigned_at", "return_reason", "round"),
                (assignment_id, pk, department.pk, role, Assignment.Status.ANSWERED, task_id,
                 assigned, "", 1),
            )  # fmt: skip
            if role == Assignment.Role.CO:
                continue
            contacted = assigned + dt.timedelta(days=rng.randint(3, 15))
            w.add(
                Contact,
                ("assignment_id", "date", "way", "note", "created_at"),
                (assignment_id, contacted.date(),
                 rng.choice(["phone", "phone", "meeting", "visit"]),
                 "与提案人沟通办理思路，听取意见建议。", contacted),
            )  # fmt: skip
            category = rng.choices(["A", "B", "C"], weights=[5, 4, 1])[0]
            answer_id = w.next_id(Answer)
            w.add(
                Answer,
                ("id", "assignment_id", "category", "text", "signed_by", "contact_person",
                 "contact_phone", "doc_number", "answered_at", "sent_at", "record_scan",
                 "record_scan_name"),
                (answer_id, assignment_id, category, ANSWER_TEXTS[category],
                 department.leader_name or "单位负责人", f"{department.name[1:3]}科室",
                 "0371-6" + f"{rng.randrange(10**6):06d}", "", answered, answered, "", ""),
            )  # fmt: skip
            answers.append((answer_id, answered))
            latest = max(latest, answered)
        if state == "closed":
            for answer_id, answered in answers:
                for member in [first, *cosigners]:
                    rated = answered + dt.timedelta(days=rng.randint(1, 20))
                    w.add(
                        Evaluation,
                        ("answer_id", "member_id", "process", "result", "comment", "created_at"),
                        (answer_id, member.member_id, self._rating(0.8), self._rating(0.65),
                         "", rated),
                    )  # fmt: skip
                    latest = max(latest, rated)
            latest += dt.timedelta(days=rng.randint(1, 10))
        return latest

    def _rating(self, satisfied: float) -> str:
        roll = self.rng.random()
        if roll < satisfied:
            return Rating.SATISFIED
        return Rating.BASICALLY if roll < 0.97 else Rating.UNSATISFIED

    # --- duty and audit -------------------------------------------------------------------
    DUTY_COLUMNS = ("member_id", "organisation_id", "date", "kind", "quantity", "title",
                    "content_type_id", "object_id", "source", "status", "evidence",
                    "created_at")  # fmt: skip

    def _duty(self, membership, kind, day: dt.date, title: str, model, object_id) -> None:
        self.writer.add(
            DutyRecord,
            self.DUTY_COLUMNS,
            (
                membership.member_id, membership.member.organisation_id, day, kind,
                Decimal(1), title[:200], self.ct[model], str(object_id),
                DutyRecord.Source.IMPORTED, DutyRecord.Status.CONFIRMED, "",
                self.at(day, 18),
            ),
        )  # fmt: skip

    EVENT_COLUMNS = (
        "created_at", "actor_name", "organisation_id", "verb", "content_type_id", "object_id",
        "object_repr", "from_state", "to_state", "note", "data",
    )  # fmt: skip

    def _event(self, org_id, model, pk, text, to_state, when) -> None:
        self.writer.add(
            Event,
            self.EVENT_COLUMNS,
            (when, "", org_id, "proposal.import_history", self.ct[model], str(pk), text[:200],
             "", to_state, "历史数据导入", {"imported": True}),
        )  # fmt: skip

    # --- meetings -----------------------------------------------------------------------
    def _meeting(self, node, kind, title, start: dt.datetime, end: dt.datetime, session=None):
        meeting_id = self.writer.next_id(Meeting)
        self.writer.add(
            Meeting,
            ("id", "organisation_id", "kind", "title", "session_id", "series", "host",
             "location", "start", "end", "description", "mode", "status", "report",
             "attendees_text", "closed_at", "created_at", "version"),
            (meeting_id, node.org.pk, kind, title[:200], session.pk if session else None, "",
             node.org.name, f"{node.place}政协会议中心", start, end, "", Meeting.Mode.COMPULSORY,
             Meeting.Status.CLOSED, "", "", end + dt.timedelta(hours=2),
             start - dt.timedelta(days=14), 3),
        )  # fmt: skip
        return meeting_id

    def _sitting(self, meeting_id, kind, title, start, end) -> int:
        sitting_id = self.writer.next_id(Sitting)
        self.writer.add(
            Sitting,
            ("id", "meeting_id", "kind", "title", "start", "end", "location", "qr_nonce"),
            (sitting_id, meeting_id, kind, title, start, end, "",
             f"{self.rng.getrandbits(64):016x}"),
        )  # fmt: skip
        return sitting_id

    def _invite(self, meeting_id, membership, outcome, created) -> int:
        invitation_id = self.writer.next_id(Invitation)
        member = membership.member
        self.writer.add(
            Invitation,
            ("id", "meeting_id", "category", "member_id", "name", "title", "sector_id",
             "sort_key", "via", "response", "outcome", "notified_at", "created_at"),
            (invitation_id, meeting_id, Invitation.Category.MEMBER, member.pk, member.name,
             membership.position or "委员", membership.sector_id, member.pinyin_key, "", "",
             outcome, created, created),
        )  # fmt: skip
        return invitation_id

    def _attend(self, sitting_id, invitation_id, state, method, signed_at) -> int:
        attendance_id = self.writer.next_id(Attendance)
        self.writer.add(
            Attendance,
            ("id", "sitting_id", "invitation_id", "state", "method", "signed_at", "updated_at"),
            (attendance_id, sitting_id, invitation_id, state, method, signed_at,
             signed_at or timezone.now()),
        )  # fmt: skip
        return attendance_id

    def _plenary(self, node, year, session, active) -> Tally:
        rng, made = self.rng, Tally()
        title = (
            f"{node.org.name}第{chinese_number(session.term.number)}届委员会"
            f"第{chinese_number(session.number)}次会议"
        )
        start = self.at(session.start_date, 9)
        end = self.at(session.start_date + dt.timedelta(days=2), 12)
        meeting_id = self._meeting(node, MeetingKind.PLENARY, title, start, end, session)
        sittings = []
        for kind, label, day, hour in PLENARY_SITTINGS:
            s_start = self.at(session.start_date + dt.timedelta(days=day), hour)
            s_end = s_start + dt.timedelta(hours=3)
            sittings.append(
                (self._sitting(meeting_id, kind, label, s_start, s_end), label, s_start)
            )
        invited = start - dt.timedelta(days=10)
        for membership in active:
            roll = rng.random()
            outcome = (
                Invitation.Outcome.PRESENT if roll < 0.93
                else Invitation.Outcome.EXCUSED if roll < 0.985
                else Invitation.Outcome.ABSENT
            )  # fmt: skip
            invitation_id = self._invite(meeting_id, membership, outcome, invited)
            made["invitations"] += 1
            if outcome == Invitation.Outcome.PRESENT:
                for sitting_id, label, s_start in sittings:
                    signed = s_start - dt.timedelta(minutes=rng.randint(1, 25))
                    attendance_id = self._attend(
                        sitting_id, invitation_id, Attendance.State.PRESENT,
                        Attendance.Method.QR, signed,
                    )  # fmt: skip
                    self._duty(membership, DutyKind.PLENARY_HALF_DAY, s_start.date(),
                               f"{title}·{label}", Attendance, attendance_id)  # fmt: skip
                continue
            state = (
                Attendance.State.EXCUSED
                if outcome == Invitation.Outcome.EXCUSED
                else Attendance.State.ABSENT
            )
            for sitting_id, _label, _s_start in sittings:
                self._attend(sitting_id, invitation_id, state, Attendance.Method.CLOSE, None)
            duty = (
                DutyKind.PLENARY_ABSENCE_EXCUSED
                if outcome == Invitation.Outcome.EXCUSED
                else DutyKind.PLENARY_ABSENCE_UNEXCUSED
            )
            self._duty(membership, duty, session.start_date, title, Invitation, invitation_id)
        made["meetings"] += 1
        return made

    def _meetings(self, node, year, active) -> Tally:
        """The year's other activities: about two and a half per member, 15–35 invitees."""
        rng, made = self.rng, Tally()
        count = max(1, round(len(active) * 2.5 / 25))
        for n in range(1, count + 1):
            kind, pattern = rng.choice(MEETING_KINDS)
            subject = rng.choice(ALL_TOPICS)[0]
            title = f"{node.place}政协" + pattern.format(subject=subject, n=chinese_number(n))
            day = dt.date(year, 2, 20) + dt.timedelta(days=rng.randint(0, 300))
            start = self.at(day, rng.choice([9, 14]), 30)
            end = start + dt.timedelta(hours=3)
            meeting_id = self._meeting(node, kind, title, start, end)
            sitting_id = self._sitting(meeting_id, Sitting.Kind.MAIN, "全程", start, end)
            invitees = rng.sample(active, min(len(active), rng.randint(15, 35)))
            duty = MEETING_DUTY.get(kind, DutyKind.MEETING)
            for membership in invitees:
                roll = rng.random()
                if roll < 0.88:
                    outcome, state = Invitation.Outcome.PRESENT, Attendance.State.PRESENT
                elif roll < 0.97:
                    outcome, state = Invitation.Outcome.EXCUSED, Attendance.State.EXCUSED
                else:
                    outcome, state = Invitation.Outcome.ABSENT, Attendance.State.ABSENT
                invitation_id = self._invite(
                    meeting_id, membership, outcome, start - dt.timedelta(days=7)
                )
                present = outcome == Invitation.Outcome.PRESENT
                self._attend(sitting_id, invitation_id, state,
                             Attendance.Method.QR if present else Attendance.Method.CLOSE,
                             start - dt.timedelta(minutes=10) if present else None)  # fmt: skip
                made["invitations"] += 1
                if present:
                    self._duty(membership, duty, day, title, Invitation, invitation_id)
                elif outcome == Invitation.Outcome.ABSENT:
                    self._duty(membership, DutyKind.ABSENCE_UNEXCUSED, day, title, Invitation,
                               invitation_id)  # fmt: skip
            made["meetings"] += 1
        return made


@dataclass
class HistoryNode:
    """What the history needs of one organisation (seed.Node has the same attributes)."""

    org: Organisation
    place: str
    term: Term
    memberships: list[Membership]


def nodes_for(organisations: Iterable[Organisation]) -> list[HistoryNode]:
    """History nodes read from the database: each organisation's current term and its seats
    (to add history to a data set seeded earlier)."""
    nodes = []
    for org in organisations:
        term = org.terms.order_by("-number").first()
        if term is None:
            continue
        seats = list(Membership.objects.filter(term=term).select_related("member").order_by("pk"))
        nodes.append(HistoryNode(org, org.name.removesuffix("政协"), term, seats))
    return nodes


def bulk_models() -> tuple[type[models.Model], ...]:
    """The tables the history fills with COPY (the big ones), whose foreign keys and plain
    indexes are set aside during the load (core.db.bulk_load)."""
    return (Proposal, Signer, Assignment, Task, Contact, Answer, Evaluation, DutyRecord, Event,
            Meeting, Sitting, Invitation, Attendance)  # fmt: skip


def history_models() -> Iterable[type[models.Model]]:
    """Every table the history writes, for ANALYZE."""
    return (Proposal, Signer, Assignment, Task, Contact, Answer, Evaluation, DutyRecord, Event,
            Meeting, Sitting, Invitation, Attendance, Term, Session)  # fmt: skip
