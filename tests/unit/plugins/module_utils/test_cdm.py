# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""cdm.py: URIs, status codes, the lookup by name, the waiters and the power path of stop, start and restart."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.cloud.plugins.module_utils import cdm
from ansible_collections.hwcloud.cloud.plugins.module_utils.client import HwCloudClient, TokenAuth
from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import HwCloudError, OutcomeUnknownError, WaitTimeoutError
from ansible_collections.hwcloud.cloud.plugins.module_utils.module import HwCloudModule
from ansible_collections.hwcloud.cloud.plugins.module_utils.waiter import Deadline

PROJECT_ID = '0605767a2c80d5a62f5cc0123456789a'
# A power action shaped like cluster_stop's, and one that acts on its own target, like cluster_restart's.
STOP = cdm.PowerAction('stop', 'stopped', 'Stopping', cdm.STOPPED, act=['200', '300'], already=['900', '910'],
                       settle=['100', '500', '920'], refused={'303': '', '800': ''}, took_effect=['900', '910'], resend=True)
RESTART = cdm.PowerAction('restart', 'restarted', 'Restarting', cdm.NORMAL, act=['200', '300'], settle=['100', '500', '920'],
                          refused={'900': 'Start it.', '910': 'Start it.', '303': '', '800': ''}, took_effect=['500'])
DEMO_ID = 'bae65496-643e-47ca-84af-948672de7eeb'


