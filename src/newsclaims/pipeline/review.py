"""``newsclaims review``: the curators' worklist.

Unreviewed claims, automatic contradictions no curator has judged (a curated relation between the
same two claims is a judgement), events without a date basis, events only extraction proposes
that no curator has judged, pairs of events that are possibly the same, and curation entries that
match nothing. CI can require an empty worklist (exit code 1 otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from newsclaims.pipeline.build import Options, tables_and_pairs
from newsclaims.pipeline.repository import Repository


@dataclass
class Worklist:
    unreviewed: list[dict] = field(default_factory=list)
    unjudged_contradictions: list[dict] = field(default_factory=list)
    undated_events: list[dict] = field(default_factory=list)
    unreviewed_proposals: list[dict] = field(default_factory=list)
    possibly_the_same_event: list[dict] = field(default_factory=list)
    unmatched_entries: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in vars(self).items()}

    @property
    def empty(self) -> bool:
        return not any(self.counts().values())


def worklist(root: Repository | Path) -> Worklist:
    """What is left for curators in the repository at *root*."""
    _, _, frames, problems, pairs = tables_and_pairs(Repository.of(root), collect=True, options=Options(cache_write=False))
    claims, rel, events = frames["claims"], frames["claim_relations"], frames["events"]
    out = Worklist()
    out.unreviewed = claims.loc[claims["review_status"] == "unreviewed",
                                ["claim_id", "source_id", "figure_text", "quote"]].to_dict("records")
    auto = rel[(rel["method"] == "automatic") & (rel["relation"] == "contradicts")]
    out.unjudged_contradictions = auto[["relation_id", "claim_id", "target_claim_id", "basis"]].to_dict("records")
    undated = events["date_basis"].isna() | (events["date_basis_claim_id"].isna() & events["date_basis_source_id"].isna())
    out.undated_events = events.loc[undated, ["event_id", "title"]].to_dict("records")
    proposed = (events["origin"] == "extracted") & (events["review_status"] == "proposed")
    out.unreviewed_proposals = events.loc[proposed, ["event_id", "title", "confidence"]].to_dict("records")
    out.possibly_the_same_event = pairs
    out.unmatched_entries = [str(p) for p in problems]
    return out
