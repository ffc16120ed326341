# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""hwcloud.cloud.cdm_link in-process against the in-process simulator; what went on the wire from its request log."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.hwcloud.cloud.plugins.modules import cdm_link

DEMO_ID = 'bae65496-643e-47ca-84af-948672de7eeb'
STOPPED_ID = '5c9e2a41-7d3b-4f0e-9a6c-1b2d3e4f5a6b'
SECRET = 'Pa55-w0rd/with space'
CONFIG = {'host': '10.0.0.5', 'port': 3306, 'database': 'sales db', 'path': '/data/in'}


@pytest.fixture(name='link')
def link_fixture(sim, run_module):
    def link(check_mode=False, diff=False, **options):
        args = dict(cluster_id=DEMO_ID, name='mysql', connector='generic-jdbc-connector', config=CONFIG,
                    secrets={'password': SECRET})
        args.update(options)
        return run_module(cdm_link.main, sim.connection_args(**args), check_mode=check_mode, diff=diff)
    return link


def changes(sim):
    return [(entry['method'], entry['path'].split('/cdm')[-1], entry['body']) for entry in sim.requests()
            if entry['method'] != 'GET']


def test_create_sends_the_link_with_strings_and_the_secret(sim, link):
    result = link()

    assert result.rc == 0, result
    assert result['changed'] is True
    assert changes(sim) == [('POST', '/link', {'links': [{
        'name': 'mysql', 'connector-name': 'generic-jdbc-connector', 'enabled': True,
        'link-config-values': {'configs': [{'name': 'linkConfig', 'inputs': [
            {'name': 'linkConfig.host', 'value': '10.0.0.5'},
            {'name': 'linkConfig.port', 'value': '3306'},
            {'name': 'linkConfig.database', 'value': 'sales db'},
            {'name': 'linkConfig.path', 'value': '/data/in'},
            {'name': 'linkConfig.password', 'value': SECRET},
        ]}]}}]})]
    assert result['link'] == {'name': 'mysql', 'connector': 'generic-jdbc-connector', 'enabled': True,
                              'config': {'host': '10.0.0.5', 'port': '3306', 'database': 'sales db', 'path': '/data/in'}}
    assert SECRET not in json.dumps(result)


def test_second_run_compares_the_decoded_answer_and_sends_nothing(sim, link):
    assert link()['changed'] is True
    sim.clear_requests()

    second = link()

    assert second.rc == 0, second
    assert second['changed'] is False
    assert second['changed_keys'] == []
    assert changes(sim) == []
    assert [entry['method'] for entry in sim.requests()] == ['GET', 'GET']


def test_a_changed_key_puts_the_whole_link_without_the_secret(sim, link):
    link(config=dict(CONFIG, extra='kept'))
    sim.clear_requests()

    result = link(config={'port': 3307})

    assert result.rc == 0, result
    assert result['changed'] is True
    assert result['changed_keys'] == ['linkConfig.port']
    (method, path, body), = changes(sim)
    assert (method, path) == ('PUT', '/link/mysql')
    inputs = dict((item['name'], item['value']) for item in body['links'][0]['link-config-values']['configs'][0]['inputs'])
    # Decoded before it is sent back: the service encodes what it stores.
    assert inputs == {'linkConfig.host': '10.0.0.5', 'linkConfig.port': '3307', 'linkConfig.database': 'sales db',
                      'linkConfig.path': '/data/in', 'linkConfig.extra': 'kept'}
    assert result['link']['config']['port'] == '3307'


def test_update_secrets_always_sends_them_every_run(sim, link):
    link()
    sim.clear_requests()

    result = link(update_secrets='always', diff=True)

    assert result['changed'] is True
    assert result['changed_keys'] == ['secrets']
    (method, _path, body), = changes(sim)
    assert method == 'PUT'
    assert {'name': 'linkConfig.password', 'value': SECRET} in body['links'][0]['link-config-values']['configs'][0]['inputs']
    assert SECRET not in json.dumps(result)


def test_check_mode_sends_nothing(sim, link):
    result = link(check_mode=True, diff=True)

    assert result.rc == 0, result
    assert result['changed'] is True
    assert result['diff']['before'] == {}
    assert result['diff']['after']['config']['path'] == '/data/in'
    assert SECRET not in json.dumps(result)
    assert changes(sim) == []


def test_absent_deletes_once(sim, link):
    link()
    sim.clear_requests()

    gone = link(state='absent')
    again = link(state='absent')

    assert (gone['changed'], again['changed']) == (True, False)
    assert changes(sim) == [('DELETE', '/link/mysql', None)]


def test_validate_asks_the_service_to_test_the_connection(sim, link):
    result = link(validate=True)

    assert result.rc == 0, result
    assert [entry['query'] for entry in sim.requests('POST')] == [{'validate': 'true'}]


def test_create_without_connector_fails_before_any_change(sim, link):
    result = link(connector=None)

    assert result.rc == 1
    assert result['msg'] == 'CDM link mysql does not exist, and creating it needs connector.'
    assert result['changed'] is False
    assert changes(sim) == []


def test_a_stopped_cluster_fails_naming_cluster_start_before_any_link_call(sim, link):
    result = link(cluster_id=STOPPED_ID)

    assert result.rc == 1
    assert 'hwcloud.cloud.cluster_start' in result['msg']
    assert '900 (stopped)' in result['msg']
    assert [entry['path'].endswith(STOPPED_ID) for entry in sim.requests()] == [True]


@pytest.mark.parametrize('options, option', [
    (dict(name='x' * 241), 'name'),
    (dict(config={'host': {'a': 1}}), 'config.host'),
    (dict(config={'password': 'p'}), 'secrets'),
])
def test_bad_input_fails_before_any_call(sim, link, options, option):
    result = link(**options)

    assert result.rc == 1
    assert result['invalid_option'] == option
    assert SECRET not in json.dumps(result)
    assert sim.requests() == []


def test_an_unreachable_host_fails_validation_with_the_services_message(sim, link):
    sim.upsert_cluster(id=DEMO_ID, unreachable_hosts=['10.0.0.5'])

    result = link(validate=True)

    assert result.rc == 1
    assert result['changed'] is True
    assert result['msg'].startswith('CDM refused link mysql: Failed to connect to 10.0.0.5')
    assert SECRET not in json.dumps(result)
