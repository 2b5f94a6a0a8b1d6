"""What a run used, dropped and did, column by column: safe to print (counts, no values)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ColumnUse:
    """One input field: how many records fill it, how many values could not be read."""

    field: str  # the column header (files) or the record field (API)
    role: str  # given, surname, birth, phone, document, ...
    filled: int
    unreadable: int = 0
    mixed_scripts: int = 0

    @property
    def used(self) -> bool:
        return self.filled - self.unreadable > 0

    def line(self, records: int) -> str:
        share = f"{100 * self.filled / records:.0f}%" if records else "0%"
        parts = [f"{self.field} ({self.role}): {self.filled} of {records} filled ({share})"]
        if self.unreadable:
            parts.append(f"{self.unreadable} unreadable and dropped")
        if self.mixed_scripts:
            parts.append(f"{self.mixed_scripts} mix Cyrillic and Latin letters (read as one)")
        if not self.used:
            parts.append("NOT USED: no readable value")
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class RunReport:
    records: int
    columns: tuple[ColumnUse, ...]
    training: str
    trained: bool
    method: str
    threshold: float
    link_only: bool = False
    engine: str = "duckdb"
    conflicts: int = 0  # analysts' accepted pairs left apart because a rejection wins
    ignored: tuple[str, ...] = ()  # input columns with no known role

    def lines(self) -> list[str]:
        lines = [f"{self.records} records; engine {self.engine}"]
        lines += ["column " + column.line(self.records) for column in self.columns]
        lines += [f"column {name}: unknown, IGNORED (name its role to use it)"
                  for name in self.ignored]  # fmt: skip
        lines.append(f"training: {self.training}")
        mode = "links across lists only" if self.link_only else "duplicates within and across"
        lines.append(f"clustering: {self.method} at match probability {self.threshold:g} ({mode})")
        if self.conflicts:
            lines.append(
                f"{self.conflicts} accepted pairs were left apart: they contradict a rejection"
            )
        return lines
