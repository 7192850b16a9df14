"""README's commands run as written from a fresh clone, and it names nothing outside the repository.

Fast: every path README names exists in the repository (or is one the commands create), none
points outside it, every ``enforcement-ledger`` line parses with the real command line, and
``make run`` honours ``LEDGER_HTTP_PORT`` and prints the ``/ui/`` address. Slow: the tracked
files copied to a temporary directory (a clone of the working tree), ``make run``'s first run
(``api.run_local --no-serve`` on a demo of 200 cases), then README's shell lines in order in
one shell, then ``make run`` serving on a free port answering ``/ui/``.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import api.run_local as run_local
from api.cli import build_parser
from tests.helpers.serve import free_port

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
CREATED = ("var/", "./var", ".venv/", "./mine", "export-0012/", "audit.html", "STEP.json")
"""Paths README's commands create (or a placeholder), not files of the repository."""


def readme() -> str:
    return README.read_text(encoding="utf-8")


def shell_lines(text: str) -> list[str]:
    """The commands of README's ``sh`` blocks, their trailing comments removed."""
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        for line in block.splitlines():
            command = re.split(r"\s{2,}#|^#", line, maxsplit=1)[0].strip()
            if command:
                lines.append(command)
    return lines


STREAMS_AND_ROUTES = ("agency/", "officer/", "case/", "licence/", "complaint/", "coercion/", "spotcheck/",
                      "inspection/", "/v1", "/ui", "/public", "/docs")
"""Words that look like paths but name a stream or a route."""


def named_paths(text: str) -> set[str]:
    """Link targets, backticked paths and the paths in commands (``a/b``, ``x.md``, ``y.jsonl``)."""
    found = {t for t in re.findall(r"\]\(([^)\s]+)\)", text) if not t.startswith(("http:", "https:", "#"))}
    words = re.findall(r"`([^`\s]+)`", text) + [w for line in shell_lines(text) for w in shlex.split(line)]
    found |= {w for w in words if re.fullmatch(r"\.{0,2}/?[\w.-]+(/[\w.*<>-]*)+|[\w.-]+\.(md|jsonl|json|toml)", w)
              and "://" not in w and not w.startswith(STREAMS_AND_ROUTES)}
    return found


def test_readme_names_nothing_outside_the_repository() -> None:
    text = readme()
    assert "../" not in text
    for path in named_paths(text):
        assert not path.startswith("/"), path
    assert not re.search(r"(?<![\w.:/])/(work|home|tmp|root|usr|opt)/", text)


def test_every_path_readme_names_exists() -> None:
    missing = [p for p in sorted(named_paths(readme()))
               if not p.startswith(CREATED) and p not in CREATED and "<" not in p
               and not (ROOT / p.split("#")[0]).exists()]
    assert missing == []
    assert {"examples/registry.jsonl", "examples/general-case.jsonl", "docs/spec/steps.md",
            "docs/architecture.md"} <= named_paths(readme())


def test_every_readme_command_parses() -> None:
    parser = build_parser()
    commands = [shlex.split(line) for line in shell_lines(readme()) if line.startswith("enforcement-ledger ")]
    assert len(commands) >= 15
    for argv in commands:
        try:
            parser.parse_args(argv[1:])
        except SystemExit as exc:  # --help exits 0; a bad option exits 2
            assert exc.code == 0 and argv[1:] == ["--help"], argv


def test_make_run_honours_the_port_and_prints_the_ui_address(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    calls: list[list[str]] = []
    monkeypatch.setenv("LEDGER_DATA", str(tmp_path))
    monkeypatch.setenv("LEDGER_HTTP_PORT", "8123")
    monkeypatch.delenv("LEDGER_KEY_PASSPHRASE", raising=False)
    monkeypatch.delenv("LEDGER_KEY_PASSPHRASE_FILE", raising=False)
    (tmp_path / "demo-token").write_text("elt_demo\n", encoding="utf-8")
    (tmp_path / "demo-supervisor-token").write_text("elt_supervisor\n", encoding="utf-8")
    monkeypatch.setattr(run_local, "is_initialised", lambda settings: True)
    monkeypatch.setattr(run_local, "cli_main", lambda argv: calls.append(list(argv)) or 0)
    assert run_local.main([]) == 0
    assert calls == [["verify"], ["serve", "--host", "127.0.0.1", "--port", "8123"]]
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8123/ui/" in out and "8000" not in out
    assert f"LEDGER_KEY_PASSPHRASE_FILE={tmp_path / 'passphrase'}" in out


# --------------------------------------------------------------------------- slow: a fresh clone


def fresh_clone(target: Path) -> Path:
    """The repository's tracked files (as in the working tree) in ``target``, with this venv."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False)
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    for name in listed.stdout.decode("utf-8").split("\0"):
        if name and (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    (target / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    return target


def clean_env(clone: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEDGER_", "VIRTUAL_ENV"))}
    env.update(PYTHONPATH=str(clone), **extra)  # the clone's code, not the editable install's
    return env


@pytest.mark.slow
def test_readme_commands_run_as_written_from_a_fresh_clone(tmp_path: Path) -> None:
    clone = fresh_clone(tmp_path / "clone")
    python = str(clone / ".venv" / "bin" / "python")
    first = subprocess.run([python, "-m", "api.run_local", "--no-serve"], cwd=clone, capture_output=True,
                           text=True, env=clean_env(clone, LEDGER_DEMO_CASES="200"), timeout=600, check=False)
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-2000:]
    assert (clone / "var" / "passphrase").is_file()
    script = ["set -eo pipefail"] + [f"echo '>>> {line}'\n{line}" for line in shell_lines(readme())
                                      if not line.startswith("make ")]
    done = subprocess.run(["bash", "-c", "\n".join(script)], cwd=clone, capture_output=True, text=True,
                          env=clean_env(clone), timeout=900, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "核验通过" in done.stdout
    assert (clone / "audit.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (clone / "export-0012" / "manifest.json").is_file()

    port = free_port()
    server = subprocess.Popen([python, "-m", "api.run_local"], cwd=clone, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, env=clean_env(clone, LEDGER_HTTP_PORT=str(port)))
    try:
        status = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/ui/", timeout=5) as answer:
                    status = answer.status
                break
            except urllib.error.HTTPError as exc:
                status = exc.code
                break
            except OSError:
                time.sleep(0.5)
        assert status == 200, status
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=60)
    assert f"http://127.0.0.1:{port}/ui/" in out
