Feature: Master failover
  A new leading master recovers only the registry: admitted agents become
  "recovered", unreachable agents keep the time they were marked, gone agents stay
  gone. Tasks are not in the registry, so the new master learns them only when
  agents reregister, and frameworks must subscribe again. A recovered agent that
  comes back is re-admitted with its tasks and nobody is told anything.
  After agent_reregister_timeout (10 minutes) every agent still missing is marked
  unreachable: the counters of an unreachable transition go up along with
  recovery_slave_removals, connected frameworks are told the agent is lost, but no
  task update is sent because the master knows no tasks. Reconciliation then
  answers TASK_UNREACHABLE with the time the timeout fired. If too large a share
  of the agents is missing (recovery_agent_removal_limit, 100% by default) the
  master gives up its leadership instead.

  Background:
    Given an agent "a1"
    And a partition-aware framework "cassandra"
    And a framework "spark"
    And "cassandra" runs task "c1" on agent "a1"
    And "spark" runs task "s1" on agent "a1"

  # Rules K1, H3
  Scenario: A new master recovers registered, unreachable and gone agents from the registry, each in its own state
    Given agents "a2" and "a3"
    And "cassandra" runs task "c2" on agent "a2"
    When agents "a2" and "a3" are partitioned from the master
    And 100s pass
    And the operator marks agent "a3" as gone
    And 1s passes
    And agent "a1" is partitioned from the master
    And the master fails over
    And "cassandra" resubscribes
    Then the master considers agent "a1" recovered
    And the master considers agent "a2" unreachable
    And the master considers agent "a3" gone
    And the master does not know task "c1"
    When "cassandra" reconciles task "c2" on agent "a2"
    Then "cassandra" receives these updates:
      | task | state            | reason                | source        | unreachable time | message                             |
      | c2   | TASK_UNREACHABLE | REASON_RECONCILIATION | SOURCE_MASTER | 90s              | Reconciliation: Task is unreachable |

  # Rules K1, E2
  Scenario: With an in-memory registry a new master has forgotten every agent, and a returning agent is admitted as unknown
    Given the master flag registry is in_memory
    When agent "a1" is partitioned from the master
    And the master fails over
    And "cassandra" resubscribes
    And "spark" resubscribes
    Then the master considers agent "a1" unknown
    When agent "a1" reconnects
    Then "cassandra" receives these updates:
      | task | state        | reason                    | source        | message                    |
      | c1   | TASK_RUNNING | REASON_AGENT_REREGISTERED | SOURCE_MASTER | Unknown agent reregistered |
    And "spark" receives these updates:
      | task | state        | reason                    | source        | message                    |
      | s1   | TASK_RUNNING | REASON_AGENT_REREGISTERED | SOURCE_MASTER | Unknown agent reregistered |

  # Rule K2
  Scenario: A recovered agent that comes back just before agent_reregister_timeout keeps its tasks and nobody is told
    When agent "a1" is partitioned from the master
    And the master fails over
    And "cassandra" resubscribes
    And "spark" resubscribes
    And the clock reaches 9m50s
    And the partition of agent "a1" heals
    And agent "a1" re-detects the master
    And agent "a1" reconnects
    And the clock reaches 11m
    Then "cassandra" receives no updates
    And "spark" receives no updates
    And "cassandra" is not told about agent "a1"
    And the master considers agent "a1" registered
    And the master reports task "c1" as TASK_RUNNING
    And the master's metrics are:
      | metric                      | value |
      | slave_reregistrations       | 1     |
      | slave_unreachable_scheduled | 0     |
      | recovery_slave_removals     | 0     |

  # Rules K3, H3
  Scenario: An agent that does not come back within agent_reregister_timeout of a failover is marked unreachable without task updates
    When the clock reaches 30s
    And agent "a1" is partitioned from the master
    And the master fails over
    And "cassandra" resubscribes
    And "spark" resubscribes
    And the clock reaches 11m
    Then agent "a1" is marked unreachable at 10m30s
    And "cassandra" receives no updates
    And "spark" receives no updates
    And "cassandra" is told that agent "a1" is lost
    And "spark" is told that agent "a1" is lost
    And the master's metrics are:
      | metric                          | value |
      | slave_unreachable_scheduled     | 1     |
      | slave_unreachable_completed     | 1     |
      | slave_removals                  | 1     |
      | slave_removals/reason_unhealthy | 1     |
      | recovery_slave_removals         | 1     |
      | slaves_unreachable              | 1     |
    When "cassandra" reconciles task "c1" on agent "a1"
    And "spark" reconciles task "s1" on agent "a1"
    Then "cassandra" receives these updates:
      | task | state            | reason                | source        | unreachable time | message                             |
      | c1   | TASK_UNREACHABLE | REASON_RECONCILIATION | SOURCE_MASTER | 10m30s           | Reconciliation: Task is unreachable |
    And "spark" receives these updates:
      | task | state     | reason                | source        | unreachable time | message                             |
      | s1   | TASK_LOST | REASON_RECONCILIATION | SOURCE_MASTER | 10m30s           | Reconciliation: Task is unreachable |

  # Rule K3
  Scenario Outline: With agent_reregister_timeout <timeout> a missing agent is marked unreachable at <marked at>
    Given the master flag agent_reregister_timeout is <timeout>
    When the clock reaches 30s
    And agent "a1" is partitioned from the master
    And the master fails over
    And the clock reaches 2h
    Then agent "a1" is marked unreachable at <marked at>

    Examples:
      | timeout | marked at |
      | 20mins  | 20m30s    |
      | 1h      | 1h0m30s   |

  # Rule K3
  Scenario Outline: With recovery_agent_removal_limit <limit> a failover that loses one agent in two <outcome>
    Given an agent "a2"
    And the master flag recovery_agent_removal_limit is <limit>
    When the clock reaches 30s
    And agent "a1" is partitioned from the master
    And the master fails over
    And agent "a2" reconnects
    And the clock reaches 11m
    Then the master considers agent "a1" <status>
    And the master's metric recovery_slave_removals is <removals>

    Examples:
      | limit | outcome                                         | status      | removals |
      | 50%   | marks the missing agent unreachable             | unreachable | 1        |
      | 40%   | makes the master fail over again instead        | recovered   | 0        |

  # Rule K3
  Scenario: An agent that returns while its failover transition waits for a permit is not marked unreachable, but the permit is used up
    Given agents "a2" and "a3"
    And the master flag agent_removal_rate_limit is 1/10mins
    When the clock reaches 30s
    And agents "a1", "a2" and "a3" are partitioned from the master
    And the master fails over
    And the clock reaches 15m
    And agent "a2" reconnects
    And the clock reaches 31m
    Then agent "a1" is marked unreachable at 10m30s
    And agent "a3" is marked unreachable at 30m30s
    And the master considers agent "a2" registered
    And the master's metrics are:
      | metric                      | value |
      | slave_unreachable_scheduled | 3     |
      | slave_unreachable_completed | 2     |
      | slave_unreachable_canceled  | 1     |
      | recovery_slave_removals     | 2     |

  # Rules K4, E3
  Scenario: An unreachable agent that returns after a failover is re-admitted and every framework is told
    When agent "a1" is partitioned from the master for 100s
    Then "spark" receives TASK_LOST for task "s1" at 90s
    When the master fails over
    And "cassandra" resubscribes
    And "spark" resubscribes
    And agent "a1" reconnects
    Then "cassandra" receives these updates:
      | task | state        | reason                    | source        | message                           |
      | c1   | TASK_RUNNING | REASON_AGENT_REREGISTERED | SOURCE_MASTER | Unreachable agent re-reregistered |
    And "spark" receives these updates:
      | task | state        | reason                    | source        | message                           |
      | s1   | TASK_RUNNING | REASON_AGENT_REREGISTERED | SOURCE_MASTER | Unreachable agent re-reregistered |
    And agent "a1" is still running task "s1"

  # Rule K4
  Scenario Outline: An unreachable agent that returns after a failover keeps its tasks in Mesos <version>
    Given the master runs Mesos <version>
    When agent "a1" is partitioned from the master for 100s
    And the master fails over
    And "spark" resubscribes
    And agent "a1" reconnects
    Then agent "a1" is still running task "s1"
    And the master reports task "s1" as TASK_RUNNING

    Examples:
      | version |
      | 1.1     |

  # Rule K5
  Scenario: A framework that has not resubscribed after a failover is not told that an agent is lost
    When the clock reaches 30s
    And agent "a1" is partitioned from the master
    And the master fails over
    And the clock reaches 11m
    Then agent "a1" is marked unreachable at 10m30s
    And "cassandra" is not told about agent "a1"
    When "cassandra" resubscribes
    And "cassandra" reconciles task "c1" on agent "a1"
    Then "cassandra" receives TASK_UNREACHABLE for task "c1" with reason REASON_RECONCILIATION

  # Rule K5
  Scenario: Updates for a framework that has not resubscribed are held back until it does
    When the master fails over
    And agent "a1" reconnects
    Then the master's metrics are:
      | metric                  | value |
      | frameworks_connected    | 0     |
      | frameworks_disconnected | 2     |
    When task "c1" finishes
    And 5s pass
    Then "cassandra" receives no updates
    When "cassandra" resubscribes
    And 10s pass
    Then "cassandra" receives TASK_FINISHED for task "c1" from SOURCE_EXECUTOR
    And the master's metrics are:
      | metric                  | value |
      | frameworks_connected    | 1     |
      | frameworks_disconnected | 1     |
