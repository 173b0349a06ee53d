"""The GitHub Actions workflows: linted by actionlint and zizmor, and the rules we hold them to.

The linters are installed by the `test` extra (pyproject.toml); zizmor runs `--offline`, so
no GitHub token and no network are needed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
WORKFLOW_FILES = sorted(WORKFLOWS.glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"uses:\s*\S+@[0-9a-f]{40} # v\d+(\.\d+){0,2}\s*$")


def _tool(name: str) -> str:
    """The linter next to this Python (the venv's bin), else on PATH."""
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed: run `make install`")
    return found


def _load(path: Path) -> dict:
    # YAML 1.1 reads the key `on` as True; give it its name back.
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


def _steps(workflow: dict):
    for job_id, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, step


def test_the_three_workflows_exist():
    assert {p.name for p in WORKFLOW_FILES} >= {"validate.yml", "deploy.yml", "nightly.yml"}


def test_actionlint_finds_nothing():
    result = subprocess.run(
        [_tool("actionlint"), "-no-color"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_offline():
    result = subprocess.run(
        [_tool("zizmor"), "--offline", "--no-progress", "--format", "plain", str(ROOT / ".github")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        # Without a token zizmor cannot reach GitHub even by mistake.
        env={k: v for k, v in os.environ.items() if k not in ("GH_TOKEN", "GITHUB_TOKEN")},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings" in result.stdout + result.stderr


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_workflow_grants_nothing_by_default(path: Path):
    workflow = _load(path)
    assert workflow.get("permissions") == {}, "set `permissions: {}` at the top"
    for job_id, job in workflow["jobs"].items():
        assert "permissions" in job, f"job {job_id} must declare its own permissions"
        assert job["permissions"] != "write-all"


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_every_action_is_pinned_by_commit_sha_with_its_version(path: Path):
    for job_id, step in _steps(_load(path)):
        if "uses" in step:
            assert PINNED.match(step["uses"]), f"{path.name} {job_id}: {step['uses']} not pinned"
    for line in path.read_text(encoding="utf-8").splitlines():
        if re.match(r"^\s*(- )?uses:", line):
            assert VERSION_COMMENT.search(line), f"{path.name}: no `# vX.Y.Z` comment: {line}"


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_checkout_never_keeps_the_token(path: Path):
    for job_id, step in _steps(_load(path)):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step.get("with", {}).get("persist-credentials") is False, job_id


def test_pull_requests_get_no_secrets_and_a_read_only_token():
    workflow = _load(WORKFLOWS / "validate.yml")
    assert set(workflow["on"]) == {"pull_request"}
    assert "secrets." not in (WORKFLOWS / "validate.yml").read_text(encoding="utf-8")
    for job in workflow["jobs"].values():
        assert set(job["permissions"].values()) == {"read"}


def test_only_the_deploy_job_may_publish_pages():
    workflow = _load(WORKFLOWS / "deploy.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    deploy = workflow["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert workflow["jobs"]["build"]["permissions"] == {"contents": "read"}
    uses = [s.get("uses", "").split("@")[0] for _, s in _steps(workflow)]
    for action in ("actions/upload-pages-artifact", "actions/deploy-pages"):
        assert action in uses


def test_nightly_runs_at_an_odd_minute_and_never_cancels_a_running_job():
    workflow = _load(WORKFLOWS / "nightly.yml")
    minute = workflow["on"]["schedule"][0]["cron"].split()[0]
    assert minute.isdigit() and int(minute) not in (0, 15, 30, 45)
    assert workflow["concurrency"]["cancel-in-progress"] is False
    dry_run = workflow["on"]["workflow_dispatch"]["inputs"]["dry_run"]
    assert dry_run["type"] == "boolean"


def test_nightly_passes_inputs_through_env_never_into_scripts():
    text = (WORKFLOWS / "nightly.yml").read_text(encoding="utf-8")
    for _, step in _steps(_load(WORKFLOWS / "nightly.yml")):
        assert "${{" not in step.get("run", ""), step.get("name")
    assert "DRY_RUN: ${{ inputs.dry_run }}" in text
    assert "mentorship nightly --dry-run" in text


def test_nightly_token_for_google_and_keepalive_are_scoped_to_their_jobs():
    jobs = _load(WORKFLOWS / "nightly.yml")["jobs"]
    assert jobs["nightly"]["permissions"] == {"contents": "read", "id-token": "write"}
    assert jobs["keepalive"]["permissions"] == {"actions": "write"}
    auth = [s for _, s in _steps({"jobs": {"n": jobs["nightly"]}}) if "auth@" in s.get("uses", "")]
    inputs = [set(s["with"]) for s in auth]
    assert {"workload_identity_provider", "service_account"} in inputs
    assert {"credentials_json"} in inputs
    keepalive = jobs["keepalive"]["steps"][0]["run"]
    assert "actions/workflows/nightly.yml/enable" in keepalive


def _step(name: str) -> dict:
    workflow = _load(WORKFLOWS / "nightly.yml")
    return next(s for s in workflow["jobs"]["nightly"]["steps"] if s.get("name") == name)


def _run_step(step: dict, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    # As GitHub runs a `run:` step: bash -e, the step's env, the tools on PATH.
    full = {
        **{k: v for k, v in os.environ.items() if k != "GITHUB_STEP_SUMMARY"},
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "NO_GCE_CHECK": "True",
        "MENTORSHIP_LOCK_SETTLE_SECONDS": "0.05",
        **env,
    }
    return subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=cwd, env=full, capture_output=True, text=True
    )


def test_nightly_stays_idle_with_a_notice_until_the_backend_is_google(tmp_path: Path):
    from tests.nightly_project import make_project

    make_project(tmp_path, backend="local", mentors=2, responses=1)
    output = tmp_path / "github_output"
    result = _run_step(
        _step("Read the configured backend"), tmp_path, {"GITHUB_OUTPUT": str(output)}
    )
    assert result.returncode == 0, result.stderr
    assert output.read_text() == "backend=local\n"
    assert result.stdout.startswith('::notice::backend is "local"')
    later = _load(WORKFLOWS / "nightly.yml")["jobs"]["nightly"]["steps"]
    gated = [
        s for s in later if "auth@" in s.get("uses", "") or s.get("name", "").startswith("Run")
    ]
    assert gated and all("steps.config.outputs.backend == 'google'" in s["if"] for s in gated)


def test_nightly_reports_a_broken_configuration_as_an_annotation(tmp_path: Path):
    from tests.nightly_project import make_project

    make_project(tmp_path, backend="local", mentors=2, responses=1)
    path = tmp_path / "pyproject.toml"
    path.write_text(path.read_text().replace('backend = "local"', 'backend = "sheet"'))
    result = _run_step(
        _step("Read the configured backend"), tmp_path, {"GITHUB_OUTPUT": str(tmp_path / "out")}
    )
    assert result.returncode != 0
    assert result.stderr.startswith("::error title=pyproject.toml::")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("dry_run", "writes"), [("true", False), ("", True), ("false", True)])
def test_the_dry_run_input_reaches_the_command(tmp_path: Path, dry_run: str, writes: bool):
    from tests.nightly_project import make_project

    make_project(tmp_path, backend="local", mentors=3, responses=4)
    result = _run_step(_step("Run the nightly flow"), tmp_path, {"DRY_RUN": dry_run})
    assert result.returncode == 0, result.stderr
    assert ("(dry run)" in result.stdout.splitlines()[0]) is not writes
    assert (tmp_path / ".ledger" / "Requests.csv").exists() is writes


def _pip_installs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if "pip install" in line]


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_every_install_takes_the_hash_checked_lock(path: Path):
    installs = _pip_installs(path.read_text(encoding="utf-8"))
    for line in installs:
        # Either the lock, hash-checked, or the toolkit itself with nothing resolved besides.
        locked = "--require-hashes -r requirements/" in line
        assert locked or ("--no-deps" in line and "--no-build-isolation" in line), line
    assert not installs or any("--require-hashes" in line for line in installs), path.name


def test_make_installs_the_lock_and_regenerates_it_only_on_request():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    installs = _pip_installs(makefile)
    assert any("--require-hashes -r requirements/test.txt" in line for line in installs)
    assert all("--require-hashes" in line or "--no-deps" in line for line in installs)
    recipe = makefile.split("\n$(STAMP):")[1].split("\n\n")[0]
    assert "uv pip compile" not in recipe  # only `make lock` writes requirements/*.txt
    assert "\nlock: " in makefile and "-o requirements/test.txt" in makefile


def test_pull_requests_are_tested_on_every_supported_python():
    tests = _load(WORKFLOWS / "validate.yml")["jobs"]["tests"]
    assert tests["strategy"]["matrix"]["python"] == ["3.11", "3.12", "3.13"]
    assert tests["container"]["image"] == "python:${{ matrix.python }}-trixie"
    assert 'requires-python = ">=3.11"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_dependabot_updates_actions_python_and_npm():
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
    ecosystems = {u["package-ecosystem"] for u in config["updates"]}
    assert ecosystems == {"github-actions", "pip", "npm"}
    assert all(u["cooldown"]["default-days"] >= 7 for u in config["updates"])


def test_google_credentials_live_in_the_nightly_environment_only():
    """Environment secrets reach only jobs naming the environment, which staff limit to main."""
    jobs = _load(WORKFLOWS / "nightly.yml")["jobs"]
    assert jobs["nightly"]["environment"] == "nightly"
    assert "environment" not in jobs["keepalive"]
    for path in WORKFLOW_FILES:
        text = path.read_text(encoding="utf-8")
        for job_id, job in _load(path)["jobs"].items():
            if "secrets.GOOGLE_CREDENTIALS" in yaml.safe_dump(job) or (
                "GCP_WORKLOAD_IDENTITY_PROVIDER" in yaml.safe_dump(job)
            ):
                assert job.get("environment") == "nightly", f"{path.name} {job_id}"
        assert "secrets.GOOGLE_CREDENTIALS" not in text or path.name == "nightly.yml"


def test_issue_form_job_writes_only_what_it_needs_and_never_touches_issue_text_in_shell():
    path = WORKFLOWS / "profile-from-issue.yml"
    workflow = _load(path)
    assert set(workflow["on"]) == {"issues"}
    [job] = workflow["jobs"].values()
    assert job["permissions"] == {
        "contents": "write",
        "pull-requests": "write",
        "issues": "write",
        "statuses": "write",
    }
    assert "environment" not in job
    text = path.read_text(encoding="utf-8")
    assert "secrets." not in text and "GCP_" not in text
    for _, step in _steps(workflow):
        run = step.get("run", "")
        assert "${{" not in run, step.get("name")
        assert "github.event" not in yaml.safe_dump(step.get("env", {}))
    # The issue is read by Python from the payload file only.
    assert 'prepare --event "$GITHUB_EVENT_PATH"' in text
