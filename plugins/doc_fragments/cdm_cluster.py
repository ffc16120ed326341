# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:
    """The one CDM cluster a power module (start, restart) acts on, and what its check mode and diff mode do."""

    DOCUMENTATION = r'''
options:
  cluster_id:
    description:
      - ID of the cluster.
      - Exactly one of O(cluster_id) and O(cluster_name) is required.
    type: str
  cluster_name:
    description:
      - Name of the cluster, looked up with the list call.
      - The task fails if no cluster or more than one cluster has this name.
    type: str
attributes:
  check_mode:
    support: full
    description: Nothing is sent; C(changed) says whether the action would be sent, as a run without check mode would report it.
  diff_mode:
    support: full
    description:
      - Shows the cluster status before and after.
      - When the status cannot show the change (a restart ends in the status it began in), the request that is sent is shown too.
'''
