"""The CLI's surface: help, version, exit codes, `python -m cxgraph`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ONTOLOGY, CliRunner


def test_help_lists_commands_and_exit_codes(cli: CliRunner) -> None:
    done = cli("--help")
    assert done.returncode == 0
    for command in ("build", "check", "query"):
        assert command in done.stdout
    assert "Exit codes" in done.stdout


def test_every_command_has_help_with_exit_codes(cli: CliRunner) -> None:
    commands = [line.split()[0] for line in cli("--help").stdout.split("Commands:")[1].splitlines() if line.strip()]
    assert commands
    for command in commands:
        done = cli(command, "--help")
        assert done.returncode == 0, command
        assert "Exit codes" in done.stdout, command


def test_unknown_option_is_a_usage_error(cli: CliRunner) -> None:
    done = cli("build", "--no-such-option")
    assert done.returncode == 2
    assert "No such option" in done.stderr


def test_console_script_and_module_agree(cli: CliRunner) -> None:
    script = Path(sys.executable).parent / "cxgraph"
    by_script = subprocess.run([str(script), "--version"], capture_output=True, text=True)
    by_module = cli("--version")
    assert by_script.returncode == by_module.returncode == 0
    assert "0.1.0" in by_script.stdout
    assert by_script.stdout == by_module.stdout


def test_version_names_the_vocabulary_version_too(cli: CliRunner) -> None:
    scheme = (ONTOLOGY / "cx.ttl").read_text(encoding="utf-8")
    found = re.search(r'owl:versionInfo "([^"]+)"', scheme)
    assert found is not None
    done = cli("--version")
    assert done.returncode == 0
    assert done.stdout == f"cxgraph 0.1.0 (vocabulary {found.group(1)})\n"
    assert found.group(1) == "0.3.0"


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_shell_completion_prints_a_script_and_completes_commands(shell: str) -> None:
    script = Path(sys.executable).parent / "cxgraph"
    env = {**os.environ, "_CXGRAPH_COMPLETE": f"{shell}_source"}
    source = subprocess.run([str(script)], capture_output=True, text=True, env=env, timeout=60)
    assert source.returncode == 0, source.stderr
    assert "_CXGRAPH_COMPLETE" in source.stdout and "cxgraph" in source.stdout
    env = {**os.environ, "_CXGRAPH_COMPLETE": "bash_complete", "COMP_WORDS": "cxgraph bu", "COMP_CWORD": "1"}
    words = subprocess.run([str(script)], capture_output=True, text=True, env=env, timeout=60)
    assert "plain,build" in words.stdout.splitlines()
