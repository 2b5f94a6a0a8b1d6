"""Record linkage: find the same person across testimonies and other organisations' lists.

The API the app calls:

    result = dedupe_records(records, decisions={frozenset({"a", "b"}): False})
    result.clusters["a"]          # cluster id of record "a"
    result.uncertain_pairs        # pairs for an analyst to review

and `dedupe_csv` for files (the `refuge dedupe` command).
"""

from refuge.analysis.linkage.columns import ColumnRoles, RoleOverrides, detect_roles
from refuge.analysis.linkage.dedupe import (
    LinkageResult,
    LinkageSettings,
    PersonRecord,
    ScoredPair,
    dedupe_records,
)
from refuge.analysis.linkage.errors import (
    DuplicateIds,
    EmptyInput,
    InputFileMissing,
    InputUndecodable,
    LinkageError,
    NoNameColumn,
    UnknownColumn,
)
from refuge.analysis.linkage.files import CsvRun, dedupe_csv
from refuge.analysis.linkage.model import EngineOptions
from refuge.analysis.linkage.names import parse_birth, phonetic_key, surname_key

__all__ = [
    "ColumnRoles",
    "CsvRun",
    "DuplicateIds",
    "EmptyInput",
    "EngineOptions",
    "InputFileMissing",
    "InputUndecodable",
    "LinkageError",
    "LinkageResult",
    "LinkageSettings",
    "NoNameColumn",
    "PersonRecord",
    "RoleOverrides",
    "ScoredPair",
    "UnknownColumn",
    "dedupe_csv",
    "dedupe_records",
    "detect_roles",
    "parse_birth",
    "phonetic_key",
    "surname_key",
]
