"""The document-type vocabulary, read from one data file: ``idcheck/data/document_types.toml``.

Everything that names a kind of document reads it through here: the profile (``DOCUMENT_TYPES``, who
may use a document, its regions and number format), submission (``IMAGE_KINDS``, the extra kinds'
titles), OCR (``EXPECTED_LABEL``), the API (``check()``'s ``kind``) and the image context (card or page).
The table of which documents each registrant type and region may use (§3.2) is here too (``ACCEPTED_DOCUMENTS``):
the profile check reads it, and so does ``rules/standard.rules``, through the rules language's
``accepted_documents("individual", "mainland")``.

This module is at the bottom of the house: it imports nothing from idcheck.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class ImageKind:
    id: str
    shape: str | None = None  # "card", "page", or None (judged from the document's outline)
    ocr_label: str | None = None  # the document label OCR expects on the picture
    text_labels: tuple[str, ...] = ()  # the fixed labels printed on it, the most telling first (idcheck.ocr.textdoc)


@dataclass(frozen=True)
class DocumentType:
    id: str
    profile: bool  # a profile's document_type (else only supplied with a submission)
    title_en: str | None = None
    title_zh: str | None = None
    alibaba: str | None = None  # Alibaba Cloud's IdentityCredentialType
    owner: str | None = None  # "individual", "organization" or None (either)
    regions: tuple[str, ...] | None = None  # None: any region
    number: str | None = None  # the idcheck.numbers format ("free": none public)
    image_kind: str | None = None  # the check() kind of its picture (None: "auto")
    title: str | None = None  # words for a supplied-only kind


def _load() -> tuple[tuple[ImageKind, ...], tuple[DocumentType, ...], dict[tuple[str, str], tuple[str, ...]]]:
    data = tomllib.loads((resources.files("idcheck") / "data" / "document_types.toml").read_text(encoding="utf-8"))
    kinds = tuple(ImageKind(**{**k, "text_labels": tuple(k.get("text_labels", ()))}) for k in data["image_kind"])
    docs = tuple(DocumentType(**{**d, "regions": tuple(d["regions"])} if "regions" in d else d)
                 for d in data["document"])
    profile_docs = {d.id for d in docs if d.profile}
    accepted: dict[tuple[str, str], tuple[str, ...]] = {}
    for row in data["accepted"]:
        documents = tuple(row["documents"])
        unknown = [d for d in documents if d not in profile_docs]
        if unknown or not documents or len(set(documents)) != len(documents):
            raise ValueError(f"document_types.toml [[accepted]] {row['registrant_type']} {row['regions']}: "
                             f"documents must be distinct profile document types (unknown: {unknown})")
        for region in row["regions"]:
            if (row["registrant_type"], region) in accepted:
                raise ValueError(f"document_types.toml [[accepted]]: {row['registrant_type']} {region} twice")
            accepted[(row["registrant_type"], region)] = documents
    return kinds, docs, accepted


IMAGE_KIND_TABLE, DOCUMENT_TABLE, _ACCEPTED = _load()
IMAGE_KIND_BY_ID: dict[str, ImageKind] = {k.id: k for k in IMAGE_KIND_TABLE}
DOCUMENT_BY_ID: dict[str, DocumentType] = {d.id: d for d in DOCUMENT_TABLE}

#: check()'s ``kind`` choices, in order
KINDS: tuple[str, ...] = tuple(k.id for k in IMAGE_KIND_TABLE)
CARD_KINDS: tuple[str, ...] = tuple(k.id for k in IMAGE_KIND_TABLE if k.shape == "card")
PAGE_KINDS: tuple[str, ...] = tuple(k.id for k in IMAGE_KIND_TABLE if k.shape == "page")

#: a profile's document types: id -> (English title, Chinese title, Alibaba IdentityCredentialType)
DOCUMENT_TYPES: dict[str, tuple[str, str, str]] = {
    d.id: (d.title_en or d.id, d.title_zh or d.id, d.alibaba or "") for d in DOCUMENT_TABLE if d.profile
}

#: every document kind a submission may supply -> the ``kind`` check() is given for its picture
IMAGE_KINDS: dict[str, str] = {d.id: d.image_kind for d in DOCUMENT_TABLE if d.image_kind is not None}

#: the supplied-only kinds the rule files ask for, in words
DOCUMENT_TITLES: dict[str, str] = {d.id: d.title for d in DOCUMENT_TABLE if d.title is not None}

#: profile document types and check() kinds -> the document label the picture must show
EXPECTED_LABEL: dict[str, str] = {
    **{d.id: IMAGE_KIND_BY_ID[d.image_kind].ocr_label for d in DOCUMENT_TABLE  # type: ignore[misc]
       if d.profile and d.image_kind and IMAGE_KIND_BY_ID[d.image_kind].ocr_label},
    **{k.id: k.ocr_label for k in IMAGE_KIND_TABLE if k.ocr_label},
}

#: OCR document labels -> the fixed labels printed on that document (classification from recognised text)
TEXT_LABELS: dict[str, tuple[str, ...]] = {k.ocr_label: k.text_labels for k in IMAGE_KIND_TABLE
                                           if k.ocr_label and k.text_labels}

#: who may use a profile document: "individual", "organization" or None (either)
DOCUMENT_OWNER: dict[str, str | None] = {d.id: d.owner for d in DOCUMENT_TABLE if d.profile}

#: the regions a profile document belongs to (None: any region)
DOCUMENT_REGIONS: dict[str, tuple[str, ...] | None] = {d.id: d.regions for d in DOCUMENT_TABLE if d.profile}

#: a profile document -> the idcheck.numbers format of its number ("free" = no public format)
NUMBER_FORMAT: dict[str, str] = {d.id: d.number for d in DOCUMENT_TABLE if d.profile and d.number is not None}

#: §3.2: (registrant type, region) -> the profile document types it may use, the preferred one first [A2][A8][A10][A12]
ACCEPTED_DOCUMENTS: dict[tuple[str, str], tuple[str, ...]] = _ACCEPTED


def shape_of(kind: str) -> str | None:
    """"card", "page", or None (unknown kind, "auto", "other": judged from the picture)."""
    k = IMAGE_KIND_BY_ID.get(kind)
    return k.shape if k is not None else None
