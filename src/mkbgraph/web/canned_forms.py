"""Forms for the canned queries that take words, not IRIs.

A canned query's IRI parameter has an example (``theme:financiering``); the resources a reader
can mean are the labelled resources of the same namespace and type (the seven themes, the
organisations, the statuses...). Those become a closed list: a ``<select>`` of labels, or, for a
long list, a text field with suggestions. Whatever is typed (a label, an abbreviation, a prefixed
name in any case, an IRI) is resolved to one resource of the list here, before the query is
bound; what cannot be resolved gets a Dutch message naming the nearest choices. Years come from
the dates in the graph.
"""

from __future__ import annotations

import difflib
import urllib.parse
from dataclasses import dataclass, field

from mkbgraph.graph.store import Store
from mkbgraph.sparql.catalogue import CannedQuery, Parameter, parse_iri
from mkbgraph.vocab import ID, sparql_prefix_block
from mkbgraph.web.rendering import Labels, iri_values

#: Parameters that may name any resource of the dataset (not only those like the example).
ANY_RESOURCE = frozenset({"resource", "subject"})

#: Most choices shown as a select; longer lists are a text field with suggestions.
SELECT_LIMIT = 250

#: Parameter name -> (Dutch, English) name on the form.
PARAMETER_NAMES: dict[str, tuple[str, str]] = {
    "theme": ("Thema", "Theme"),
    "org": ("Organisatie", "Organisation"),
    "owner": ("Eigenaar", "Owner"),
    "executor": ("Uitvoerder", "Executing organisation"),
    "status": ("Status", "Status"),
    "year": ("Jaar", "Year"),
    "kind": ("Soort", "Kind"),
    "action": ("Actie", "Action"),
    "deal": ("Regionale deal", "Regional deal"),
    "region": ("Regio", "Region"),
    "request": ("Motie of verzoek", "Motion or request"),
    "kamerstuk": ("Kamerstuk", "Parliamentary paper"),
    "resource": ("Onderwerp", "Subject"),
    "subject": ("Onderwerp", "Subject"),
    "q": ("Zoektekst", "Search text"),
}


@dataclass(frozen=True)
class Choice:
    """One entry of a closed list: the IRI bound into the query and the label shown."""

    value: str
    label: str


@dataclass
class Field:
    """How one parameter is asked on the form."""

    parameter: Parameter
    name: str
    help: str
    control: str  # "select", "suggest" or "text"
    choices: list[Choice] = field(default_factory=list)
    value: str = ""  # what the form shows (a label for suggest fields)


class WordError(ValueError):
    """A typed word that names no resource of the list (the message is for people)."""

    def __init__(self, parameter: str, message: str) -> None:
        self.parameter = parameter
        super().__init__(message)


def choices_for(store: Store, labels: Labels, parameter: Parameter) -> list[Choice]:
    """The closed list of an IRI parameter: labelled resources sharing the example's namespace
    and type (all of the namespace when the example has no type), sorted by label."""
    if parameter.type == "year":
        return [Choice(y, y) for y in years(store)]
    if parameter.type != "iri":
        return []
    if parameter.name in ANY_RESOURCE:
        everything = [Choice(iri, label) for iri, label in labels.label.items() if iri.startswith(str(ID))]
        return sorted(everything, key=lambda c: c.label.casefold())
    example = str(parse_iri(parameter.example))
    namespace = example.rsplit("/", 1)[0] + "/" if "#" not in example else example.rsplit("#", 1)[0] + "#"
    rows = store.select(
        sparql_prefix_block() + f"SELECT DISTINCT ?x WHERE {{ VALUES ?e {{ {iri_values([example])} }} "
        "{ ?e a ?type . ?x a ?type } UNION { FILTER NOT EXISTS { ?e a ?any } ?x ?p ?o } "
        f'FILTER(isIRI(?x) && STRSTARTS(STR(?x), "{namespace}")) }}'
    ).rows
    found = {str(x): labels.of(x) for (x,) in rows if x is not None and str(x) in labels.label}
    return sorted((Choice(v, label) for v, label in found.items()), key=lambda c: c.label.casefold())


def years(store: Store) -> list[str]:
    """Every year a date in the graph falls in, newest first."""
    rows = store.select(
        sparql_prefix_block()
        + "SELECT DISTINCT (SUBSTR(STR(?d), 1, 4) AS ?y) WHERE { VALUES ?p { mkb:startDate mkb:endDate "
        "mkb:plannedDate mkb:effectiveDate dcterms:date } ?s ?p ?d }"
    ).rows
    return sorted({str(y) for (y,) in rows if y is not None and str(y).isdigit()}, reverse=True)


