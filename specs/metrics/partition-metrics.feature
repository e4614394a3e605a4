Feature: What the master's metrics say about partitions
  The master counts every step of an unreachable transition with Mesos's metric
  names: master/slave_unreachable_scheduled when the health check (or the
  disconnect or failover timeout) gives up on an agent, _completed when the
  transition goes ahead, _canceled when a pong (or the agent's return) stops it
  while it waits for a permit of agent_removal_rate_limit. slave_removals and
  slave_removals/reason_unhealthy count agents that became unreachable;
  reason_unregistered and reason_registered count removals, and
  recovery_slave_removals counts agents given up after a failover.
  slave_reregistrations counts re-admissions. tasks_unreachable, tasks_running and
  slaves_unreachable are gauges of the current state; tasks_lost, tasks_dropped,
  tasks_gone and tasks_gone_by_operator count transitions into that state, so a
  reconciliation answer does not move them and a return does not undo them.

  Background:
    Given agents "a1" and "a2"
    And a partition-aware framework "cassandra"
    And a framework "spark"
    And "cassandra" runs task "c1" on agent "a1"
    And "spark" runs task "s1" on agent "a1"
    And "cassandra" runs task "c2" on agent "a2"

  # Rule L5
  Scenario: An agent that fails its health checks moves the transition, removal and task counters once
    When agent "a1" is partitioned from the master
    And 1h passes
    Then the master's metrics are:
      | metric                             | value |
      | slave_unreachable_scheduled        | 1     |
      | slave_unreachable_completed        | 1     |
      | slave_unreachable_canceled         | 0     |
      | slave_removals                     | 1     |
      | slave_removals/reason_unhealthy    | 1     |
      | slave_removals/reason_unregistered | 0     |
      | recovery_slave_removals            | 0     |
      | slaves_unreachable                 | 1     |
      | tasks_unreachable                  | 1     |
      | tasks_lost                         | 1     |
      | tasks_running                      | 1     |

  # Rules L5, A7
  Scenario: A pong that arrives while the transition waits for its permit counts as canceled
    Given the master flag agent_removal_rate_limit is 1/10mins
    When agents "a1" and "a2" are partitioned from the master
    And the clock reaches 2m
    And the partition of agent "a2" heals
    And the clock reaches 3m
    Then agent "a1" is marked unreachable at 90s
    And the master considers agent "a2" registered
    And the master's metrics are:
      | metric                      | value |
      | slave_unreachable_scheduled | 2     |
      | slave_unreachable_completed | 1     |
      | slave_unreachable_canceled  | 1     |
      | slave_removals              | 1     |
    When the clock reaches 15m
    Then the master considers agent "a2" registered
    And "cassandra" receives no updates
    And the master's metrics are:
      | metric                      | value |
      | slave_unreachable_completed | 1     |
      | slave_removals              | 1     |

  # Rule L5
  Scenario: Answers to reconciliation are not counted as task transitions
    When agent "a1" is partitioned from the master
    And 2m pass
    And "cassandra" reconciles task "c9" on agent "a2"
    And "spark" reconciles task "s9" on agent "a2"
    And "spark" reconciles task "s1" on agent "a1"
    Then "cassandra" receives TASK_GONE for task "c9"
    And "spark" receives TASK_LOST for task "s9" with reason REASON_RECONCILIATION
    And the master's metrics are:
      | metric     | value |
      | tasks_gone | 0     |
      | tasks_lost | 1     |

  # Rules L5, G1
  Scenario Outline: A launch on an unreachable agent counts as one more <metric> for <framework>
    When agent "a1" is partitioned from the master
    And 2m pass
    And "<framework>" launches task "t9" on agent "a1"
    Then "<framework>" receives <state> for task "t9" with reason REASON_INVALID_OFFERS
    And the master's metric <metric> is <count>

    Examples:
      | framework | state        | metric        | count |
      | cassandra | TASK_DROPPED | tasks_dropped | 1     |
      | spark     | TASK_LOST    | tasks_lost    | 2     |
