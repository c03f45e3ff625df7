"""`python -m commandcenter.platform`: bad input exits non-zero with one line, changes nothing."""
from __future__ import annotations

import pytest

from commandcenter.platform.server import main


def run(argv, capsys) -> tuple[int, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    "argv, words",
    [
        ([], "--db"),
        (["--db", "x.db", "--port", "http"], "--port"),
        (["--db", "x.db", "--port", "70000"], "--port"),
        (["--db", "x.db", "--speed", "0"], "--speed"),
        (["--db", "x.db", "--bogus"], "--bogus"),
        (["--db", "x.db", "--start-at", "60"], "--start-at"),
        (["--db", "x.db", "--start-at", "-5"], "--start-at"),
        (["--db", "x.db", "--database-url", "postgresql://h/db"], "--database-url"),
        (["--database-url", "mysql://u:secret@h/db"], "--database-url"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(argv, words, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, err = run(argv, capsys)
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert words in err
    assert not (tmp_path / "x.db").exists()


def test_a_database_that_cannot_be_written_exits_1_naming_the_path(tmp_path, capsys):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    db = blocker / "platform.db"

    code, err = run(["--db", str(db)], capsys)

    assert code == 1
    assert len(err.strip().splitlines()) == 1
    assert str(db) in err


def test_an_unreachable_postgresql_exits_1_naming_it_without_the_password(capsys, pg_server):
    url = f"postgresql://cc:s3cret@127.0.0.1:{pg_server.port}/no_such_database"

    code, err = run(["--database-url", url], capsys)

    assert code == 1
    assert len(err.strip().splitlines()) == 1
    assert "no_such_database" in err and "s3cret" not in err


def test_a_bad_scenario_exits_1_naming_file_and_line_and_creates_no_database(tmp_path, capsys):
    scenario = tmp_path / "broken.yaml"
    scenario.write_text("format: commandcenter-scenario/1\nid: x\ntitle_zh: x\ntitle_en: x\n"
                        "start: 2026-07-15T06:00:00+08:00\nduration: soon\n", encoding="utf-8")
    db = tmp_path / "platform.db"

    code, err = run(["--db", str(db), "--scenario", str(scenario)], capsys)

    assert code == 1
    assert "broken.yaml:6: duration" in err
    assert not db.exists()


def test_a_missing_scenario_file_is_a_usage_error(tmp_path, capsys):
    code, err = run(["--db", str(tmp_path / "p.db"), "--scenario", str(tmp_path / "nope.yaml")], capsys)
    assert code == 2
    assert "nope.yaml" in err


def test_tls_options_come_in_pairs_and_a_bad_certificate_is_one_line(tmp_path, capsys):
    cert = tmp_path / "cert.pem"
    cert.write_text("not a certificate\n")
    db = tmp_path / "p.db"
    code, err = run(["--db", str(db), "--tls-cert", str(cert)], capsys)
    assert code == 2 and "--tls-key" in err and len(err.strip().splitlines()) == 1
    code, err = run(["--db", str(db), "--tls-cert", str(cert), "--tls-key", str(tmp_path / "none.pem")], capsys)
    assert code == 2 and "none.pem" in err
    code, err = run(["--db", str(db), "--tls-cert", str(cert), "--tls-key", str(cert)], capsys)
    assert code == 1 and "--tls-cert" in err and len(err.strip().splitlines()) == 1
    assert not db.exists()


def test_a_stop_signal_before_uvicorn_listens_is_not_lost():
    """A SIGTERM in the first milliseconds of the run (before uvicorn takes over the
    signals) asks the server to exit once started; it used to be swallowed, and the platform
    ran on (seen once in the full suite: a platform that never stopped)."""
    import signal

    from commandcenter.platform.server import _quiet_after_exit

    class Server:
        should_exit = False

    server = Server()
    with _quiet_after_exit(server):
        signal.raise_signal(signal.SIGTERM)
        assert server.should_exit
    assert signal.getsignal(signal.SIGTERM) is not None  # the previous handler is back


def test_bad_drill_arguments_exit_2_and_a_city_scenario_is_no_drill(tmp_path, capsys):
    from pathlib import Path

    scenarios = Path(__file__).resolve().parents[2] / "scenarios"
    flood = str(scenarios / "drill-flood.yaml")
    db = str(tmp_path / "d.db")
    for argv, words in [
        (["--db", db, "--drill", "../x", "--scenario", flood], "a run id is 1-64"),
        (["--db", db, "--drill", "r1"], "needs --scenario"),
        (["--database-url", "postgresql://h/db", "--drill", "r1", "--scenario", flood], "own SQLite file"),
        (["--db", db, "--drill", "r1", "--scenario", flood, "--start-at", "60"], "--start-at"),
    ]:
        code, err = run(argv, capsys)
        assert code == 2 and words in err, (argv, err)
    code, err = run(["--db", db, "--drill", "r1", "--scenario", str(scenarios / "rainstorm-day.yaml")], capsys)
    assert code == 1 and "not a drill" in err
    assert not Path(db).exists()