def resolve(parameter: Parameter, typed: str, choices: list[Choice], labels: Labels, language: str) -> str:
    """The IRI a typed value means: a choice's IRI, label, abbreviation or local name (any case),
    a prefixed name or a full IRI; `WordError` with the nearest choices when it names none."""
    text = " ".join(typed.split())
    if not text or not choices:
        return text
    folded = text.casefold()
    by_value = {c.value: c for c in choices}
    if text in by_value:
        return text
    try:
        as_iri = str(parse_iri(text))
    except ValueError:
        as_iri = ""
    if as_iri in by_value:
        return as_iri
    for choice in choices:
        local = choice.value.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        names = [choice.label, local, *labels.abbreviations.get(choice.value, [])]
        if as_iri and as_iri.casefold() == choice.value.casefold():
            return choice.value
        if any(folded == n.casefold() for n in names):
            return choice.value
    near = difflib.get_close_matches(folded, [c.label.casefold() for c in choices], n=3, cutoff=0.5)
    labels_near = [c.label for c in choices if c.label.casefold() in near]
    name = field_name(parameter, language).lower()
    if language == "en":
        hint = f" Did you mean: {', '.join(labels_near)}?" if labels_near else " Pick one from the list."
        raise WordError(parameter.name, f"No {name} found for “{typed}”.{hint}")
    hint = f" Bedoelt u: {', '.join(labels_near)}?" if labels_near else " Kies er een uit de lijst."
    raise WordError(parameter.name, f"Geen {name} gevonden voor “{typed}”.{hint}")


def field_name(parameter: Parameter, language: str) -> str:
    """The parameter's name on the form, in the reader's language."""
    dutch, english = PARAMETER_NAMES.get(parameter.name, (parameter.name, parameter.name))
    return english if language == "en" else dutch


def help_text(parameter: Parameter, control: str, language: str) -> str:
    """What to fill in, in the reader's language (the .rq files describe parameters in English)."""
    name = field_name(parameter, language).lower()
    if language == "en":
        if parameter.type == "year":
            return "A year (four digits)." + ("" if parameter.required else " Leave empty for all years.")
        if control in ("select", "suggest"):
            return f"Choose a {name}" + (" (required)." if parameter.required else "; leave empty for all.")
        return parameter.description
    if parameter.type == "year":
        return "Een jaartal (vier cijfers)." + ("" if parameter.required else " Leeg laten voor alle jaren.")
    if control == "select":
        return f"Kies een {name}" + (" (verplicht)." if parameter.required else "; leeg laten voor alle.")
    if control == "suggest":
        return f"Typ een naam of afkorting en kies uit de suggesties{' (verplicht)' if parameter.required else ''}."
    if parameter.type == "string":
        return "Een of meer woorden."
    return parameter.description


def build_fields(
    canned: CannedQuery, given: dict[str, str], lists: dict[str, list[Choice]], language: str
) -> list[Field]:
    """The form's fields: a select for a short closed list, suggestions for a long one, else text
    (``lists``: each parameter's closed list, from `choices_for`)."""
    fields = []
    for parameter in canned.parameters:
        choices = lists.get(parameter.name, [])
        control = "text"
        if choices:
            control = "select" if len(choices) <= SELECT_LIMIT else "suggest"
        value = given.get(parameter.name, "")
        if control == "suggest" and value in {c.value for c in choices}:
            value = next(c.label for c in choices if c.value == value)
        fields.append(
            Field(
                parameter,
                field_name(parameter, language),
                help_text(parameter, control, language),
                control,
                choices,
                value,
            )
        )
    return fields


def bound_values(fields: list[Field], labels: Labels, language: str) -> dict[str, str]:
    """The values to bind: each field's typed words resolved to an IRI (`WordError` if one is not)."""
    values = {}
    for f in fields:
        if f.value.strip():
            values[f.parameter.name] = resolve(f.parameter, f.value, f.choices, labels, language)
    return values


#: Result column (query variable) -> (Dutch, English) header; others show the variable's name.
COLUMN_NAMES: dict[str, tuple[str, str]] = {
    "theme": ("Thema", "Theme"),
    "line": ("Actielijn", "Action line"),
    "action": ("Actie", "Action"),
    "leads": ("Trekkers", "Leads"),
    "lead": ("Trekker", "Lead"),
    "org": ("Organisatie", "Organisation"),
    "organisation": ("Organisatie", "Organisation"),
    "status": ("Status", "Status"),
    "instrument": ("Instrument", "Instrument"),
    "kind": ("Soort", "Kind"),
    "owner": ("Eigenaar", "Owner"),
    "executor": ("Uitvoerder", "Executing organisation"),
    "request": ("Verzoek", "Request"),
    "motion": ("Motie", "Motion"),
    "amount": ("Bedrag", "Amount"),
    "value": ("Waarde", "Value"),
    "year": ("Jaar", "Year"),
    "date": ("Datum", "Date"),
    "role": ("Rol", "Role"),
    "partners": ("Partners", "Partners"),
    "funders": ("Financiers", "Funders"),
    "actions": ("Acties", "Actions"),
    "region": ("Regio", "Region"),
    "deal": ("Regionale deal", "Regional deal"),
    "document": ("Document", "Document"),
    "label": ("Naam", "Name"),
    "count": ("Aantal", "Count"),
    "total": ("Totaal", "Total"),
}


def column_name(variable: str, language: str) -> str:
    """A result column's header in the reader's language (the variable name when unknown)."""
    dutch, english = COLUMN_NAMES.get(variable, (variable, variable))
    return english if language == "en" else dutch


def api_links(name: str, values: dict[str, str]) -> dict[str, str]:
    """The JSON and CSV forms of the answer, with the same (resolved) parameters."""
    query = urllib.parse.urlencode(values)
    suffix = f"?{query}" if query else ""
    return {"json": f"/api/queries/{name}.json{suffix}", "csv": f"/api/queries/{name}.csv{suffix}"}
