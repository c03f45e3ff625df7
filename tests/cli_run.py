"""Run the command line as a user does, in-process: (exit code, stdout, stderr)."""
from __future__ import annotations

from commandcenter.cli import main


def run_cli(argv, capsys):
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err
