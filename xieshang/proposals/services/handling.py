"""The handling stage's names `views_department` imports from here; the stage itself is
split by step (assignment, contacts, co_handling, extension, returns, answering) and every
name is re-exported by `proposals.services`. Remove once `views_department` imports them
from `.services`."""

from .assignment import rehandle_instruction
from .co_handling import lead_answered_on
from .contacts import contact_due
from .returns import return_refusal, return_until

__all__ = [
    "contact_due",
    "lead_answered_on",
    "rehandle_instruction",
    "return_refusal",
    "return_until",
]
