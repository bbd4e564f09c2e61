"""The deployment examples under examples/ name only what exists: every kg command, option and
environment variable their compose files and systemd units use is one of the CLI's, every service
nginx balances over is one the compose file runs on the port it listens on, and every path the
Dockerfile copies is in the repository."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
import yaml

from kg.cli import cli

PROJECT = Path(__file__).resolve().parents[1]
REPLICAS = PROJECT / "examples" / "replicas"
COMPOSE = sorted(REPLICAS.glob("docker-compose*.yml"))
UNITS = sorted((REPLICAS / "systemd").glob("*.service"))


def _command(name: str) -> click.Command:
    found = cli.get_command(click.Context(cli, info_name="kg"), name)
    assert found is not None, f"kg has no command {name!r}"
    return found


def _options(command: click.Command) -> set[str]:
    return {o for p in command.params for o in (*p.opts, *p.secondary_opts)}


def _envvars() -> set[str]:
    ctx = click.Context(cli, info_name="kg")
    commands = [cli, *(cli.get_command(ctx, n) for n in cli.list_commands(ctx))]
    return {p.envvar for c in commands if c is not None for p in c.params if isinstance(p.envvar, str)}


def _check_kg_args(args: list[str]) -> str:
    """Check ``kg ARGS`` (global options, a command, its options); the command's name."""
    global_options = _options(cli)
    i = 0
    while args[i].startswith("--"):
        assert args[i] in global_options, args[i]
        i += 2
    name, command = args[i], _command(args[i])
    known = _options(command)
    used = [a.split("=", 1)[0] for a in args[i + 1:] if a.startswith("--")]
    assert used or name != "serve"
    assert [a for a in used if a not in known] == [], f"kg {name} has no such option"
    return name


def _compose(path: Path) -> dict[str, dict[str, object]]:
    services: dict[str, dict[str, object]] = yaml.safe_load(path.read_text("utf-8"))["services"]
    assert services
    return services


def test_the_example_files_are_there() -> None:
    assert [p.name for p in COMPOSE] == ["docker-compose.oxigraph.yml", "docker-compose.yml"]
    assert [p.name for p in UNITS] == ["kg-replica@.service", "kg-sync.service", "kg-workers.service"]
    docs = {name: (PROJECT / "docs" / name).read_text("utf-8") for name in ("scaling.md", "operations.md")}
    assert all("examples/replicas" in text for text in docs.values())


@pytest.mark.parametrize("path", COMPOSE, ids=lambda p: p.name)
def test_each_compose_service_runs_a_kg_command_with_options_that_exist(path: Path) -> None:
    envvars = _envvars()
    kg_services = {name: s for name, s in _compose(path).items() if s.get("image") == "kg:local"}
    assert {"load", "replica-1", "replica-2"} <= set(kg_services)
    for name, service in kg_services.items():
        command = service["command"]
        assert isinstance(command, list)
        assert _check_kg_args([str(a) for a in command]) == ("load" if name == "load" else "serve"), name
        environment = service["environment"]
        assert isinstance(environment, dict)
        assert set(environment) <= envvars, name
    replicas = [kg_services[n]["command"] for n in ("replica-1", "replica-2")]
    assert all(isinstance(c, list) and c[c.index("--port") + 1] == "8000" for c in replicas)
    if path.name == "docker-compose.yml":  # over a store directory: replicas
        assert all(isinstance(c, list) and "--read-only" in c for c in replicas)


@pytest.mark.parametrize("path", COMPOSE, ids=lambda p: p.name)
def test_nginx_balances_over_the_replicas_the_compose_file_runs(path: Path) -> None:
    services = _compose(path)
    upstream = re.findall(r"^\s*server\s+([\w.-]+):(\d+)", (REPLICAS / "nginx.conf").read_text("utf-8"), re.M)
    assert upstream == [("replica-1", "8000"), ("replica-2", "8000")]
    assert "./nginx.conf:/etc/nginx/conf.d/default.conf:ro" in services["lb"]["volumes"]  # type: ignore[operator]


@pytest.mark.parametrize("path", UNITS, ids=lambda p: p.name)
def test_each_systemd_unit_runs_a_kg_command_with_options_that_exist(path: Path) -> None:
    text = path.read_text("utf-8")
    exec_start = shlex.split(re.search(r"^ExecStart=(.+)$", text, re.M).group(1))  # type: ignore[union-attr]
    assert exec_start[0].endswith("/bin/kg")
    args = [a.replace("%i", "8001") for a in exec_start[1:]]
    assert _check_kg_args(args) in {"serve", "sync"}
    environment = [shlex.split(line)[0:] for line in re.findall(r"^Environment=(.+)$", text, re.M)]
    names = {pair.split("=", 1)[0] for line in environment for pair in line}
    assert names and names <= _envvars(), names


def test_the_dockerfile_copies_paths_of_the_repository() -> None:
    copied = re.findall(r"^COPY (.+) \S+$", (REPLICAS / "Dockerfile").read_text("utf-8"), re.M)
    paths = [p for line in copied for p in line.split()]
    assert paths and [p for p in paths if not (PROJECT / p).exists()] == []
