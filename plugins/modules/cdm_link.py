#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: cdm_link
short_description: Create, change or delete a Cloud Data Migration (CDM) link
version_added: 0.3.0
description:
  - A link is a named connection of a CDM cluster to a data source (a database, OBS, HDFS, ...) that migration jobs read
    from or write to. This module keeps one link as declared
    (C(POST), C(PUT) or C(DELETE) on C(/v1.1/{project_id}/clusters/{cluster_id}/cdm/link)).
  - Idempotent on O(connector) and O(config), compared after decoding the values the service answers in form encoding
    (C(%2F) is C(/), C(+) is a space). Keys the task does not give are left as they are. A different O(connector)
    updates the link with only the given O(config) and O(secrets).
  - O(secrets) cannot be compared (the service does not give them back); see O(update_secrets). They never appear in the
    result, the diff or any message.
  - C(validation-result) entries with status C(ERROR) fail the task with their messages.
  - The cluster must be running (status C(200)); any other status fails the task before any link call, naming
    M(hwcloud.cloud.cluster_start).
author:
  - hwcloud.cloud maintainers (@hwcloud-ansible)
options:
  name:
    description: Name of the link, 1 to 240 characters.
    type: str
    required: true
  state:
    description: Whether the link should exist.
    type: str
    choices: [present, absent]
    default: present
  connector:
    description: The link's C(connector-name), for example C(generic-jdbc-connector) or C(obs-connector). Required to create it.
    type: str
  config:
    description:
      - 'Settings the service gives back, for example C({host: 10.0.0.5, port: 3306}), sent as the inputs C(linkConfig.<key>).'
      - Every value is sent as a string, booleans as C(true) or C(false).
    type: dict
  secrets:
    description:
      - Inputs the service does not give back (C(password), C(sk), ...), sent as C(linkConfig.<key>).
      - Never shown in the result, the diff or a message.
    type: dict
  update_secrets:
    description:
      - C(on_create) sends O(secrets) only when the link is created (or its connector changes); a later change of a secret
        needs C(always) once.
      - C(always) sends them on every run, which then reports C(changed=true).
    type: str
    choices: [on_create, always]
    default: on_create
  validate:
    description: Ask the service to test the connection when the link is created or changed (C(?validate=true)).
    type: bool
    default: false
extends_documentation_fragment:
  - hwcloud.cloud.cdm_cluster
  - hwcloud.cloud.hwcloud
  - hwcloud.cloud.hwcloud.wait
notes:
  - A link is ready as soon as the service answers; O(wait), O(wait_timeout) and O(poll_interval) have nothing to wait for.
attributes:
  check_mode:
    support: full
    description: Nothing is sent; C(changed) says whether the link would be created, changed or deleted.
  diff_mode:
    support: full
    description: Shows the connector and config before and after, never the secrets.
seealso:
  - module: hwcloud.cloud.cdm_job
'''

EXAMPLES = r'''
- name: A MySQL link, its password from the vault
  hwcloud.cloud.cdm_link:
    cluster_name: cdm-prod
    name: mysql
    connector: generic-jdbc-connector
    config:
      databaseType: MYSQL
      host: 10.0.0.5
      port: 3306
      database: sales
      username: cdm
    secrets:
      password: "{{ vault_mysql_password }}"
    validate: true

- name: Rotate the password (sent on every run while update_secrets is always)
  hwcloud.cloud.cdm_link:
    cluster_name: cdm-prod
    name: mysql
    secrets:
      password: "{{ vault_mysql_password_new }}"
    update_secrets: always
'''

RETURN = r'''
link:
  description: The link as it now is (in check mode, as it would be; after O(state=absent), as it was, or null), without secrets.
  type: dict
  returned: always
  contains:
    name:
      description: The link's name.
      type: str
      sample: mysql
    connector:
      description: The link's connector.
      type: str
      sample: generic-jdbc-connector
    enabled:
      description: Whether the link is enabled.
      type: bool
      sample: true
    config:
      description: The C(linkConfig) inputs the service gives back, keys without the group prefix, values decoded; no secrets.
      type: dict
      sample: {host: 10.0.0.5, port: '3306', databaseType: MYSQL}
