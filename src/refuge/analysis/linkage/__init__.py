"""Record linkage: find the same person across testimonies and other organisations' lists.

The API the app calls:

    result = dedupe_records(records, decisions={frozenset({"a", "b"}): False})
    result.clusters["a"]          # cluster id of record "a"
    result.uncertain_pairs        # pairs for an analyst to review
    result.report.lines()         # what was used, dropped, trained, and how it clustered

and `dedupe_csv` for files (the `refuge dedupe` command).
"""

from refuge.analysis.linkage.columns import (
    ColumnRoles,
    IdentifierColumn,
    RoleOverrides,
    detect_roles,
)
from refuge.analysis.linkage.dedupe import (
    Evidence,
    LinkageResult,
    LinkageSettings,
    PersonRecord,
    ScoredPair,
    dedupe_records,
)
from refuge.analysis.linkage.engines import EngineKind, EngineOptions
from refuge.analysis.linkage.errors import (
    DuplicateIds,
    EmptyInput,
    EngineUnavailable,
    InputFileMissing,
    InputUndecodable,
    LinkageError,
    NoNameColumn,
    UnknownColumn,
)
from refuge.analysis.linkage.files import CsvRun, dedupe_csv
from refuge.analysis.linkage.identifiers import IdentifierKind
from refuge.analysis.linkage.names import parse_birth, phonetic_key, surname_key
from refuge.analysis.linkage.report import ColumnUse, RunReport

__all__ = [
    "ColumnRoles",
    "ColumnUse",
    "CsvRun",
    "DuplicateIds",
    "EmptyInput",
    "EngineKind",
    "EngineOptions",
    "EngineUnavailable",
    "Evidence",
    "IdentifierColumn",
    "IdentifierKind",
    "InputFileMissing",
    "InputUndecodable",
    "LinkageError",
    "LinkageResult",
    "LinkageSettings",
    "NoNameColumn",
    "PersonRecord",
    "RoleOverrides",
    "RunReport",
    "ScoredPair",
    "UnknownColumn",
    "dedupe_csv",
    "dedupe_records",
    "detect_roles",
    "parse_birth",
    "phonetic_key",
    "surname_key",
]
