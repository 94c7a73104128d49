from datetime import date
from decimal import Decimal

from credstack.domain.pathways.audit import audit
from credstack.domain.pathways.model import Award, Node, Pathway, Pool


def test_the_pathways_own_award_never_counts_toward_it():
    pathway = Pathway("C", "Certificate", "CERT", Node("r", "credits", min_credits=Decimal(5), pool=Pool()))
    own = audit(pathway, [Award("x", "CERT", credits=Decimal(16))], as_of=date(2026, 1, 1))
    assert not own.met and own.assignment == {}
    other = audit(pathway, [Award("y", "MC-1", credits=Decimal(6))], as_of=date(2026, 1, 1))
    assert other.met and other.assignment == {"r": ["y"]}
