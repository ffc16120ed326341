"""Every key cdm_link, cdm_job, cdm_job_run and cdm_job_info return is documented in their RETURN, nested keys too.

Each module runs in-process against the simulator in the outcomes that shape its result differently
(created, unchanged, check mode, waited, failed run, failed on an option or an HTTP call).
"""

import pytest

from faultkit import CLUSTER_ID, STOPPED_CLUSTER_ID, connection, run_module
from test_return_docs import problems, return_doc

DEFINITION = dict(from_link="mysql-link", from_connector="generic-jdbc-connector", from_config={"tableName": "t"},
                  to_link="hive-link", to_connector="hive-connector", to_config={"table": "t"},
                  driver_config={"throttlingConfig": {"numExtractors": 1}})


def module_main(name):
    module = __import__("ansible_collections.hwcloud.cloud.plugins.modules." + name, fromlist=["main"])
    return module.main


def read_only(sim, **args):
    base = connection(sim, **args)
    for option in ("wait", "wait_timeout", "poll_interval"):
        base.pop(option, None)
    return base


def failing_run(sim):
    sim.state.upsert_cdm_job({"cluster_id": CLUSTER_ID, "name": "obs2dws", "run_fails": "Table missing."})


CASES = [
    ("cdm_link", dict(name="pg", connector="generic-jdbc-connector", config={"host": "h"}, secrets={"password": "p"}), None, False),
    ("cdm_link", dict(name="mysql-link"), None, False),
    ("cdm_link", dict(name="pg", connector="generic-jdbc-connector", config={"host": "h"}), None, True),
    ("cdm_link", dict(name="pg", state="absent"), None, False),
    ("cdm_link", dict(name="pg", cluster_id=STOPPED_CLUSTER_ID), None, False),
    ("cdm_job", dict(name="j1", **DEFINITION), None, False),
    ("cdm_job", dict(name="obs2dws"), None, False),
    ("cdm_job", dict(name="j1", **DEFINITION), None, True),
    ("cdm_job", dict(name="mysql2hive", to_config={"table": "x"}, wait=False), None, False),
    ("cdm_job", dict(name="j" * 241), None, False),
    ("cdm_job_run", dict(name="obs2dws"), None, False),
    ("cdm_job_run", dict(name="obs2dws", wait=False), None, False),
    ("cdm_job_run", dict(name="obs2dws"), failing_run, False),
    ("cdm_job_run", dict(name="mysql2hive", state="stopped"), None, False),
    ("cdm_job_run", dict(name="nightly-batch"), None, True),
    ("cdm_job_run", dict(name="no-such-job"), None, False),
]


@pytest.mark.parametrize("module, args, setup, check_mode", CASES)
def test_every_returned_key_is_documented(sim, module, args, setup, check_mode):
    if setup:
        setup(sim)
    main = module_main(module)
    args = dict(args)
    args.setdefault("cluster_id", CLUSTER_ID)

    _rc, result = run_module(main, connection(sim, **args), check_mode=check_mode)

    assert problems(result, return_doc(main)) == [], result


@pytest.mark.parametrize("args", [dict(), dict(name="obs2dws"), dict(name="obs2dws", submissions=True), dict(name="nope"),
                                  dict(cluster_id=STOPPED_CLUSTER_ID)])
def test_every_key_of_cdm_job_info_is_documented(sim, args):
    main = module_main("cdm_job_info")
    run_module(module_main("cdm_job_run"), connection(sim, cluster_id=CLUSTER_ID, name="obs2dws"))
    args = dict(args)
    args.setdefault("cluster_id", CLUSTER_ID)

    _rc, result = run_module(main, read_only(sim, **args))

    assert problems(result, return_doc(main)) == [], result
    for job in result.get("jobs", []):
        assert job["last_submission"] is None or problems(job["last_submission"], return_doc(module_main("cdm_job_run"))["submission"]["contains"]) == []
