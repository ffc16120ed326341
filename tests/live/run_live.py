# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The live suite: the playbooks of tests/live/ against a real Huawei Cloud account (``make test-live``).

Opt-in and never run by CI. Each part runs only when its variables are set and the modules
it calls are in this collection; otherwise it is listed as skipped, with the reason.
Without a region, a project and one credential set it runs nothing, prints what it needs
and exits 0. ``--plan`` prints the plan and exits 3 when nothing would run (the Makefile
then skips building the collection). Exit status 1 when a part failed.
"""

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
NOTHING_TO_RUN = 3

NEEDS = """make test-live runs the playbooks of tests/live/ against a Huawei Cloud account. It needs:
  HW_REGION_NAME             the region, for example ap-southeast-1
  HW_PROJECT_ID              the project ID of that region
  one credential set         HW_AUTH_TOKEN
                             or HW_ACCESS_KEY + HW_SECRET_KEY (+ HW_SECURITY_TOKEN for temporary keys)
                             or HW_USER_NAME + HW_PASSWORD + HW_DOMAIN_NAME
With those, it runs the read-only part (cluster_info, stack_info, rfs_stack_info). Optional:
  HWCLOUD_LIVE_CDM_CLUSTER   name of a scratch CDM cluster: cluster_stop in check mode, then stop,
                             stop again, start, start again (the cluster ends running)
  HWCLOUD_LIVE_RFS=1         create, change and delete an RFS stack holding one free VPC;
  HWCLOUD_LIVE_RFS_AGENCY    with it: the IAM agency that RFS deploys with (provider huaweicloud)
  HWCLOUD_LIVE_ENDPOINT      send every call to this URL instead (the simulator, to test the suite)
  HWCLOUD_LIVE_POLL_INTERVAL seconds between polls while waiting (default 10)
docs/testing.md says what each part touches and how long it takes."""

CREDENTIAL_SETS = (("HW_AUTH_TOKEN",), ("HW_ACCESS_KEY", "HW_SECRET_KEY"), ("HW_USER_NAME", "HW_PASSWORD", "HW_DOMAIN_NAME"))

# part: (playbook, modules it calls, variables it needs beyond the connection, what it touches)
PARTS = [
    ("read-cdm", "read_cdm.yml", ("cluster_info",), (), "reads CDM clusters"),
    ("read-aos", "read_aos.yml", ("stack_info",), (), "reads AOS stacks"),
    ("read-rfs", "read_rfs.yml", ("rfs_stack_info",), (), "reads RFS stacks"),
    ("check-stop", "check_stop.yml", ("cluster_stop",), ("HWCLOUD_LIVE_CDM_CLUSTER",), "reads the scratch cluster"),
    ("cycle-cdm", "cycle_cdm.yml", ("cluster_stop", "cluster_start"), ("HWCLOUD_LIVE_CDM_CLUSTER",),
     "stops and starts the scratch cluster"),
    ("cycle-rfs", "cycle_rfs.yml", ("rfs_stack",), ("HWCLOUD_LIVE_RFS", "HWCLOUD_LIVE_RFS_AGENCY"),
     "creates, changes and deletes an RFS stack with one VPC"),
]


def missing_connection(env):
    missing = [name for name in ("HW_REGION_NAME", "HW_PROJECT_ID") if not env.get(name)]
    if not any(all(env.get(name) for name in names) for names in CREDENTIAL_SETS):
        missing.append("one credential set")
    return missing


def plan(env):
    """``[(part, playbook, None or the reason it is skipped, what it touches)]``."""
    out = []
    for name, playbook, modules, needs, touches in PARTS:
        absent = [module for module in modules if not os.path.exists(os.path.join(ROOT, "plugins", "modules", module + ".py"))]
        unset = [variable for variable in needs if not env.get(variable)]
        if env.get("HWCLOUD_LIVE_RFS") not in (None, "", "1") and "HWCLOUD_LIVE_RFS" in needs:
            unset.append("HWCLOUD_LIVE_RFS=1")
        reason = None
        if unset:
            reason = "needs %s" % ", ".join(unset)
        elif absent:
            reason = "hwcloud.cloud.%s is not in this collection yet" % ", hwcloud.cloud.".join(absent)
        out.append((name, playbook, reason, touches))
    return out


def extra_vars(env, run_id):
    variables = {
        "hwcloud_live_cluster": env.get("HWCLOUD_LIVE_CDM_CLUSTER", ""),
        "hwcloud_live_rfs_agency": env.get("HWCLOUD_LIVE_RFS_AGENCY", ""),
        "hwcloud_live_rfs_stack": "hwcloud-live-%s" % run_id,
        "hwcloud_live_poll_interval": float(env.get("HWCLOUD_LIVE_POLL_INTERVAL") or 10),
    }
    if env.get("HWCLOUD_LIVE_ENDPOINT"):
        variables["hwcloud_live_endpoint"] = env["HWCLOUD_LIVE_ENDPOINT"]
    return variables


def ansible_playbook():
    local = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
    return local if os.access(local, os.X_OK) else shutil.which("ansible-playbook") or "ansible-playbook"


def run_part(playbook, variables, work, env):
    vars_file = os.path.join(work, "vars.json")
    with open(vars_file, "w", encoding="utf-8") as handle:
        json.dump(variables, handle)
    command = [ansible_playbook(), "-i", "localhost,", "-e", "@" + vars_file, os.path.join(HERE, playbook)]
    done = subprocess.run(command, cwd=HERE, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    return done.returncode, done.stdout


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--plan", action="store_true", help="print the plan; exit 3 when nothing would run")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    if env.get("HWCLOUD_LIVE_ENDPOINT"):
        # IAM (password auth) goes to the same place.
        env.setdefault("HW_AUTH_URL", env["HWCLOUD_LIVE_ENDPOINT"])
    missing = missing_connection(env)
    if missing:
        print("test-live: nothing to run; not set: %s.\n%s" % (", ".join(missing), NEEDS))
        return NOTHING_TO_RUN if args.plan else 0
    parts = plan(env)
    for name, _playbook, reason, touches in parts:
        print("test-live: %-10s %s" % (name, "skipped: " + reason if reason else "will run: " + touches))
    if args.plan:
        return 0 if any(reason is None for _name, _playbook, reason, _touches in parts) else NOTHING_TO_RUN
    run_id = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d%H%M%S")
    work = tempfile.mkdtemp(prefix="hwcloud-live-")
    failed = []
    try:
        env["ANSIBLE_NOCOLOR"] = "1"
        for name, playbook, reason, _touches in parts:
            if reason:
                continue
            started = datetime.datetime.now()
            code, output = run_part(playbook, extra_vars(env, run_id), work, env)
            seconds = (datetime.datetime.now() - started).total_seconds()
            print("test-live: %-10s %s in %.0fs" % (name, "ok" if code == 0 else "FAILED", seconds))
            if code != 0:
                failed.append(name)
                print(output[-6000:])
            sys.stdout.flush()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if failed:
        print("test-live: failed: %s" % ", ".join(failed), file=sys.stderr)
        return 1
    print("test-live: every part that ran passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