changed_keys:
  description: What differs from the link as found (C(connector), C(linkConfig.port), C(secrets)); empty when nothing does.
  type: list
  elements: str
  returned: always
  sample: [linkConfig.port]
cluster:
  description:
    - The cluster as read, when it is not running (status C(200)) and the task therefore fails; keys in snake_case.
    - The service may return more keys than those listed here; they are passed on, snake_cased.
  returned: on failure, when the cluster is not in status 200
  type: dict
  contains:
    id:
      description: Cluster ID.
      type: str
      returned: always
      sample: bae65496-643e-47ca-84af-948672de7eeb
    name:
      description: Cluster name.
      type: str
      returned: always
      sample: cdm-prod
    status:
      description: The API's string status code, for example C(200) normal, C(910) stopping, C(900) stopped.
      type: str
      returned: always
      sample: '900'
    status_detail:
      description: Human-readable status.
      type: str
      returned: when the service returns it
      sample: Stopped
    is_frozen:
      description: C(1) when the cluster is frozen.
      type: str
      returned: when the service returns it
      sample: '0'
    action_progress:
      description: Progress of the action under way, keyed by action, as the service reports it; empty when none.
      type: dict
      returned: when the service returns it
      sample: {}
    task:
      description: The cluster's current or last task.
      type: dict
      returned: when the service returns it
      contains:
        id:
          description: Task ID (the job ID of the action that started it).
          type: str
          returned: when the cluster has a task
          sample: ff8080815e59d92d015e5b27ccb0004d
        name:
          description: Task name, for example C(stop).
          type: str
          returned: when the cluster has a task
          sample: stop
    failed_reasons:
      description:
        - Why the last action failed, keyed by phase (snake_cased, for example C(create_failed)); each value holds the
          service's error code and message (for example C(error_code) and C(error_msg)). Empty when nothing failed.
      type: dict
      returned: when the service returns it
      sample: {create_failed: {error_code: Cdm.0900, error_msg: The VPC has no free IP address.}}
    created:
      description: When the cluster was created, as the service reports it.
      type: str
      returned: when the service returns it
      sample: '2023-06-01T10:00:00'
    updated:
      description: When the cluster last changed, as the service reports it.
      type: str
      returned: when the service returns it
      sample: '2023-06-02T10:00:00'
cluster_name:
  description: The O(cluster_name) that no cluster or more than one cluster has.
  returned: on failure to find exactly one cluster by name
  type: str
  sample: cdm-prod
cluster_ids:
  description: IDs of every cluster with that name, to choose one as O(cluster_id).
  returned: on failure because more than one cluster has the name
  type: list
  elements: str
  sample: [bae65496-643e-47ca-84af-948672de7eeb, 5c9e2a41-7d3b-4f0e-9a6c-1b2d3e4f5a6b]
error:
  description: The HTTP status, service error code and message, and request ID of a failed call.
  type: dict
  returned: on failure of an HTTP call
  sample: {status: 400, code: Cdm.0020, message: linkConfig.host is required, request_id: 5d2e6a...}
credentials_source:
  description:
    - Where the task's credentials came from, never the credentials themselves.
    - One of V(auth_token), V(access_key), V(password), V(sdk_environment), V(sdk_credentials_file), V(ecs_metadata);
      with an agency, C(agency:<account>/<agency> via <source>).
  returned: once credentials were found, also on failure
  type: str
  sample: auth_token
