"""What every profile rule shares: the context (profile + findings) and the field/region/document titles."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as _field
from typing import Any

from .. import codes
from ..report import Finding, Private
from .model import DOCUMENT_TYPES, REGIONS, REGISTRANT_TYPES, Phone, Profile

REGION_TITLES: dict[str, tuple[str, str]] = {
    "mainland": ("the Chinese mainland", "中国内地"),
    "hong_kong": ("Hong Kong", "中国香港"),
    "macao": ("Macao", "中国澳门"),
    "taiwan": ("Taiwan", "中国台湾"),
    "foreign": ("a foreign country", "海外"),
}
TYPE_TITLES: dict[str, tuple[str, str]] = {
    "individual": ("individual", "个人"),
    "organization": ("organisation", "企业/组织"),
}

LABELS: dict[str, tuple[str, str]] = {
    "registrant_type": ("registrant type", "注册者类型"),
    "region": ("region", "所属区域"),
    "name_zh": ("Chinese name", "中文名称"),
    "name_en": ("English name", "英文名称"),
    "document_type": ("document type", "证件类型"),
    "document_number": ("document number", "证件号码"),
    "province": ("province", "省份"),
    "city": ("city", "城市"),
    "address": ("mailing address", "通讯地址"),
    "postal_code": ("postal code", "邮政编码"),
    "phone": ("phone", "联系电话"),
    "phone.country_code": ("phone country code", "电话国家代码"),
    "phone.number": ("phone number", "电话号码"),
    "phone.extension": ("phone extension", "分机号"),
    "email": ("email", "电子邮箱"),
}

HINTS: dict[str, tuple[str, str]] = {
    "registrant_type": ("choose individual or organization", "请选择 individual（个人）或 organization（企业/组织）"),
    "region": (
        "choose mainland, hong_kong, macao, taiwan or foreign",
        "请选择 mainland、hong_kong、macao、taiwan 或 foreign",
    ),
    "name_zh": ("enter the name exactly as printed on the document", "请按证件原样填写名称"),
    "name_en": (
        "enter the English name (the pinyin of the Chinese name), the console fills it in from the Chinese name",
        "请填写英文名称（中文名称的拼音），控制台会根据中文名称自动填写",
    ),
    "document_type": ("choose the type of the document you upload", "请选择所上传证件的类型"),
    "document_number": (
        "enter the number exactly as printed on the document "
        "(0 for an overseas organisation document without a number)",
        "请按证件原样填写号码（境外机构证件无编号时填 0）",
    ),
    "province": ("choose the province of the mailing address", "请选择通讯地址所在省份"),
    "city": ("choose the city of the mailing address", "请选择通讯地址所在城市"),
    "address": (
        "enter a real mailing address (organisations: the address on the licence)",
        "请填写真实的通讯地址（企业：执照上的地址）",
    ),
    "postal_code": ("enter the postal code of the mailing address", "请填写通讯地址的邮政编码"),
    "phone": ("add the phone with country_code, number and extension", "请填写电话（国家代码、号码、分机）"),
    "phone.country_code": (
        "enter the country calling code, 86 for the Chinese mainland",
        "请填写国家代码，中国内地为 86",
    ),
    "phone.number": ("enter a mobile number or area code + landline", "请填写手机号码或区号+座机号码"),
    "email": ("enter a real mailbox and verify it in the console", "请填写真实邮箱并在控制台完成验证"),
}

PERSONAL_FIELDS = frozenset(
    {"name_zh", "name_en", "document_number", "address", "email", "phone.number", "phone.extension"}
)


def doc_title(doc: str) -> tuple[str, str]:
    en, zh, _ = DOCUMENT_TYPES.get(doc, (doc, doc, ""))
    return en, zh


# --- context -----------------------------------------------------------------------------------------


@dataclass
class Ctx:
    profile: Profile
    findings: list[Finding] = _field(default_factory=list)
    extra: dict[str, Any] = _field(default_factory=dict)
    bad: set[str] = _field(default_factory=set)  # fields already reported as missing/invalid

    def add(self, code: str, **kwargs: Any) -> None:
        self.findings.append(codes.finding(code, **kwargs))

    # the choices, canonical or None when unknown/missing
    @property
    def rtype(self) -> str | None:
        v = self.profile.registrant_type
        return v if v in REGISTRANT_TYPES else None

    @property
    def region(self) -> str | None:
        v = self.profile.region
        return v if v in REGIONS else None

    @property
    def doc(self) -> str | None:
        v = self.profile.document_type
        return v if v in DOCUMENT_TYPES else None

    def text(self, key: str) -> str | None:
        """The field's text, or None when absent/blank/already reported."""
        if key.startswith("phone."):
            phone = self.profile.phone
            value = getattr(phone, key.split(".", 1)[1], None) if isinstance(phone, Phone) else None
        else:
            value = getattr(self.profile, key, None)
        if not isinstance(value, str) or not value.strip() or key in self.bad:
            return None
        return value


def label_of(key: str) -> dict[str, str]:
    en, zh = LABELS.get(key, (key, key))
    return {"label": en, "label_zh": zh}


def private_of(key: str, value: str) -> Private:
    kind = (
        "name"
        if key in ("name_zh", "name_en")
        else "number"
        if key in ("document_number", "phone.number", "email")
        else "text"
    )
    return Private(value, kind)
