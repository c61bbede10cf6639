"""A calling tree as spreadsheet rows (`person, caller, backup`): the rules for importing one.

People who keep their trees in a spreadsheet export and import three columns. A cell names a
contact by id or by exact name (ignoring case and spacing). The whole file is checked before
anything is written, and every bad row is named by its line: an unknown or ambiguous contact,
a person listed twice, a caller who is their own backup, a caller with no row of their own, a
loop of callers. Rows keep their order, which becomes each caller's calling order.

Reading the file (encodings, delimiters) is the service's business; this module sees rows,
and finds its columns with the column scheme every import shares.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from crisisdesk.domain.calling_trees import TreeNode
from crisisdesk.domain.cells import unneutralise_cell
from crisisdesk.domain.column_scheme import ColumnScheme
from crisisdesk.domain.errors import ImportRejected, RowProblem
from crisisdesk.domain.formatting import shorten

COLUMNS = ("person", "caller", "backup")
AMBIGUOUS = "?ambiguous"


@dataclass(frozen=True)
class TreeRow:
    line: int
    person: str
    caller: str
    backup: str


def name_key(text: str) -> str:
    return " ".join(text.split()).casefold()


SCHEME = ColumnScheme("calling-tree", COLUMNS, {c: (c,) for c in COLUMNS})


def tree_rows(headers: list[str], body: Iterable[tuple[int, Mapping[str, str]]]
              ) -> list[TreeRow]:
    """Rows from a file's headers and numbered {header: cell} rows, the columns found by the
    shared column scheme; a file without a `person` column is rejected."""
    by_field = {fld: header for header, fld in SCHEME.guess(headers).items()}
    if "person" not in by_field:
        raise ImportRejected([RowProblem(1, "the first row must name the columns person, "
                                            "caller and backup")], 0)

    def cell(row: Mapping[str, str], column: str) -> str:
        header = by_field.get(column)
        return " ".join(unneutralise_cell(row.get(header, "")).split()) if header else ""

    rows = []
    for line, row in body:
        if not any(c.strip() for c in row.values()):
            continue
        rows.append(TreeRow(line, cell(row, "person"), cell(row, "caller"),
                            cell(row, "backup")))
    return rows


class TreeImportRejected(ImportRejected):
    """Bad rows in a tree file: nothing imported (trees have no partial import)."""

    def __init__(self, problems: list[RowProblem], total_rows: int) -> None:
        super().__init__(problems, total_rows)
        first = problems[0]
        more = f" (and {len(problems) - 1} more bad rows)" if len(problems) > 1 else ""
        self.message = f"Nothing was imported: {first}{more}. Fix the file and import it again."
        self.args = (self.message,)


Resolver = Callable[[str], str | None]  # cell text -> contact id, None (unknown) or AMBIGUOUS


def resolver(contacts: Mapping[str, str]) -> Resolver:
    """Resolve ids and names from `contacts` (id -> name)."""
    by_name: dict[str, str] = {}
    for cid, name in contacts.items():
        key = name_key(name)
        by_name[key] = AMBIGUOUS if key in by_name else cid

    def resolve(text: str) -> str | None:
        if text in contacts:
            return text
        return by_name.get(name_key(text))

    return resolve


def nodes_from_rows(rows: list[TreeRow], resolve: Resolver) -> list[TreeNode]:
    """Tree nodes for `rows`, or ImportRejected naming every bad line; nothing half-done."""
    problems: list[RowProblem] = []
    ids: dict[int, tuple[str, str | None, str | None]] = {}
    first_line: dict[str, int] = {}

    def look(line: int, text: str, what: str) -> str | None:
        found = resolve(text)
        if found is None:
            problems.append(RowProblem(line, f'{what} "{shorten(text)}" is not in Contacts'))
        elif found == AMBIGUOUS:
            problems.append(RowProblem(line, f'{what} "{shorten(text)}" matches more than one '
                                             "contact; use the contact's id"))
            return None
        return found

    for row in rows:
        if not row.person:
            problems.append(RowProblem(row.line, "the person cell is empty"))
            continue
        before = len(problems)
        person = look(row.line, row.person, "person")
        caller = look(row.line, row.caller, "caller") if row.caller else None
        backup = look(row.line, row.backup, "backup") if row.backup else None
        if len(problems) > before or person is None:
            continue
        if person in first_line:
            problems.append(RowProblem(row.line, f'"{shorten(row.person)}" is already listed '
                                                 f"on line {first_line[person]}"))
            continue
        if backup is not None and backup == person:
            problems.append(RowProblem(row.line,
                                       f'"{shorten(row.person)}" is their own backup'))
            continue
        if caller is not None and caller == person:
            problems.append(RowProblem(row.line,
                                       f'"{shorten(row.person)}" is their own caller'))
            continue
        first_line[person] = row.line
        ids[row.line] = (person, caller, backup)
    parents = {p: c for p, c, _ in ids.values()}
    for line, (person, caller, _) in ids.items():
        if caller is not None and caller not in parents:
            problems.append(RowProblem(line, "the caller has no row of their own; add a row "
                                             "with them as the person"))
        elif _loop_state(parents, person) == "in loop":
            problems.append(RowProblem(line, "this row makes a loop of callers"))
    if problems:
        problems.sort(key=lambda p: p.line)
        raise TreeImportRejected(problems, len(rows))
    positions: dict[str | None, int] = {}
    nodes = []
    for person, caller, backup in ids.values():
        positions[caller] = positions.get(caller, -1) + 1
        nodes.append(TreeNode(person, caller, positions[caller], backup))
    return nodes


def _loop_state(parents: Mapping[str, str | None], start: str) -> str:
    """'in loop' when following callers up from `start` comes back to `start`."""
    seen: set[str] = set()
    current = parents.get(start)
    while current is not None and current not in seen:
        if current == start:
            return "in loop"
        seen.add(current)
        current = parents.get(current)
    return "ok"
