"""Temporary credentials are renewed before they expire, during a wait longer than their life.

The simulator issues agency and metadata keys (``settings.temporary_ttl_seconds``) and IAM tokens
(``settings.token_ttl_seconds``) that live 2 s here, and refuses a call signed with an expired
one (401). The deployment or the cluster start takes about 6 s: without renewal the wait would
fail with that 401. With it: success, one deployment (one POST), and new credentials on the way.
"""

import copy

from faultkit import PROJECT_ID, STOPPED_CLUSTER_ID, assert_clean_failure, calls, cluster_stop_main, run_module, summary

LIFETIME = 2
TRANSITION = 6
AGENCY = dict(agency_name="sim-agency", agency_domain_name="sim-target-domain")
# An agency's keys act in the agency's account: its project, and its stopped cluster, in the default seed.
AGENCY_PROJECT_ID = "7b2e4c9d1f3a4e5b8c6d0a1b2c3d4e5f"
AGENCY_STOPPED_CLUSTER_ID = "e3c1a9b7-2d4f-4e6a-8b0c-9d1e2f3a4b5c"
TEMPLATE = '''
variable "vpc_name" {}
resource "huaweicloud_vpc" "vpc" {
  name = var.vpc_name
  cidr = "10.0.0.0/16"
}
output "vpc_id" { value = huaweicloud_vpc.vpc.id }
'''
STACKS_PATH = r"^/v1/[^/]+/stacks$"
ACTION_PATH = r"^/v1\.1/[^/]+/clusters/[^/]+/action$"
SECURITY_TOKENS_PATH = r"^/v3\.0/OS-CREDENTIAL/securitytokens$"


def short_lived(sim_factory, hw, **settings):
    seed = copy.deepcopy(hw.default_seed())
    seed["settings"].update(settings)
    return sim_factory(seed=seed, transition_seconds=TRANSITION)


def rfs_stack_main():
    from ansible_collections.hwcloud.cloud.plugins.modules import rfs_stack  # pylint: disable=import-outside-toplevel
    return rfs_stack.main


def cluster_start_main():
    from ansible_collections.hwcloud.cloud.plugins.modules import cluster_start  # pylint: disable=import-outside-toplevel
    return cluster_start.main


def base(sim, **extra):
    args = dict(endpoint=sim.url, identity_endpoint=sim.url, project_id=PROJECT_ID, poll_interval=0.5, wait_timeout=60)
    args.update(extra)
    return args


def unauthorized(sim):
    return [entry for entry in calls(sim) if entry["status"] == 401]


def test_a_deployment_longer_than_the_agency_keys_ends_well_with_one_deployment(sim_factory, hw):
    sim = short_lived(sim_factory, hw, temporary_ttl_seconds=LIFETIME)
    # No project_id: the agency account's project is found from the region, with the agency's keys.
    args = base(sim, access_key=hw.ACCESS_KEY, secret_key=hw.SECRET_KEY, stack_name="long-deploy", template_body=TEMPLATE,
                vars={"vpc_name": "v"}, region="ap-southeast-1", **AGENCY)
    del args["project_id"]
    rc, result = run_module(rfs_stack_main(), args)
    assert rc == 0, result
    assert result["project_id"] == AGENCY_PROJECT_ID
    assert result["changed"] is True and result["stack"]["status"] == "DEPLOYMENT_COMPLETE", result
    assert len(calls(sim, "POST", STACKS_PATH)) == 1, summary(calls(sim, "POST"))
    assert len(calls(sim, "POST", SECURITY_TOKENS_PATH)) >= 3, summary(calls(sim, "POST"))
    assert unauthorized(sim) == [], summary(unauthorized(sim))
    assert result["credentials_source"] == "agency:sim-target-domain/sim-agency via access_key"


def test_a_start_longer_than_the_instance_keys_ends_well_with_one_post(sim_factory, hw):
    sim = short_lived(sim_factory, hw, temporary_ttl_seconds=LIFETIME)
    args = base(sim, cluster_id=STOPPED_CLUSTER_ID)
    del args["identity_endpoint"]
    rc, result = run_module(cluster_start_main(), args, env={"HW_METADATA_ENDPOINT": sim.url})
    assert rc == 0, result
    assert result["changed"] is True and result["cluster"]["status"] == "200", result
    assert len(calls(sim, "POST", ACTION_PATH)) == 1
    assert len(calls(sim, "GET", r"^/openstack/latest/securitykey$")) >= 3
    assert unauthorized(sim) == [], summary(unauthorized(sim))


def test_a_start_longer_than_the_password_token_ends_well_with_one_post(sim_factory, hw):
    sim = short_lived(sim_factory, hw, token_ttl_seconds=LIFETIME)
    rc, result = run_module(cluster_start_main(), base(sim, cluster_id=STOPPED_CLUSTER_ID, user_name=hw.USER_NAME,
                                                       password=hw.PASSWORD, domain_name=hw.DOMAIN_NAME))
    assert rc == 0, result
    assert result["changed"] is True and result["cluster"]["status"] == "200", result
    assert len(calls(sim, "POST", ACTION_PATH)) == 1
    assert len(calls(sim, "POST", r"^/v3/auth/tokens$")) >= 3
    assert unauthorized(sim) == [], summary(unauthorized(sim))


def test_an_agency_on_instance_keys_renews_both(sim_factory, hw):
    sim = short_lived(sim_factory, hw, temporary_ttl_seconds=LIFETIME)
    rc, result = run_module(cluster_start_main(), base(sim, project_id=AGENCY_PROJECT_ID, cluster_id=AGENCY_STOPPED_CLUSTER_ID, **AGENCY),
                            env={"HW_METADATA_ENDPOINT": sim.url})
    assert rc == 0, result
    assert result["changed"] is True and result["cluster"]["status"] == "200", result
    assert len(calls(sim, "POST", ACTION_PATH)) == 1
    assert len(calls(sim, "POST", SECURITY_TOKENS_PATH)) >= 3
    assert unauthorized(sim) == [], summary(unauthorized(sim))


def test_keys_that_arrive_expired_are_not_renewed_in_a_loop(sim_factory, hw):
    # temporary_ttl_seconds 0: every key is dead on arrival; renewing cannot help, the service's 401 is the answer.
    sim = short_lived(sim_factory, hw, temporary_ttl_seconds=0)
    rc, result = run_module(cluster_stop_main(), base(sim, project_id=AGENCY_PROJECT_ID, cluster_id=AGENCY_STOPPED_CLUSTER_ID,
                                                      access_key=hw.ACCESS_KEY, secret_key=hw.SECRET_KEY, max_retries=0, **AGENCY))
    assert rc == 1
    assert_clean_failure(result)
    assert "HTTP 401" in result["msg"] and "expired" in result["msg"], result["msg"]
    assert len(calls(sim, "POST", SECURITY_TOKENS_PATH)) == 1
