"""`forumwatch series`, `events` and `stats` on the replayed world."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from forumwatch.cli import main
from tests.analyse.conftest import Replayed


@pytest.fixture
def workspace(replayed: Replayed, tmp_path: Path) -> str:
    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "forumwatch.toml").write_text(
        f'[settings]\nstore_url = "{replayed.store.url}"\n', "utf-8"
    )
    return str(folder)


def test_series_as_csv(workspace: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(
        [
            "-w",
            workspace,
            "series",
            "link-index",
            "--from",
            "2020-01-01",
            "--to",
            "2020-05-31",
            "--by",
            "month",
            "--csv",
        ]
    )
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["period_start"] for r in rows] == [
        "2020-01-01",
        "2020-02-01",
        "2020-03-01",
        "2020-04-01",
        "2020-05-01",
    ]
    assert max(rows, key=lambda r: float(r["value"]))["period_start"] == "2020-03-01"
    main(
        [
            "-w",
            workspace,
            "series",
            "posts",
            "--site",
            "lantern",
            "--from",
            "2020-06-04",
            "--to",
            "2020-06-08",
            "--csv",
        ]
    )
    states = [r["state"] for r in csv.DictReader(io.StringIO(capsys.readouterr().out))]
    assert states == ["observed", "unavailable", "unavailable", "unavailable", "observed"]


def test_series_needs_its_parameters(workspace: str) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["-w", workspace, "series", "keyword"])
    assert exit_info.value.code == 1


def test_events_and_stats(workspace: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(["-w", workspace, "events", "--from", "2020-05-01", "--to", "2020-06-30", "--json"])
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {"host_down", "site_unavailable"} <= {e["type"] for e in events}
    main(["-w", workspace, "stats"])
    out = capsys.readouterr().out
    assert "posts 2020-06-24..2020-06-30" in out and "top host family" in out
