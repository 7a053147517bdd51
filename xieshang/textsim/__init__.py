"""Chinese text: segmentation, similarity and search (ARCHITECTURE §7).

Nothing else in the product segments text; callers use

    from xieshang.textsim import segment, similarity, most_similar, search
"""

from .search import search
from .similarity import most_similar, similarity, tokens
from .text import normalise, segment

__all__ = ["most_similar", "normalise", "search", "segment", "similarity", "tokens"]
