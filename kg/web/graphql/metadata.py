"""The small value types of a work's metadata, named as in DataCite's GraphQL API (``titles``,
``creators``, ``types``, ``fundingReferences``, ``relatedIdentifiers``), and the provenance of a link."""

from __future__ import annotations

import strawberry

from kg.batches import CreatorRecord, FundingRecord, ProvenanceRecord, WorkRecord
from kg.vocab import KG, RDF, SCHEMA
from kg.works import WORK_CLASSES

#: kg's work class (short name) -> DataCite's resourceTypeGeneral and schema.org type
_GENERAL = {"StructureEntry": ("Dataset", "Dataset"), "Dataset": ("Dataset", "Dataset"),
            "SoftwareSourceCode": ("Software", "SoftwareSourceCode"),
            "ScholarlyArticle": ("Text", "ScholarlyArticle"), "CreativeWork": ("Other", "CreativeWork")}
_ARTICLE_TYPES = {"journal-article", "JournalArticle"}
#: schema.org classes of texts that are not articles (a source writes one beside schema:CreativeWork, e.g.
#: Crossref's "book-chapter": docs/data-model.md) -> DataCite's resourceTypeGeneral and schema.org type
_TEXTS = {SCHEMA.Book.value: ("Book", "Book"), SCHEMA.Chapter.value: ("BookChapter", "Chapter"),
          SCHEMA.Thesis.value: ("Dissertation", "Thesis"), SCHEMA.Report.value: ("Report", "Report"),
          SCHEMA.Review.value: ("PeerReview", "Review")}


def text_type(record: WorkRecord) -> tuple[str, str] | None:
    """DataCite's resourceTypeGeneral and schema.org's type of a book, chapter, thesis, report or review
    that no source calls an article, else None."""
    if kind_of(record) != "CreativeWork":
        return None
    return next((_TEXTS[c] for c in record.values(RDF.type) if c in _TEXTS), None)


def kind_of(record: WorkRecord) -> str | None:
    """The most specific work class any source gives, as a short name ("Dataset", "StructureEntry")."""
    classes = set(record.values(RDF.type))
    return next((c.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1] for c in WORK_CLASSES if c.value in classes), None)


def year_of(record: WorkRecord) -> int | None:
    """The earliest publication year any source gives."""
    years = [int(d[:4]) for d in record.values(SCHEMA.datePublished) if d[:4].isdigit()]
    return min(years) if years else None


@strawberry.type(description="A title of the work.")
class Title:
    title: str
    title_type: str | None = strawberry.field(default=None, description="Null: kg keeps no title type.")
    lang: str | None = strawberry.field(default=None, description="Null: kg keeps no language of titles.")


@strawberry.type(description="An affiliation of a creator in this work.")
class Affiliation:
    id: strawberry.ID
    name: str | None


@strawberry.type(description="An author or creator, in list order.")
class Creator:
    id: strawberry.ID = strawberry.field(description="ORCID IRI, or an IRI minted by kg when there is none.")
    type: str | None = strawberry.field(description='"Person" or "Organization", when a source says.')
    name: str | None = strawberry.field(description="The name as printed in the work.")
    given_name: str | None
    family_name: str | None
    affiliation: list[Affiliation]

    @classmethod
    def from_domain(cls, record: CreatorRecord) -> Creator:
        return cls(id=strawberry.ID(record.agent), type=record.kind, name=record.name, given_name=record.given,
                   family_name=record.family,
                   affiliation=[Affiliation(id=strawberry.ID(i), name=n) for i, n in record.affiliations])


@strawberry.type(description="A contributor, in list order.")
class Contributor:
    id: strawberry.ID = strawberry.field(description="ORCID or ROR IRI, or an IRI minted by kg when there is none.")
    type: str | None = strawberry.field(description='"Person" or "Organization", when a source says.')
    name: str | None
    given_name: str | None
    family_name: str | None
    affiliation: list[Affiliation]
    contributor_type: str | None = strawberry.field(
        description='"Editor" for an editor (a DataCite Editor, a Crossref editor); null for another contributor: '
                    "kg keeps no other contributor type.")

    @classmethod
    def from_domain(cls, record: CreatorRecord) -> Contributor:
        return cls(id=strawberry.ID(record.agent), type=record.kind, name=record.name, given_name=record.given,
                   family_name=record.family, contributor_type="Editor" if record.role == "editor" else None,
                   affiliation=[Affiliation(id=strawberry.ID(i), name=n) for i, n in record.affiliations])


@strawberry.type(description="The journal, book or series the work appeared in (DataCite's container).")
class Container:
    title: str | None
    type: str | None = strawberry.field(default=None, description="Null: kg keeps no container type.")
    identifier: str | None = strawberry.field(default=None, description="Its ISSN, when the record gives one.")
    identifier_type: str | None = None
    volume: str | None = strawberry.field(default=None, description="The work's volume in it, as the record writes it.")
    issue: str | None = None
    first_page: str | None = None
    last_page: str | None = None