project_id:
  description:
    - The project the task worked in, when O(project_id) was not given and the module found it
      (from O(region) with C(GET <IAM>/v3/projects?name=<region>), or from an IAM password token's scope).
  returned: when the project was found rather than given
  type: str
  sample: 0605767a2c80d5a62f5cc0123456789a
invalid_option:
  description: The option whose value breaks a rule; nothing was sent.
  returned: on failure of an option check
  type: str
  sample: name
retries:
  description: One line per retried HTTP call (what failed, and the wait before the next attempt).
  returned: at verbosity 3 (C(-vvv)) or more, when a call was retried
  type: list
  elements: str
  sample: ['Starting job mysql2obs in CDM cluster bae65496-643e-47ca-84af-948672de7eeb: HTTP 429; retry 1 of 5 in 0.41s']
'''

from ansible_collections.hwcloud.cloud.plugins.module_utils import cdm_jobs
from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import HwCloudError, InvalidOptionError


class CdmLinkModule(cdm_jobs.CdmJobsModule):
    argument_spec = dict(
        cdm_jobs.CdmJobsModule.argument_spec,
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        connector=dict(type='str'),
        config=dict(type='dict'),
        secrets=dict(type='dict', no_log=True),
        update_secrets=dict(type='str', default='on_create', choices=['on_create', 'always']),
        validate=dict(type='bool', default=False),
    )

    def validate(self):
        super().validate()
        cdm_jobs.check_config('config', self.params['config'])
        secrets = self.params['secrets'] or {}
        for key, value in secrets.items():
            if value is None or isinstance(value, (dict, list)):
                raise InvalidOptionError('secrets.%s' % key, '<hidden>', 'it must be a string or a number')
        both = sorted(set(secrets) & set(self.params['config'] or {}))
        if both:
            raise InvalidOptionError('secrets', '<hidden>', 'a key is given in both config and secrets: %s' % ', '.join(both))

    def run(self):
        name = self.params['name']
        links = self.open_cluster()
        current = links.get_link(name)
        secrets = self.params['secrets'] or {}
        before = cdm_jobs.link_result(current, hidden=secrets) if current else None

        if self.params['state'] == 'absent':
            result = dict(changed=current is not None, link=before, changed_keys=[])
            if self.module._diff:  # pylint: disable=protected-access
                result['diff'] = dict(before=before or {}, after={})
            if current is not None and not self.check_mode:
                self.changed_call(lambda: links.delete_link(name))
            return result

        connector = self.params['connector'] or (current or {}).get('connector-name')
        if not connector:
            raise HwCloudError('CDM link %s does not exist, and creating it needs connector.' % name)
        wanted = {cdm_jobs.LINK_GROUP: self.params['config'] or {}}
        if current is None or connector != current.get('connector-name'):
            # A new connector takes its own settings: nothing of the old one's is carried over.
            changed_keys = ['connector'] if current else []
            groups, send_secrets = wanted, True
        else:
            decoded = cdm_jobs.decode_configs(current.get('link-config-values'))
            changed_keys = cdm_jobs.config_changes(wanted, decoded)
            send_secrets = bool(secrets) and self.params['update_secrets'] == 'always'
            if send_secrets:
                changed_keys.append('secrets')
            groups = cdm_jobs.overlay(decoded, wanted)
        will_change = current is None or bool(changed_keys)
        shown = dict(groups.get(cdm_jobs.LINK_GROUP) or {})
        after = dict(name=name, connector=connector, enabled=(current or {}).get('enabled', True),
                     config=dict((key, cdm_jobs.as_text(value)) for key, value in shown.items() if key not in secrets))
        result = dict(changed=will_change, link=after if will_change else before, changed_keys=changed_keys)
        if self.module._diff:  # pylint: disable=protected-access
            # The secrets themselves are never shown; only that they are sent.
            result['diff'] = dict(before=before or {}, after=dict(after, secrets='(sent)') if send_secrets else after)
        if not will_change or self.check_mode:
            return result

        if send_secrets:
            groups = cdm_jobs.overlay(groups, {cdm_jobs.LINK_GROUP: secrets})
        link = {'name': name, 'connector-name': connector, 'enabled': after['enabled'],
                'link-config-values': cdm_jobs.encode_configs(groups)}
        answer = self.changed_call(lambda: links.put_link(link, exists=current is not None, validate=self.params['validate']))
        self.fail_on_errors(answer, 'link %s' % name, link=after, changed_keys=changed_keys)
        found = links.get_link(name)
        result['link'] = cdm_jobs.link_result(found, hidden=secrets) if found else after
        return result


def main():
    CdmLinkModule()()


if __name__ == '__main__':
    main()
