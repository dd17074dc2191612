"""When is a motion (or member question, or commitment) followed up? One rule, used everywhere.

The report rarely says "this motion is done"; what the graph records is the request's own status
(when the report gives one), the actions that answer it with their statuses, and documents that
answer it (a letter to the Kamer). `follow_up` turns those into one of three verdicts; the motion
tracer, the quality page, the key-players gaps, the JSON and CSV forms and the CLI all call it.
"""

from __future__ import annotations

from collections.abc import Iterable

from mkbgraph.vocab import MKB

#: The verdicts.
ANSWERED, PARTLY, NO_FOLLOW_UP = "answered", "partly", "none"

#: Verdict -> Dutch label shown in the pages and the CSV. Not "beantwoord": that is also a status a
#: request itself can have (request-status/answered), and the two must not read alike.
FOLLOW_UP_LABELS: dict[str, str] = {
    ANSWERED: "opgevolgd",
    PARTLY: "deels opgevolgd",
    NO_FOLLOW_UP: "geen opvolging vastgelegd",
}
FOLLOW_UP_LABELS_EN: dict[str, str] = {
    ANSWERED: "followed up",
    PARTLY: "partly followed up",
    NO_FOLLOW_UP: "no follow-up recorded",
}

#: Verdict -> what it means, in the reader's words (shown wherever a verdict is shown).
FOLLOW_UP_EXPLANATIONS: dict[str, str] = {
    ANSWERED: "een document beantwoordt het verzoek, of een actie die het uitvoert is gestart, loopt, "
    "is verlengd of afgerond (of het verzoek zelf staat op vervuld of beantwoord)",
    PARTLY: "er zijn acties, maar geen daarvan is begonnen (gepland, in voorbereiding, in evaluatie, "
    "gestopt of zonder status), of het verzoek zelf staat op deels vervuld",
    NO_FOLLOW_UP: "niets in de graaf geeft er uitvoering aan: geen actie en geen document",
}
FOLLOW_UP_EXPLANATIONS_EN: dict[str, str] = {
    ANSWERED: "a document answers the request, or an action carrying it out has started, is ongoing, "
    "extended or completed (or the request itself is fulfilled or answered)",
    PARTLY: "there are actions, but none has started (planned, in preparation, under evaluation, "
    "stopped or without status), or the request itself is partly fulfilled",
    NO_FOLLOW_UP: "nothing in the graph carries it out: no action and no document",
}


def follow_up_label(verdict: str, language: str = "nl") -> str:
    """The verdict's name in the reader's language."""
    return (FOLLOW_UP_LABELS_EN if language == "en" else FOLLOW_UP_LABELS)[verdict]


def follow_up_explanation(verdict: str, language: str = "nl") -> str:
    """What the verdict means, in the reader's language."""
    return (FOLLOW_UP_EXPLANATIONS_EN if language == "en" else FOLLOW_UP_EXPLANATIONS)[verdict]


#: Action statuses that count as the action being under way or done.
PROGRESS_STATUSES = frozenset(f"{MKB}status/{s}" for s in ("started", "ongoing", "completed", "extended"))
#: Request statuses that settle the follow-up whatever the actions say.
FULFILLED_STATUSES = frozenset(f"{MKB}request-status/{s}" for s in ("fulfilled", "answered"))
PARTLY_STATUSES = frozenset({f"{MKB}request-status/partly-fulfilled"})


def follow_up(request_status: str | None, action_statuses: Iterable[str], documents: int) -> str:
    """Answered / partly / no follow-up recorded, from what the graph records.

    - a request whose own status is fulfilled or answered is answered;
    - partly-fulfilled is partly;
    - otherwise: answered when a document answers it or an answering action is under way or done
      (started, ongoing, completed, extended); partly when actions answer it but none is under way
      yet (planned, in preparation, under evaluation, stopped, or no status);
    - nothing answers it: no follow-up recorded.
    """
    statuses = list(action_statuses)
    if request_status in FULFILLED_STATUSES:
        return ANSWERED
    if request_status in PARTLY_STATUSES:
        return PARTLY
    if documents or any(s in PROGRESS_STATUSES for s in statuses):
        return ANSWERED
    if statuses:
        return PARTLY
    return NO_FOLLOW_UP
