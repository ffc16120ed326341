# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:
    """The one CDM cluster a module works on, chosen by ID or by name."""

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
      - The task fails if no cluster or more than one cluster has this name; with no match, the message
        suggests the closest names in the project.
    type: str
'''
