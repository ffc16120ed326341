"""make test-live (tests/live/): what it needs without credentials, and its logic against the simulator."""

import os
import subprocess
import sys

import pytest

LIVE_VARIABLES = ("HW_", "HWCLOUD_LIVE_", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")
NEEDED = ("HW_REGION_NAME", "HW_PROJECT_ID", "HW_AUTH_TOKEN", "HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_SECURITY_TOKEN",
          "HW_USER_NAME", "HW_PASSWORD", "HW_DOMAIN_NAME", "HWCLOUD_LIVE_CDM_CLUSTER", "HWCLOUD_LIVE_RFS=1",
          "HWCLOUD_LIVE_RFS_AGENCY", "HWCLOUD_LIVE_ENDPOINT")


def clean_env(**extra):
    env = {key: value for key, value in os.environ.items() if not key.startswith(LIVE_VARIABLES)}
    env.update(extra)
    return env


def run_live(hw, env, *args):
    done = subprocess.run([sys.executable, os.path.join(hw.REPO_ROOT, "tests", "live", "run_live.py")] + list(args),
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600, check=False)
    return done.returncode, done.stdout


def module_exists(hw, name):
    return os.path.exists(os.path.join(hw.REPO_ROOT, "plugins", "modules", name + ".py"))


def test_without_credentials_it_exits_0_and_says_what_it_needs(hw):
    done = subprocess.run(["make", "--no-print-directory", "test-live"], cwd=hw.REPO_ROOT, env=clean_env(),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout
    assert "nothing to run; not set: HW_REGION_NAME, HW_PROJECT_ID, one credential set." in done.stdout
    for name in NEEDED:
        assert name in done.stdout, (name, done.stdout)
    # Nothing to run: the collection is not even built.
    assert "ansible-galaxy" not in done.stdout and "ansible-playbook" not in done.stdout


def test_a_part_without_its_variables_is_skipped_and_named(hw):
    env = clean_env(HW_REGION_NAME="ap-southeast-1", HW_PROJECT_ID=hw.PROJECT_ID, HW_ACCESS_KEY="ak", HW_SECRET_KEY="sk",
                    HWCLOUD_LIVE_RFS="1")
    rc, output = run_live(hw, env, "--plan")
    assert "check-stop skipped: needs HWCLOUD_LIVE_CDM_CLUSTER" in output, output
    assert "cycle-cdm  skipped: needs HWCLOUD_LIVE_CDM_CLUSTER" in output, output
    assert "cycle-rfs  skipped: needs HWCLOUD_LIVE_RFS_AGENCY" in output, output
    assert rc == (0 if module_exists(hw, "cluster_info") or module_exists(hw, "stack_info")
                  or module_exists(hw, "rfs_stack_info") else 3)


def test_against_the_simulator_the_read_only_parts_only_read(sim, hw):
    env = clean_env(HW_REGION_NAME="ap-southeast-1", HW_PROJECT_ID=hw.PROJECT_ID, HW_AUTH_TOKEN=hw.TOKEN,
                    HWCLOUD_LIVE_ENDPOINT=sim.url, HWCLOUD_LIVE_CDM_CLUSTER="cdm-demo", HWCLOUD_LIVE_POLL_INTERVAL="0.1",
                    ANSIBLE_COLLECTIONS_PATH=hw.COLLECTIONS_DIR)
    if module_exists(hw, "cluster_start"):
        pytest.skip("cluster_start exists: test_against_the_simulator_the_cdm_cycle covers the whole run")
    rc, output = run_live(hw, env)
    assert rc == 0, output
    assert "check-stop ok" in output, output
    assert "cycle-cdm  skipped: hwcloud.cloud.cluster_start is not in this collection yet" in output, output
    log = hw.sim_requests(sim)
    assert log and all(entry["method"] == "GET" for entry in log), [(e["method"], e["path"]) for e in log]
    assert sim.state.get_cluster(hw.PROJECT_ID, hw.CLUSTER_ID)["status"] == "200"


def test_against_the_simulator_the_cdm_cycle(sim, hw):
    if not module_exists(hw, "cluster_start"):
        pytest.skip("hwcloud.cloud.cluster_start is not in this collection yet")
    env = clean_env(HW_REGION_NAME="ap-southeast-1", HW_PROJECT_ID=hw.PROJECT_ID, HW_AUTH_TOKEN=hw.TOKEN,
                    HWCLOUD_LIVE_ENDPOINT=sim.url, HWCLOUD_LIVE_CDM_CLUSTER="cdm-demo", HWCLOUD_LIVE_POLL_INTERVAL="0.1",
                    ANSIBLE_COLLECTIONS_PATH=hw.COLLECTIONS_DIR)
    rc, output = run_live(hw, env)
    assert rc == 0, output
    assert "check-stop ok" in output and "cycle-cdm  ok" in output, output
    posts = [entry for entry in hw.sim_requests(sim) if entry["method"] == "POST"]
    assert [entry["body"] for entry in posts] == [{"stop": {}}, {"start": {}}]
    assert sim.state.get_cluster(hw.PROJECT_ID, hw.CLUSTER_ID)["status"] == "200"
