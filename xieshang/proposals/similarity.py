"""Similar proposals, shown while a member types and when the committee reviews.

Interface (implemented by the textsim work):

    similar_proposals(organisation, text, *, exclude_pk=None, limit=5)
        -> list[tuple[Proposal, float]]   # most similar first, score in 0..1

Candidates: this session's proposals and those of the last three years, in the
organisation. Drafts of other members are never candidates.
"""


def similar_proposals(organisation, text: str, *, exclude_pk=None, limit: int = 5) -> list:
    return []
