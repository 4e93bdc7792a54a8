"""Import problems in the coordinator's language: which file, which line and column, what is wrong, what to do.

A problem is data, not an exception, so a preview can list every problem in a file at once instead of
stopping at the first; `ImportRejected` carries the whole list when an import is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "fout"
WARNING = "waarschuwing"


@dataclass(frozen=True)
class ImportProblem:
    file: str
    line: int | None  # 1-based line in the file (the header is line 1); None when it concerns the whole file
    column: str | None  # column name as written in the file (or the cell column letter for XLSX)
    message: str  # Dutch: what is wrong
    action: str  # Dutch: what the coordinator can do about it
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def location(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(f"regel {self.line}")
        if self.column:
            parts.append(f"kolom '{self.column}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.location}: {self.message} {self.action}".strip()


class ImportRejected(Exception):
    """The file cannot be imported; nothing was written. `problems` holds every error found."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems = [p for p in problems if p.is_error] or problems
        super().__init__("\n".join(str(p) for p in self.problems))


class ProblemLog:
    """Collects problems for one file so parsers only say what is wrong, never repeat the file name."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[ImportProblem] = []

    def error(self, message: str, action: str, line: int | None = None, column: str | None = None) -> None:
        self.problems.append(ImportProblem(self.file, line, column, message, action, ERROR))

    def warning(self, message: str, action: str, line: int | None = None, column: str | None = None) -> None:
        self.problems.append(ImportProblem(self.file, line, column, message, action, WARNING))

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)