class FakeClient:
    """Answers ``request`` from a list of canned answers and records the calls."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = []

    def request(self, method, url, body=None, action=None):
        self.calls.append((method, url, body, action))
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


class FakeTime:
    def __init__(self):
        self.now = 0.0

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def cluster(status, **extra):
    result = {'id': DEMO_ID, 'name': 'cdm-demo', 'status': status}
    result.update(extra)
    return result


def run(waiter, timeout=100, interval=1):
    fake = FakeTime()
    return waiter.wait(Deadline(timeout, clock=fake.clock), interval, sleep=fake.sleep, details={'job_ids': ['j']})


def test_urls_are_built_and_quoted():
    service = cdm.CdmService(FakeClient({}), 'https://cdm.example.com/', 'p/1')

    assert service.clusters_url == 'https://cdm.example.com/v1.1/p%2F1/clusters'
    assert service.cluster_url('a b/c') == 'https://cdm.example.com/v1.1/p%2F1/clusters/a%20b%2Fc'


@pytest.mark.parametrize('value, expected', [({'status': '200'}, '200'), ({'status': 900}, '900'), ({}, None), (None, None)])
def test_cluster_status_is_always_a_string(value, expected):
    assert cdm.cluster_status(value) == expected


def test_describe_status():
    assert cdm.describe_status('910') == '910 (stopping)'
    assert cdm.describe_status('42') == '42 (unknown status)'


def test_every_documented_code_has_a_name():
    assert sorted(cdm.STATUS_NAMES) == ['100', '200', '300', '303', '500', '800', '900', '910', '920']
    assert cdm.BROKEN == frozenset(['303', '800'])


def test_cluster_result_is_snake_case_with_the_status_as_a_string():
    result = cdm.cluster_result({'id': 'c', 'status': 900, 'statusDetail': 'Stopped', 'isFrozen': '0',
                                 'actionProgress': {}, 'task': {'id': 't'}})

    assert result == {'id': 'c', 'status': '900', 'status_detail': 'Stopped', 'is_frozen': '0',
                      'action_progress': {}, 'task': {'id': 't'}}
    assert cdm.cluster_result(None) is None


def test_cluster_action_posts_the_body_and_returns_a_list_of_job_ids():
    client = FakeClient({'jobId': ['j1', 'j2']})
    service = cdm.CdmService(client, 'https://cdm.example.com', PROJECT_ID)

    assert service.cluster_action(DEMO_ID, 'stop', {'stopMode': 'IMMEDIATELY'}, 'Stopping') == ['j1', 'j2']
    assert client.calls == [('POST', 'https://cdm.example.com/v1.1/%s/clusters/%s/action' % (PROJECT_ID, DEMO_ID),
                             {'stop': {'stopMode': 'IMMEDIATELY'}}, 'Stopping CDM cluster %s' % DEMO_ID)]


# restart answers jobId as a string, start and stop as a list: always a list here.
@pytest.mark.parametrize('answer, job_ids', [({'jobId': 'j1'}, ['j1']), ({}, []), ({'jobId': None}, []), ([], [])])
def test_cluster_action_tolerates_odd_answers(answer, job_ids):
    service = cdm.CdmService(FakeClient(answer), 'https://cdm.example.com', PROJECT_ID)

    assert service.cluster_action(DEMO_ID, 'restart', {}, 'Restarting') == job_ids


def test_find_by_name_returns_the_one_match():
    client = FakeClient({'clusters': [cluster('200'), cluster('900', id='other', name='cdm-other')]})
    service = cdm.CdmService(client, 'https://cdm.example.com', PROJECT_ID)

    assert service.find_cluster_by_name('cdm-other')['id'] == 'other'
    assert client.calls[0][:2] == ('GET', 'https://cdm.example.com/v1.1/%s/clusters' % PROJECT_ID)


@pytest.mark.parametrize('listing', [{'clusters': []}, {}, {'clusters': None}, []])
def test_find_by_name_without_a_match_fails(listing):
    service = cdm.CdmService(FakeClient(listing), 'https://cdm.example.com', PROJECT_ID)

    with pytest.raises(HwCloudError) as caught:
        service.find_cluster_by_name('cdm-demo')

    assert caught.value.message == "No CDM cluster named 'cdm-demo' in project %s; 0 cluster(s) listed." % PROJECT_ID


def test_find_by_name_with_two_matches_fails_naming_both():
    service = cdm.CdmService(FakeClient({'clusters': [cluster('200', id='a1'), cluster('900', id='b2')]}),
                             'https://cdm.example.com', PROJECT_ID)

    with pytest.raises(HwCloudError) as caught:
        service.find_cluster_by_name('cdm-demo')

    assert caught.value.message == "2 CDM clusters are named 'cdm-demo' (ids a1, b2); use cluster_id to choose one."
    assert caught.value.details == {'cluster_name': 'cdm-demo', 'cluster_ids': ['a1', 'b2']}


# ------------------------------------------------------------------ waiters

def test_settled_waiter_waits_out_the_transition():
    client = FakeClient(cluster('100'), cluster('100'), cluster('200'))
    service = cdm.CdmService(client, 'https://cdm.example.com', PROJECT_ID)

    assert run(service.settled_waiter(DEMO_ID, STOP.settle))['status'] == '200'
    assert len(client.calls) == 3


def test_settled_waiter_timeout_reports_the_cluster():
    service = cdm.CdmService(FakeClient(cluster('920')), 'https://cdm.example.com', PROJECT_ID)

    with pytest.raises(WaitTimeoutError) as caught:
        run(service.settled_waiter(DEMO_ID, STOP.settle), timeout=3)

    assert caught.value.message == ('Timed out after 3s waiting for CDM cluster %s to leave its transition state; '
                                    'last seen: status 920 (starting) (3 polls)' % DEMO_ID)
    assert caught.value.details == {'job_ids': ['j'], 'cluster': {'id': DEMO_ID, 'name': 'cdm-demo', 'status': '920'}}


@pytest.mark.parametrize('before', ['200', '300', '910'])
def test_stop_waiter_ends_at_900(before):
    client = FakeClient(cluster('910'), cluster('910'), cluster('900'))
    service = cdm.CdmService(client, 'https://cdm.example.com', PROJECT_ID)

    assert run(service.power_waiter(STOP, DEMO_ID, cluster(before)))['status'] == '900'


@pytest.mark.parametrize('status', ['303', '800'])
def test_stop_waiter_fails_on_an_unstoppable_status(status):
    service = cdm.CdmService(FakeClient(cluster('910'), cluster(status)), 'https://cdm.example.com', PROJECT_ID)

    with pytest.raises(HwCloudError) as caught:
        run(service.power_waiter(STOP, DEMO_ID, cluster('200')))

    assert caught.value.message == 'CDM cluster %s to stop (status 900) failed: the cluster went to status %s' % (
        DEMO_ID, cdm.describe_status(status))


def test_stop_waiter_fails_when_a_running_cluster_goes_to_300_with_the_reasons():
    reasons = {'STOP_FAILED': {'errorCode': 'Cdm.0930', 'errorMsg': 'disk busy'}}
    service = cdm.CdmService(FakeClient(cluster('910'), cluster('300', failedReasons=reasons)),
                             'https://cdm.example.com', PROJECT_ID)

    with pytest.raises(HwCloudError) as caught:
        run(service.power_waiter(STOP, DEMO_ID, cluster('200')))

    assert caught.value.message == ("CDM cluster %s to stop (status 900) failed: the cluster went to status 300 (failed); "
                                    "failed reasons: {'STOP_FAILED': {'errorCode': 'Cdm.0930', 'errorMsg': 'disk busy'}}" % DEMO_ID)
    assert caught.value.details['job_ids'] == ['j']
    assert caught.value.details['cluster']['failed_reasons'] == {'stop_failed': {'error_code': 'Cdm.0930', 'error_msg': 'disk busy'}}


def test_stop_waiter_from_300_tolerates_300_before_the_stop_shows():
    client = FakeClient(cluster('300'), cluster('910'), cluster('900'))
    service = cdm.CdmService(client, 'https://cdm.example.com', PROJECT_ID)

    assert run(service.power_waiter(STOP, DEMO_ID, cluster('300')))['status'] == '900'
    assert len(client.calls) == 3


def test_stop_waiter_from_300_fails_on_300_after_910():
    client = FakeClient(cluster('910'), cluster('300'))
    service = cdm.CdmService(client, 'https://cdm.example.com', PROJECT_ID)

    with pytest.raises(HwCloudError) as caught:
        run(service.power_waiter(STOP, DEMO_ID, cluster('300')))

    assert 'the cluster went to status 300 (failed)' in caught.value.message
    assert len(client.calls) == 2


def test_service_against_the_simulator(sim):
    client = HwCloudClient(TokenAuth(sim.token), sleep=lambda seconds: None)
    service = cdm.CdmService(client, sim.url, PROJECT_ID)

    assert service.get_cluster(DEMO_ID)['status'] == '200'
    assert service.find_cluster_by_name('cdm-stopped')['status'] == '900'
    assert len(service.cluster_action(DEMO_ID, 'stop', {'stopMode': 'GRACEFULLY', 'delayTime': -1}, 'Stopping')) == 1
    assert service.power_waiter(STOP, DEMO_ID, cluster('200')).wait(Deadline(10), 0.05)['status'] == '900'
    assert sim.requests('POST')[0]['body'] == {'stop': {'stopMode': 'GRACEFULLY', 'delayTime': -1}}


def test_restart_waiter_does_not_end_on_the_200_read_before_the_restart_shows():
    client = FakeClient(cluster('200'), cluster('200'), cluster('500'), cluster('200'))
    service = cdm.CdmService(client, 'https://cdm.example.com', PROJECT_ID)

    assert run(service.power_waiter(RESTART, DEMO_ID, cluster('200')))['status'] == '200'
    assert len(client.calls) == 4


def test_restart_waiter_proven_by_a_re_read_ends_on_the_first_200():
    client = FakeClient(cluster('200'))
    service = cdm.CdmService(client, 'https://cdm.example.com', PROJECT_ID)

    assert run(service.power_waiter(RESTART, DEMO_ID, cluster('200'), proven=True))['status'] == '200'
    assert len(client.calls) == 1


def test_restart_waiter_takes_a_new_updated_time_after_the_delay_as_proof():
    # A restart quicker than a poll: the cluster never reads 500, but its updated time moves on.
    fake = FakeTime()
    before = cluster('200', updated='2026-01-01T10:00:00')
    client = FakeClient(cluster('200', updated='2026-01-01T10:00:00'), cluster('200', updated='2026-01-01T10:00:30'))
    service = cdm.CdmService(client, 'https://cdm.example.com', PROJECT_ID)

    waiter = service.power_waiter(RESTART, DEMO_ID, before, delay=0, clock=fake.clock)

    assert waiter.wait(Deadline(100, clock=fake.clock), 1, sleep=fake.sleep)['updated'] == '2026-01-01T10:00:30'
    assert len(client.calls) == 2


def test_restart_waiter_does_not_take_a_new_updated_time_during_the_delay():
    fake = FakeTime()
    before = cluster('200', updated='2026-01-01T10:00:00')
    client = FakeClient(cluster('200', updated='2026-01-01T10:00:30'))
    service = cdm.CdmService(client, 'https://cdm.example.com', PROJECT_ID)

    waiter = service.power_waiter(RESTART, DEMO_ID, before, delay=10, clock=fake.clock)

    waiter.wait(Deadline(100, clock=fake.clock), 1, sleep=fake.sleep)
    # Polls at 1, 2, ... 10 s: only the one at 10 s is past the delay.
    assert len(client.calls) == 10


def test_restart_waiter_from_300_fails_only_once_the_restart_showed():
    reasons = {'RESTART_FAILED': {'errorCode': 'Cdm.0920', 'errorMsg': 'no VM'}}
    client = FakeClient(cluster('300'), cluster('500'), cluster('300', failedReasons=reasons))
    service = cdm.CdmService(client, 'https://cdm.example.com', PROJECT_ID)

    with pytest.raises(HwCloudError) as caught:
        run(service.power_waiter(RESTART, DEMO_ID, cluster('300')))

    assert caught.value.message == ("CDM cluster %s to restart (status 200) failed: the cluster went to status 300 (failed); "
                                    "failed reasons: {'RESTART_FAILED': {'errorCode': 'Cdm.0920', 'errorMsg': 'no VM'}}" % DEMO_ID)
    assert len(client.calls) == 3


# ------------------------------------------------------------------ the power path

class FakeAnsibleModule:
    def __init__(self, check_mode, diff):
        self.check_mode = check_mode
        self._diff = diff


class FakeModule:
    """What run_power_action uses of an HwCloudModule (the real methods), with the waits run on a fake clock."""

    endpoint = 'https://cdm.example.com'
    project_id = PROJECT_ID
    read_only = False
    sent = False
    cdm_service = cdm.CdmClusterModule.cdm_service
    read_cluster = cdm.CdmClusterModule.read_cluster
    settle_or_fail = HwCloudModule.settle_or_fail
    send_once = HwCloudModule.send_once

    def __init__(self, client, check_mode=False, diff=False, **params):
        self.client = client
        self.module = FakeAnsibleModule(check_mode, diff)
        self.check_mode = check_mode
        self.params = dict(cluster_id=DEMO_ID, cluster_name=None, wait=True)
        self.params.update(params)
        self.waits = []

    def wait_for(self, waiter, **details):
        self.waits.append((waiter.name, details))
        return run(waiter)


class LosingClient(FakeClient):
    """A FakeClient whose POSTs raise ``lost`` (an answer that never came back); it sleeps on no clock."""

    max_retries = 5

    def __init__(self, lost, *answers):
        super().__init__(*answers)
        self.lost = lost
        self.logged = []

    def request(self, method, url, body=None, action=None):
        if method == 'POST':
            self.calls.append((method, url, body, action))
            raise self.lost
        return super().request(method, url, body, action)

    def sleep(self, seconds):
        pass

    def log(self, message):
        self.logged.append(message)


def methods(client):
    return [call[0] for call in client.calls]


def test_power_path_acts_once_and_waits_for_the_target():
    client = FakeClient(cluster('200'), {'jobId': ['j1']}, cluster('910'), cluster('900'))

    result = cdm.run_power_action(FakeModule(client), STOP, {'stopMode': 'IMMEDIATELY'})

    assert result == {'changed': True, 'job_ids': ['j1'], 'cluster': cluster('900')}
    assert methods(client) == ['GET', 'POST', 'GET', 'GET']
    assert client.calls[1][2] == {'stop': {'stopMode': 'IMMEDIATELY'}}


def test_power_path_in_check_mode_reads_only_and_runs_the_preview():
    client = FakeClient(cluster('200'))
    seen = []

    def preview(service, cluster_id, found, result):
        seen.append((cluster_id, found['status'], dict(result)))
        result['running_jobs'] = []

    result = cdm.run_power_action(FakeModule(client, check_mode=True, diff=True), STOP, {}, preview=preview)

    assert result['changed'] is True and result['running_jobs'] == []
    assert result['diff'] == {'before': {'status': '200'}, 'after': {'status': '900'}}
    assert seen[0][:2] == (DEMO_ID, '200')
    assert methods(client) == ['GET']


def test_power_path_runs_no_preview_in_a_plain_run():
    client = FakeClient(cluster('900'))

    result = cdm.run_power_action(FakeModule(client), STOP, {}, preview=lambda *args: pytest.fail('preview in a plain run'))

    assert result == {'changed': False, 'job_ids': [], 'cluster': cluster('900')}


def test_power_path_diff_shows_the_request_when_the_status_cannot():
    client = FakeClient(cluster('200'))

    result = cdm.run_power_action(FakeModule(client, check_mode=True, diff=True), RESTART, {'restartMode': 'SOFTLY'})

    assert result['diff'] == {'before': {'status': '200'}, 'after': {'status': '200', 'restart': {'restart_mode': 'SOFTLY'}}}


def test_power_path_settles_first_on_the_same_budget_then_decides_again():
    client = FakeClient(cluster('920'), cluster('920'), cluster('900'))
    module = FakeModule(client)

    with pytest.raises(HwCloudError) as caught:
        cdm.run_power_action(module, RESTART, {})

    assert caught.value.message == 'CDM cluster %s cannot be restarted: status 900 (stopped). Start it.' % DEMO_ID
    assert [name for name, _details in module.waits] == ['CDM cluster %s to leave its transition state' % DEMO_ID]
    assert module.waits[0][1]['job_ids'] == []
    assert 'POST' not in methods(client)


def test_power_path_lost_answer_proven_by_a_re_read_is_not_resent():
    lost = OutcomeUnknownError('Restarting CDM cluster x: no answer')
    client = LosingClient(lost, cluster('200'), cluster('500'), cluster('200'))

    result = cdm.run_power_action(FakeModule(client), RESTART, {})

    assert result['changed'] is True and result['job_ids'] == []
    # proven by the re-read: the wait ends on the first 200.
    assert methods(client) == ['GET', 'POST', 'GET', 'GET']


def test_power_path_lost_answer_not_proven_fails_as_unknown_when_at_most_once():
    lost = OutcomeUnknownError('Restarting CDM cluster x: no answer')
    client = LosingClient(lost, cluster('200'))

    with pytest.raises(OutcomeUnknownError) as caught:
        cdm.run_power_action(FakeModule(client), RESTART, {})

    assert caught.value.message == ('Restarting CDM cluster x: no answer. A re-read shows status 200 (normal), which does not prove '
                                    'that it took effect, and it is never sent twice: the outcome is unknown. '
                                    'Read the cluster before running this task again.')
    assert caught.value.details == {'job_ids': [], 'cluster': cluster('200')}
    assert methods(client) == ['GET', 'POST', 'GET']


def test_power_path_resends_an_unproven_stop_as_before():
    lost = OutcomeUnknownError('Stopping CDM cluster x: no answer')
    client = LosingClient(lost, cluster('200'))
    client.max_retries = 1

    with pytest.raises(OutcomeUnknownError) as caught:
        cdm.run_power_action(FakeModule(client), STOP, {})

    assert caught.value.message == 'Stopping CDM cluster x: no answer'
    assert methods(client) == ['GET', 'POST', 'GET', 'POST', 'GET']


# ------------------------------------------------------------------ migration jobs

JOBS_URL = 'https://cdm.example.com/v1.1/%s/clusters/%s/cdm/job/all' % (PROJECT_ID, DEMO_ID)


def jobs_page(names, total, status='SUCCEEDED', job_type='NORMAL_JOB'):
    return {'total': total, 'page_no': 1, 'page_size': 100,
            'jobs': [{'name': name, 'status': status, 'job_type': job_type} for name in names]}


def job_queries(client):
    return [url[len(JOBS_URL):] for _method, url, _body, _action in client.calls]


def test_list_jobs_asks_every_job_type_once_when_pages_are_short():
    client = FakeClient(jobs_page(['n1', 'n2'], 2), jobs_page(['b1'], 1, job_type='BATCH_JOB'), jobs_page([], 0))
    service = cdm.CdmService(client, 'https://cdm.example.com', PROJECT_ID)

    jobs = service.list_jobs(DEMO_ID)

    assert [job['name'] for job in jobs] == ['n1', 'n2', 'b1']
    assert job_queries(client) == ['?page_no=1&page_size=100&jobType=NORMAL_JOB', '?page_no=1&page_size=100&jobType=BATCH_JOB',
                                   '?page_no=1&page_size=100&jobType=SCENARIO_JOB']
    assert [method for method, _url, body, _action in client.calls] == ['GET'] * 3
    assert all(body is None for _method, _url, body, _action in client.calls)
    assert client.calls[0][3] == 'Listing the NORMAL_JOB jobs of CDM cluster %s (page 1)' % DEMO_ID


def test_list_jobs_reads_every_page_until_a_short_one():
    full = ['n%03d' % i for i in range(100)]
    client = FakeClient(jobs_page(full, None), jobs_page(['last'], None), jobs_page([], None), jobs_page([], None))
    service = cdm.CdmService(client, 'https://cdm.example.com', PROJECT_ID)

    jobs = service.list_jobs(DEMO_ID)

    # Without a total, a full page means there may be more; the short one ends the listing.
    assert len(jobs) == 101 and jobs[-1]['name'] == 'last'
    assert job_queries(client)[:2] == ['?page_no=1&page_size=100&jobType=NORMAL_JOB', '?page_no=2&page_size=100&jobType=NORMAL_JOB']
    assert len(client.calls) == 4


def test_list_jobs_stops_at_the_total_without_asking_for_an_empty_page():
    full = ['n%03d' % i for i in range(100)]
    client = FakeClient(jobs_page(full, 200), jobs_page(full, 200), jobs_page([], 0), jobs_page([], 0))
    service = cdm.CdmService(client, 'https://cdm.example.com', PROJECT_ID)

    assert len(service.list_jobs(DEMO_ID)) == 200
    assert job_queries(client) == ['?page_no=1&page_size=100&jobType=NORMAL_JOB', '?page_no=2&page_size=100&jobType=NORMAL_JOB',
                                   '?page_no=1&page_size=100&jobType=BATCH_JOB', '?page_no=1&page_size=100&jobType=SCENARIO_JOB']


@pytest.mark.parametrize('answer', [{}, [], {'jobs': None, 'total': None}, {'total': 'x'}])
def test_list_jobs_tolerates_odd_answers(answer):
    client = FakeClient(answer)
    service = cdm.CdmService(client, 'https://cdm.example.com', PROJECT_ID)

    assert service.list_jobs(DEMO_ID) == []
    assert len(client.calls) == 3


def test_list_jobs_that_never_ends_fails(monkeypatch):
    monkeypatch.setattr(cdm, 'MAX_JOB_PAGES', 3)
    client = FakeClient(jobs_page(['n%03d' % i for i in range(100)], None))
    service = cdm.CdmService(client, 'https://cdm.example.com', PROJECT_ID)

    with pytest.raises(HwCloudError) as caught:
        service.list_jobs(DEMO_ID)

    assert caught.value.message == 'Listing the NORMAL_JOB jobs of CDM cluster %s did not end after 3 pages of 100.' % DEMO_ID
    assert len(client.calls) == 3


def test_job_result_snake_cases_every_key_and_keeps_values():
    job = {'name': 'mysql2hive', 'status': 'RUNNING', 'job_type': 'NORMAL_JOB', 'creation-date': 1685613600000,
           'from-config-values': {'configs': [{'inputs': [{'name': 'fromJobConfig.useSql', 'value': 'false'}]}]},
           'isIncrementing': False}

    assert cdm.job_result(job) == {
        'name': 'mysql2hive', 'status': 'RUNNING', 'job_type': 'NORMAL_JOB', 'creation_date': 1685613600000,
        'from_config_values': {'configs': [{'inputs': [{'name': 'fromJobConfig.useSql', 'value': 'false'}]}]},
        'is_incrementing': False}


def test_running_jobs_are_booting_or_running():
    assert cdm.RUNNING_JOB_STATUSES == frozenset(['BOOTING', 'RUNNING'])
    jobs = [{'name': name, 'status': status} for name, status in
            (('a', 'BOOTING'), ('b', 'RUNNING'), ('c', 'SUCCEEDED'), ('d', 'FAILED'), ('e', 'NEW'))]
    assert cdm.running_job_names(jobs + [None, 'x']) == ['a', 'b']


@pytest.mark.parametrize('status', ['900', '910', '920', '100', '500', '300', '303', '800'])
def test_jobs_of_a_cluster_that_cannot_answer_are_not_asked(status):
    client = FakeClient(jobs_page(['n1'], 1, status='RUNNING'))
    service = cdm.CdmService(client, 'https://cdm.example.com', PROJECT_ID)

    assert cdm.jobs_of(service, DEMO_ID, cluster(status)) == []
    assert cdm.cluster_jobs(service, cluster(status)) == []
    assert client.calls == []


@pytest.mark.parametrize('stop_mode, changed, warned', [
    ('IMMEDIATELY', True, True), ('GRACEFULLY', True, False), (None, True, False)])
def test_report_running_jobs(stop_mode, changed, warned):
    client = FakeClient(jobs_page(['n1', 'n2'], 2, status='RUNNING'), jobs_page(['b1'], 1, status='BOOTING'), jobs_page([], 0))
    service = cdm.CdmService(client, 'https://cdm.example.com', PROJECT_ID)
    result = {'changed': changed, 'diff': {'before': {'status': '200'}, 'after': {'status': '900'}}}
    warnings = []

    running = cdm.report_running_jobs(service, DEMO_ID, cluster('200'), result, stop_mode, warn=warnings.append)

    assert running == result['running_jobs'] == ['n1', 'n2', 'b1']
    assert result['diff'] == {'before': {'status': '200', 'running_jobs': ['n1', 'n2', 'b1']},
                              'after': {'status': '900', 'running_jobs': []}}
    assert warnings == (['Stopping CDM cluster %s with stop_mode IMMEDIATELY would cut off 3 running job(s): n1, n2, b1.' % DEMO_ID]
                        if warned else [])


def test_read_clusters_by_name_returns_every_match():
    client = FakeClient({'clusters': [cluster('200'), cluster('900', id='b2'), cluster('200', id='c3', name='other'), 'junk']})
    service = cdm.CdmService(client, 'https://cdm.example.com', PROJECT_ID)

    assert [c['id'] for c in cdm.read_clusters(service, cluster_name='cdm-demo')] == [DEMO_ID, 'b2']
    assert [c['id'] for c in cdm.read_clusters(service)] == [DEMO_ID, 'b2', 'c3']
    assert cdm.read_clusters(service, cluster_name='none') == []


@pytest.mark.parametrize('code, absent', [('Cdm.0001', True), (None, True), ('APIGW.0101', False)])
def test_read_clusters_by_id_treats_a_service_404_as_absent(code, absent):
    service = cdm.CdmService(FakeClient(HwCloudError('gone', status=404, code=code)), 'https://cdm.example.com', PROJECT_ID)

    if absent:
        assert cdm.read_clusters(service, cluster_id=DEMO_ID) == []
    else:
        with pytest.raises(HwCloudError):
            cdm.read_clusters(service, cluster_id=DEMO_ID)


def test_list_jobs_against_the_simulator_reads_every_page(sim):
    sim.upsert_cluster(id=DEMO_ID, jobs=[{'name': 'n%03d' % i, 'status': 'RUNNING' if i % 50 == 0 else 'NEW'} for i in range(230)]
                       + [{'name': 's1', 'job_type': 'SCENARIO_JOB', 'status': 'BOOTING'}])
    client = HwCloudClient(TokenAuth(sim.token), sleep=lambda seconds: None)
    service = cdm.CdmService(client, sim.url, PROJECT_ID)

    jobs = service.list_jobs(DEMO_ID)

    assert len(jobs) == 231
    assert cdm.running_job_names(jobs) == ['n000', 'n050', 'n100', 'n150', 'n200', 's1']
    assert [(entry['query']['jobType'], entry['query']['page_no']) for entry in sim.requests('GET')] == [
        ('NORMAL_JOB', '1'), ('NORMAL_JOB', '2'), ('NORMAL_JOB', '3'), ('BATCH_JOB', '1'), ('SCENARIO_JOB', '1')]
    assert {entry['query']['page_size'] for entry in sim.requests('GET')} == {'100'}


def test_list_jobs_follows_the_total_past_a_page_shorter_than_asked():
    # A service that serves at most 50 per page: the total, not the page length, says when the listing ends.
    client = FakeClient(jobs_page(['a%02d' % i for i in range(50)], 120), jobs_page(['b%02d' % i for i in range(50)], 120),
                        jobs_page(['c%02d' % i for i in range(20)], 120), jobs_page([], 0), jobs_page([], 0))
    service = cdm.CdmService(client, 'https://cdm.example.com', PROJECT_ID)

    assert len(service.list_jobs(DEMO_ID)) == 120
    assert job_queries(client)[:3] == ['?page_no=1&page_size=100&jobType=NORMAL_JOB', '?page_no=2&page_size=100&jobType=NORMAL_JOB',
                                       '?page_no=3&page_size=100&jobType=NORMAL_JOB']
