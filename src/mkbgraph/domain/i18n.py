"""The interface's words in one catalogue: Dutch (the source text) and English.

gettext's model without its files: a message is identified by its Dutch text, so a template reads
as Dutch (``{{ t("Zoeken") }}``) and a missing English entry falls back to the Dutch words instead
of to an identifier. Counted phrases go through `count` with a singular and a plural form
("1 resultaat", "2 resultaten"). A test walks the templates and fails when a ``t("...")`` has no
English entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from mkbgraph.domain.labels import DEFAULT_LANGUAGE

#: Dutch text -> English text.
ENGLISH: dict[str, str] = {
    # the frame of every page
    "Naar de inhoud": "Skip to content",
    "Hoofdmenu": "Main menu",
    "Moties": "Motions",
    "Organisaties": "Organisations",
    "Thema's": "Themes",
    "Netwerk": "Network",
    "Sleutelspelers": "Key players",
    "SPARQL": "SPARQL",
    "Datakwaliteit": "Data quality",
    "Zoeken": "Search",
    "Zoek": "Search",
    "bijv. KVK, Wiersma": "e.g. KVK, Wiersma",
    "Taal": "Language",
    "Bron: Voortgangsrapportage MKB-actieplan 2019.": "Source: progress report of the 2019 SME action plan (Voortgangsrapportage MKB-actieplan 2019).",
    "Graafversie": "Graph version",
    "SPARQL-endpoint": "SPARQL endpoint",
    "API-documentatie": "API documentation",
    "Datasetbeschrijving": "Dataset description",
    # search
    "Zoeken: {q}": "Search: {q}",
    "Geen resultaten voor “{q}”.": "No results for “{q}”.",
    "Typ een of meer woorden; elk woord moet voorkomen in de naam, afkorting, beschrijving of het onderwerp.": "Type one or more words; every word must occur in the name, abbreviation, description or subject.",
    "resultaat": "result",
    "resultaten": "results",
    "gevonden in": "found in",
    "naam": "name",
    "afkorting": "abbreviation",
    "beschrijving": "description",
    "onderwerp": "subject",
    "Bijvoorbeeld": "For example",
    "parlementair verzoek": "parliamentary request",
    "parlementaire verzoeken": "parliamentary requests",
    "of": "or",
    # follow-up
    "Opvolging": "Follow-up",
    "Wat betekent de opvolging?": "What does the follow-up mean?",
    # endpoint page
    "SPARQL-endpoint van mkbgraph": "mkbgraph's SPARQL endpoint",
    "Niet gevonden": "Not found",
    "Dezelfde documentatie als": "The same documentation as",
    "pagina": "page",
    "Editor": "Editor",
    "SPARQL-editor in de browser": "SPARQL editor in the browser",
    "Voorbeeldvragen": "Example queries",
    "Gebruik": "Usage",
    # csv
    "CSV": "CSV",
    "CSV voor Excel (NL)": "CSV for Excel (Dutch)",
    "JSON": "JSON",
}

#: Words that are English in YASGUI and get Dutch names on the editor page (English -> Dutch).
DUTCH_EDITOR: dict[str, str] = {
    "Run query": "Query uitvoeren",
    "Share query": "Query delen (link)",
    "Add tab": "Tabblad toevoegen",
    "Close tab": "Tabblad sluiten",
    "Clear endpoint": "Endpoint wissen",
    "Download result": "Resultaat downloaden",
    "Show all": "Alles tonen",
}
ENGLISH.update({"SPARQL-query": "SPARQL query", "Endpoint": "Endpoint", "Kies een weergave": "Choose a view"})

ENGLISH.update(
    {
        # pages per kind: the question first
        "Wie trekt deze actie, met wie en met welk geld, hoe staat ze ervoor en welke motie voert ze uit?": "Who leads this action, with whom and with what money, how is it going, and which motion does it carry out?",
        "Van wie is dit instrument, wie voert het uit, met welk geld, en welke acties gebruiken het?": "Whose instrument is this, who runs it, with what money, and which actions use it?",
        "Welke acties vallen onder dit thema, wie trekt ze en met welk geld?": "Which actions fall under this theme, who leads them and with what money?",
        "Welke acties vallen onder deze actielijn, wie trekt ze en met welk geld?": "Which actions fall under this action line, who leads them and with what money?",
        "Welke acties, instruments en deals gaan over deze regio?": "Which actions, instruments and deals concern this region?",
        "Wie doen mee aan deze deal en welke acties horen erbij?": "Who takes part in this deal and which actions belong to it?",
        "Wat is dit document, en welke acties, instrumenten en verzoeken verwijzen ernaar?": "What is this document, and which actions, instruments and requests refer to it?",
        "Trekker": "Lead",
        "Partners": "Partners",
        "Financiers": "Funders",
        "Geld": "Money",
        "Status": "Status",
        "Data": "Dates",
        "Voert uit": "Carries out",
        "Instrumenten": "Instruments",
        "Thema en actielijn": "Theme and action line",
        "Onderdeel van": "Part of",
        "Deelacties": "Sub-actions",
        "Soort": "Kind",
        "Eigenaar": "Owner",
        "Uitvoerder": "Executed by",
        "Beschreven in": "Described in",
        "Vestigingsplaatsen": "Locations",
        "Nummer": "Number",
        "Actielijnen": "Action lines",
        "Thema": "Theme",
        "Regionale deals": "Regional deals",
        "Regio's": "Regions",
        "Datum": "Date",
        "Kenmerk": "Reference",
        "Officiële publicatie": "Official publication",
        "Kamerstuk van": "Parliamentary paper of",
        "Beantwoordt": "Answers",
        "niet vastgelegd": "not recorded",
        "geen vastgelegd": "none recorded",
        "geen bedrag vastgelegd": "no amount recorded",
        "geen datum vastgelegd": "no date recorded",
        "geen motie of verzoek": "no motion or request",
        "Acties die dit instrument gebruiken": "Actions using this instrument",
        "Acties in dit thema": "Actions in this theme",
        "Acties in deze actielijn": "Actions in this action line",
        "Acties die over deze regio gaan": "Actions concerning this region",
        "Acties bij deze deal": "Actions of this deal",
        "Acties die in dit document beschreven staan of het beantwoorden": "Actions described in or answering this document",
        "Wat de rapportage zegt": "What the report says",
        "Alle eigenschappen en verwijzingen": "All properties and references",
        "actie": "action",
        "acties": "actions",
        "begrip": "term",
        "instrument": "instrument",
        "thema": "theme",
        "actielijn": "action line",
        "regio": "region",
        "regionale deal": "regional deal",
        "document": "document",
        "organisatie": "organisation",
        "motie": "motion",
        "parlementair verzoek": "parliamentary request",
    }
)

ENGLISH.update(
    {
        "vaste query": "canned query",
        "verplicht": "required",
        "— kies —": "— choose —",
        "alle": "all",
        "Uitvoeren": "Run",
        "Antwoord": "Answer",
        "ja": "yes",
        "nee": "no",
        "rij": "row",
        "rijen": "rows",
        "afgekapt": "truncated",
        "Open in de SPARQL-editor": "Open in the SPARQL editor",
        "Alle vaste queries": "All canned queries",
        "De query": "The query",
    }
)

#: The catalogue per language (Dutch maps every text to itself).
CATALOGUES: dict[str, dict[str, str]] = {"en": ENGLISH, "nl": DUTCH_EDITOR}


@dataclass(frozen=True)
class Translator:
    """The catalogue for one language: ``t("Zoeken")``, ``t("Zoeken: {q}", q=...)``, ``t.count(...)``."""

    language: str = DEFAULT_LANGUAGE

    def __call__(self, text: str, **params: object) -> str:
        translated = CATALOGUES.get(self.language, {}).get(text, text)
        return translated.format(**params) if params else translated

    def count(self, number: int, singular: str, plural: str) -> str:
        """``"1 resultaat"``, ``"0 resultaten"``: Dutch and English both use the singular for one only."""
        return f"{number} {self(singular if number == 1 else plural)}"


def translator(language: str) -> Translator:
    """The translator of a supported language (the default for anything else)."""
    return Translator(language if language in CATALOGUES else DEFAULT_LANGUAGE)
