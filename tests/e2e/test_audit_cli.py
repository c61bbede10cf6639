"""`crisisdesk audit verify --deep|--anchor` and `audit anchor`, run as a user would, after
someone changed the desk file with sqlcipher3 and their own unwrapped key."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.support.cli import E2E_PASSPHRASE, init_desk, run_cli
from tests.support.tamper import outside_the_app, remac_chain


def _contacts(data_dir: Path, tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "staff.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["Full Name", "Cell"], ["Dana Reyes", "(212) 555-0142"],
                                  ["Eli Stone", "(212) 555-0143"], ["Fay Moss", "(212) 555-0144"]])
    out = run_cli(data_dir, "contacts", "import", str(path))
    assert out.returncode == 0, out.stderr
    out = run_cli(data_dir, "contacts", "list", "--json")
    return {c["name"]: c["id"] for c in json.loads(out.stdout)}


def test_deep_verify_names_rows_changed_outside_the_app(tmp_path: Path) -> None:
    data_dir = tmp_path / "desk"
    init_desk(data_dir)
    ids = _contacts(data_dir, tmp_path)
    out = run_cli(data_dir, "audit", "verify", "--deep")
    assert out.returncode == 0, out.stderr
    assert "business rows match their last audited write" in out.stdout

    with outside_the_app(data_dir, "alex", E2E_PASSPHRASE) as (conn, _key):
        conn.execute("UPDATE contacts SET name = 'Dana R.' WHERE id = ?", [ids["Dana Reyes"]])
        conn.execute("DELETE FROM contacts WHERE id = ?", [ids["Eli Stone"]])
        conn.execute("INSERT INTO contacts (id, name, kind, created_at) VALUES "
                     "('planted-1', 'Mallory', 'staff', '2026-12-01T00:00:00Z')")

    out = run_cli(data_dir, "audit", "verify", "--deep")
    assert out.returncode == 1
    lines = out.stderr.splitlines()
    assert sorted(lines[:3]) == sorted([
        f"crisisdesk: changed outside the app: contacts {ids['Dana Reyes']} (edited)",
        f"crisisdesk: changed outside the app: contacts {ids['Eli Stone']} (deleted)",
        "crisisdesk: changed outside the app: contacts planted-1 (inserted)"])
    assert lines[3].startswith("crisisdesk: 3 row(s) changed outside the app")
    assert ids["Fay Moss"] not in out.stderr

    out = run_cli(data_dir, "audit", "verify", "--deep", "--json")
    assert out.returncode == 1
    report = json.loads(out.stdout)
    assert report["ok"] is False
    assert {(c["table"], c["id"], c["change"]) for c in report["changed_outside_app"]} == {
        ("contacts", ids["Dana Reyes"], "edited"), ("contacts", ids["Eli Stone"], "deleted"),
        ("contacts", "planted-1", "inserted")}


def test_verify_anchor_names_a_remaced_rewrite(tmp_path: Path) -> None:
    data_dir = tmp_path / "desk"
    init_desk(data_dir)
    _contacts(data_dir, tmp_path)
    anchor = tmp_path / "anchor.json"
    out = run_cli(data_dir, "audit", "anchor", "--out", str(anchor))
    assert out.returncode == 0, out.stderr
    count = json.loads(anchor.read_text())["count"]
    assert f"entry {count}, hash" in out.stdout
    out = run_cli(data_dir, "settings", "set", "autolock_minutes", "20")
    assert out.returncode == 0, out.stderr
    out = run_cli(data_dir, "audit", "verify", "--anchor", str(anchor))
    assert out.returncode == 0, out.stderr
    assert f"the anchor's entry {count} is unchanged" in out.stdout

    with outside_the_app(data_dir, "alex", E2E_PASSPHRASE) as (conn, key):
        conn.execute("DELETE FROM audit WHERE seq >= ?", [count])
        remac_chain(conn, key)  # the chain now ends at count - 1 and checks out on its own
    out = run_cli(data_dir, "audit", "verify", "--anchor", str(anchor))
    assert out.returncode == 1
    assert (f"crisisdesk: the anchor's entry {count} is gone (the log now ends at entry "
            f"{count - 1}): entries were removed") in out.stderr
    out = run_cli(data_dir, "audit", "verify", "--anchor", str(anchor), "--json")
    assert json.loads(out.stdout)["anchor"]["problems"][0].startswith(
        f"the anchor's entry {count} is gone")
