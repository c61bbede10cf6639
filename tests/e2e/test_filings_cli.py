"""`crisisdesk filings` on the demo desk, run through the real entry point (`main`) in this
process: the happy path of a state AG filing, and each kind of bad input as one line on
stderr, exit 1, nothing saved."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from crisisdesk.cli import main
from crisisdesk.services.demo import desk as demo_service
from tests.support.desk import FAST_KDF

# The demo's incident was discovered 9 days ago; yesterday is a safe "sent" day in any zone.
YESTERDAY = (dt.date.today() - dt.timedelta(days=1)).isoformat()


@pytest.fixture(scope="module")
def demo_desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("filings-cli") / "desk"
    demo_service.create_demo(data_dir, kdf=FAST_KDF)
    return data_dir


def run(data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        *args: str) -> tuple[int, str, str]:
    monkeypatch.setenv("CRISISDESK_OPERATOR", demo_service.DEMO_OPERATOR)
    monkeypatch.setenv("CRISISDESK_PASSPHRASE", demo_service.DEMO_PASSPHRASE)
    with pytest.raises(SystemExit) as done:
        main(["--data-dir", str(data_dir), *args])
    out = capsys.readouterr()
    return int(done.value.code or 0), out.out, out.err


def steps(data_dir: Path, capsys: pytest.CaptureFixture[str],
          monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    code, out, err = run(data_dir, capsys, monkeypatch, "filings", "list", "--json")
    assert code == 0, err
    return {f["key"]: f["step"] for f in json.loads(out)["filings"]}


@pytest.mark.parametrize(("args", "message"), [
    (("filings", "list", "--state", "QQ"), "Unknown state code 'QQ'"),
    (("filings", "prepare", "state.IN.ag", "--count", "17231"),
     "above the incident's total of 17,230"),
    (("filings", "mark", "state.IN.ag", "--sent", YESTERDAY, "--how", "portal"),
     "cannot be marked sent before it is prepared"),
    (("filings", "mark", "state.IN.ag", "--confirmation", "IN-1"),
     "has not been sent: a confirmation number"),
])
def test_bad_input_is_one_line_exit_1_nothing_saved(
        demo_desk: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        args: tuple[str, ...], message: str) -> None:
    before = steps(demo_desk, capsys, monkeypatch)
    code, _out, err = run(demo_desk, capsys, monkeypatch, *args)
    assert code == 1
    assert message in err
    assert err.count("\n") == 1
    assert steps(demo_desk, capsys, monkeypatch) == before


def test_prepare_approve_send_and_confirm_a_state_ag_filing(
        demo_desk: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    owed = steps(demo_desk, capsys, monkeypatch)
    assert {"hipaa.hhs", "state.IL.ag", "state.IN.ag", "hipaa.media.WI"} <= set(owed)
    for args in (("prepare", "state.IL.ag"), ("approve", "state.IL.ag"),
                 ("mark", "state.IL.ag", "--sent", YESTERDAY, "--how", "portal",
                  "--confirmation", "ILAG-5521")):
        code, _out, err = run(demo_desk, capsys, monkeypatch, "filings", *args)
        assert code == 0, err
    code, out, _err = run(demo_desk, capsys, monkeypatch, "filings", "show", "state.IL.ag",
                          "--json")
    shown = json.loads(out)
    assert (shown["step"], shown["confirmation"], shown["sent_how"]) == (
        "sent", "ILAG-5521", "portal")
    assert "Office of the Illinois Attorney General" in shown["content"]
    code, out, _err = run(demo_desk, capsys, monkeypatch, "deadlines", "--json")
    assert "ILAG-5521" in out  # the obligation is done, with the confirmation as reference
    csv_path = tmp_path / "filings.csv"
    code, _out, err = run(demo_desk, capsys, monkeypatch, "filings", "export", str(csv_path))
    assert code == 0, err
    assert "ILAG-5521" in csv_path.read_text("utf-8-sig")


def test_substitute_and_vendor_commands(demo_desk: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    code, _out, err = run(demo_desk, capsys, monkeypatch, "filings", "substitute", "hotline",
                          "217-555-0100", "--until", "2027-06-01")
    assert code == 1
    assert "not a US toll-free number" in err
    code, out, err = run(demo_desk, capsys, monkeypatch, "filings", "substitute", "hotline",
                         "833-555-0142", "--until", "2027-06-01")
    assert code == 0, err
    assert "Toll-free line: 1-833-555-0142" in out

    eligibility = tmp_path / "eligibility.csv"
    code, out, err = run(demo_desk, capsys, monkeypatch, "filings", "vendor", "export",
                         str(eligibility))
    assert code == 0, err
    rows = eligibility.read_text("utf-8-sig").splitlines()
    assert rows[0].startswith("reference,name,address_line1")
    first = rows[1].split(",")[0]
    enrolled = tmp_path / "enrolled.csv"
    enrolled.write_text(f"reference,enrolled_on\n{first},{YESTERDAY}\nCD99999997,{YESTERDAY}\n")
    code, _out, err = run(demo_desk, capsys, monkeypatch, "filings", "vendor", "import",
                          str(enrolled))
    assert code == 1
    assert "line 3: unknown reference CD99999997" in err
    enrolled.write_text(f"reference,enrolled_on\n{first},{YESTERDAY}\n")
    code, out, err = run(demo_desk, capsys, monkeypatch, "filings", "vendor", "import",
                         str(enrolled), "--json")
    assert code == 0, err
    rates = {r["state"]: (r["eligible"], r["enrolled"]) for r in json.loads(out)}
    assert rates["all"] == (len(rows) - 1, 1)