@strawberry.type(description="The work's type: DataCite's general type, the source's own, and schema.org's.")
class ResourceType:
    resource_type_general: str | None
    resource_type: str | None = strawberry.field(description="The source's own type, e.g. journal-article.")
    schema_org: str | None
    kg_class: str | None = strawberry.field(description="kg's most specific class, e.g. StructureEntry.")

    @classmethod
    def from_domain(cls, record: WorkRecord) -> ResourceType:
        kind = kind_of(record)
        general, schema_org = text_type(record) or _GENERAL.get(kind or "") or (None, None)
        own = record.values(SCHEMA.additionalType)
        if kind == "ScholarlyArticle" and _ARTICLE_TYPES & set(own):
            general = "JournalArticle"
        return cls(resource_type_general=general, resource_type=own[0] if own else None, schema_org=schema_org,
                   kg_class=kind)


@strawberry.type(description="A count in one year.")
class YearTotal:
    year: int
    total: int


@strawberry.type(description="Another identifier of the same work.")
class Identifier:
    identifier: str
    identifier_type: str

    @staticmethod
    def all_of(record: WorkRecord) -> list[Identifier]:
        names = {"DOI": KG.doi, "PDB": KG.pdbId, "PMID": KG.pmid, "PMCID": KG.pmcid, "arXiv": KG.arxiv}
        return [Identifier(identifier=v, identifier_type=name) for name, prop in names.items()
                for v in record.values(prop)]


@strawberry.type(description="A grant or funder of the work.")
class FundingReference:
    funder_identifier: str | None = strawberry.field(description="The funder's IRI (Funder ID DOI or ROR).")
    funder_identifier_type: str | None
    funder_name: str | None
    award_number: str | None
    award_title: str | None

    @classmethod
    def from_domain(cls, record: FundingRecord) -> FundingReference:
        kind = None
        if record.funder and record.funder.startswith("https://doi.org/10.13039/"):
            kind = "Crossref Funder ID"
        elif record.funder and record.funder.startswith("https://ror.org/"):
            kind = "ROR"
        return cls(funder_identifier=record.funder, funder_identifier_type=kind, funder_name=record.funder_name,
                   award_number=record.award, award_title=record.award_title)


@strawberry.type(description="Which record graph stated a link, from which source, retrieved when and from where.")
class Provenance:
    graph: strawberry.ID
    source: str | None = strawberry.field(description='The loader that made the graph, e.g. "crossref".')
    retrieved_at: str | None = strawberry.field(description="When its record was retrieved (xsd:dateTime).")
    derived_from: str | None = strawberry.field(description="The API URL or file the record was read from.")

    @classmethod
    def from_domain(cls, record: ProvenanceRecord) -> Provenance:
        return cls(graph=strawberry.ID(record.graph), source=record.source, retrieved_at=record.retrieved,
                   derived_from=record.derived_from)


@strawberry.type(description="A typed relation as a source stated it.")
class StatedRelation:
    property: str
    subject: strawberry.ID
    object: strawberry.ID


@strawberry.type(description="A description or abstract of the work.")
class Description:
    description: str | None
    description_type: str | None = strawberry.field(
        description='"Abstract" for an abstract; null for other descriptions (kg keeps no finer type).')
    lang: str | None = strawberry.field(default=None, description="Null: kg keeps no language of descriptions.")

    @staticmethod
    def all_of(record: WorkRecord) -> list[Description]:
        return [*(Description(description=d, description_type="Abstract") for d in record.values(SCHEMA.abstract)),
                *(Description(description=d, description_type=None) for d in record.values(SCHEMA.description))]


@strawberry.type(description="A date of the work and what it dates.")
class Date:
    date: str
    date_type: str | None = strawberry.field(description='DataCite\'s dateType: "Issued" (published) or "Created".')

    @staticmethod
    def all_of(record: WorkRecord) -> list[Date]:
        kinds = {"Issued": SCHEMA.datePublished, "Created": SCHEMA.dateCreated}
        return [Date(date=d, date_type=kind) for kind, prop in kinds.items() for d in record.values(prop)]


@strawberry.type(description="A licence or rights statement of the work.")
class Rights:
    rights: str | None = strawberry.field(description="The statement, when a source gives it as text.")
    rights_uri: str | None = strawberry.field(description="The licence's URL, when a source gives one.")
    rights_identifier: str | None = strawberry.field(description="Its SPDX identifier: null, kg does not keep one.")

    @staticmethod
    def all_of(record: WorkRecord) -> list[Rights]:
        return [Rights(rights=None, rights_uri=v, rights_identifier=None) if v.startswith(("http://", "https://"))
                else Rights(rights=v, rights_uri=None, rights_identifier=None) for v in record.values(SCHEMA.license)]


@strawberry.type(description="A subject or keyword of the work.")
class Subject:
    subject: str
    subject_scheme: str | None = strawberry.field(description="Null: kg keeps keywords without their scheme.")

    @staticmethod
    def all_of(record: WorkRecord) -> list[Subject]:
        return [Subject(subject=s, subject_scheme=None) for s in record.values(SCHEMA.keywords)]


@strawberry.type(description="A value of a facet of a list of works, and how many works have it (DataCite's Facet).")
class Facet:
    id: str | None
    title: str | None
    count: int | None


def resource_type_general(record: WorkRecord) -> str | None:
    """DataCite's resourceTypeGeneral of a work, as :class:`ResourceType` gives it."""
    return ResourceType.from_domain(record).resource_type_general
