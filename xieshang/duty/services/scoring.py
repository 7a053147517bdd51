"""The yearly score table: the office's edits to points and caps."""


def rules_update(*, organisation, year: int, actor, changes: dict) -> int:
    """Apply {rule_id: (expected_version, points, cap)} to the score table; each changed row
    is saved with an optimistic version check and the whole edit is one audit event."""
    from django.db import transaction

    from xieshang.core.audit import record_event, save_versioned

    from ..models import ScoreRule
    from ..policies import refuse_if_settled

    refuse_if_settled(organisation.pk, year)
    changed = {}
    with transaction.atomic():
        for rule in ScoreRule.objects.filter(
            organisation=organisation, year=year, pk__in=list(changes)
        ):
            version, points, cap = changes[rule.pk]
            if rule.points == points and rule.cap == cap:
                continue  # already as this user wants it, whoever set it
            before = (str(rule.points), str(rule.cap) if rule.cap is not None else "")
            rule.points, rule.cap = points, cap
            save_versioned(rule, expected_version=version, fields=["points", "cap"])
            changed[rule.kind] = [before, [str(points), str(cap) if cap is not None else ""]]
        if changed:
            record_event(
                actor=actor,
                verb="duty.rules_update",
                organisation=organisation,
                note=str(year),
                data={"changes": changed},
            )
    return len(changed)
