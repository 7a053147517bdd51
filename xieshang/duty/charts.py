"""Charts of duty evaluation (core.charts specs) for the evaluation page and the big screen,
built from `selectors.evaluation_rows` — the scores the evaluation table lists."""

from django.utils.translation import gettext as _

from xieshang.core import access, charts
from xieshang.core.screen import Panel, register

from . import selectors


def score_distribution(organisation, rows) -> dict:
    """How many members score in each grade band (the organisation's grade thresholds);
    while the year runs these are scores so far. `rows` is not empty."""
    # The thresholds the scores were graded against (no second settings lookup), cut into
    # half-open bands: a member on a threshold is counted once, in the band it opens.
    bands = selectors.score_bands(rows[0][1].thresholds)
    counts = [sum(1 for _m, score in rows if score.total in band) for band in bands]
    return charts.bar(
        "chart-duty-scores",
        _("委员履职得分分布"),
        [band.label for band in bands],
        [{"name": _("委员人数"), "data": counts}],
        unit=_("人"),
        summary=_("共%(n)s名委员：得分%(top_band)s的%(top)s人，%(low_band)s的%(low)s人。")
        % {
            "n": len(rows),
            "top_band": bands[3].label,
            "top": counts[3],
            "low_band": bands[0].label,
            "low": counts[0],
        },
    )


def screen_panel(user, organisation, year: int):
    # The office manages the duty files; the chairman's meeting approves the awards.
    if not any(access.can(user, p, organisation) for p in ("duty.view", "duty.award_approve")):
        return None
    rows = selectors.evaluation_rows(organisation, year)
    done = sum(1 for _m, score in rows if score.minimum_met)
    # The evaluation is each committee's own (its own members), while the other panels
    # add up the subtree: a city office read "0 members met the minimum" beside the
    # districts' 225 proposals. Where there are committees below, the panel says 本级.
    own_only = organisation.children.exists()
    return Panel(
        title=_("委员履职（本级）") if own_only else _("委员履职"),
        figures=[(_("本届委员"), len(rows)), (_("完成最低履职要求"), done)],
        charts=[score_distribution(organisation, rows)] if rows else [],
        order=40,
    )


register(screen_panel)
