"""Every write to the duty ledger and the duty app's records, as one function per change.

Other modules record duty facts only through `record_duty` / `record_duties`; views,
commands, jobs and demos call the rest as `services.X`. This package re-exports every public
name of its modules (recording → hand-entered entries → scoring rules → discipline cases →
revocation → certificates), so callers never need to know which stage a function lives in.
"""

from .cases import _raise_cases, case_decide, scan_all, scan_discipline
from .certificates import CERTIFICATE_KINDS, certificate_issue, certificate_records
from .entries import (
    MANUAL_KINDS,
    MAX_ENTRY_FILES,
    check_entry_files,
    manual_entry_decide,
    manual_entry_record,
    manual_entry_submit,
    refuse_after_exit,
)
from .recording import (
    ABSENCE_KINDS,
    Fact,
    on_seat_ended,
    record_duties,
    record_duty,
    remove_absences_after_exit,
    remove_source_records,
)
from .revocation import exit_decide, exit_propose
from .scoring import rules_update

__all__ = [
    "ABSENCE_KINDS",
    "CERTIFICATE_KINDS",
    "MANUAL_KINDS",
    "MAX_ENTRY_FILES",
    "Fact",
    "_raise_cases",
    "case_decide",
    "certificate_issue",
    "certificate_records",
    "check_entry_files",
    "exit_decide",
    "exit_propose",
    "manual_entry_decide",
    "manual_entry_record",
    "manual_entry_submit",
    "on_seat_ended",
    "record_duties",
    "record_duty",
    "refuse_after_exit",
    "remove_absences_after_exit",
    "remove_source_records",
    "rules_update",
    "scan_all",
    "scan_discipline",
]
