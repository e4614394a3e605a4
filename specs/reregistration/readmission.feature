Feature: An agent comes back
  How the master treats a reregistering agent depends on what it remembers of it.
  An agent it still has registered (a blip, not yet marked unreachable) is only
  reconciled. An agent recovered from the registry after a failover is re-admitted
  with its tasks and nobody is told anything. Any other agent (unreachable, or
  unknown because the registry forgot it) is re-admitted through the registry,
  and since Mesos 1.5 every framework, partition-aware or not, gets one update per
  task the agent reports: the state the agent reports, from SOURCE_MASTER, with
  REASON_AGENT_REREGISTERED and no unreachable time. A task the master had marked
  unreachable but the agent no longer reports simply disappears. The agent then
  resends its own unacknowledged updates, so a framework can see a state twice.

  Background:
    Given an agent "a1"
    And a partition-aware framework "cassandra"
    And a framework "spark"
    And "cassandra" runs task "c1" on agent "a1"
    And "spark" runs task "s1" on agent "a1"

  # Rules E2, E3
  Scenario: An unreachable agent that returns is re-admitted and every framework is told its tasks are running
    When agent "a1" is partitioned from the master for 100s
    And agent "a1" reconnects
    Then "cassandra" receives these updates:
      | task | state            | reason                    | source        | unreachable time | message                           |
      | c1   | TASK_UNREACHABLE | REASON_AGENT_REMOVED      | SOURCE_MASTER | 90s              | health check timed out            |
      | c1   | TASK_RUNNING     | REASON_AGENT_REREGISTERED | SOURCE_MASTER | -                | Unreachable agent re-reregistered |
    And "spark" receives these updates:
      | task | state        | reason                    | source        | unreachable time | message                           |
      | s1   | TASK_LOST    | REASON_AGENT_REMOVED      | SOURCE_MASTER | 90s              | health check timed out            |
      | s1   | TASK_RUNNING | REASON_AGENT_REREGISTERED | SOURCE_MASTER | -                | Unreachable agent re-reregistered |
    And the master considers agent "a1" registered
    And the master reports task "c1" as TASK_RUNNING
    And the master reports task "s1" as TASK_RUNNING
    And agent "a1" is still running task "s1"

  # Rules E2, E6
  Scenario: An agent that reregisters before it is marked unreachable is reconciled without telling any framework
    When the next ping to agent "a1" is due
    And agent "a1" is partitioned from the master for 60s
    And agent "a1" re-detects the master
    And agent "a1" reconnects
    Then "cassandra" receives no updates
    And "spark" receives no updates
    And "spark" is not told about agent "a1"
    And the master reports task "s1" as TASK_RUNNING
    And the master's metrics are:
      | metric                      | value |
      | slave_reregistrations       | 0     |
      | slave_unreachable_scheduled | 0     |
      | slave_removals              | 0     |

  # Rules E2, K2
  Scenario: An agent recovered after a master failover is re-admitted with its tasks and no updates
    When the master fails over
    And "cassandra" resubscribes
    And "spark" resubscribes
    And agent "a1" reconnects
    Then "cassandra" receives no updates
    And "spark" receives no updates
    And the master considers agent "a1" registered
    And the master reports task "c1" as TASK_RUNNING
    And the master reports task "s1" as TASK_RUNNING
    And the master's metric slave_reregistrations is 1

  # Rules E3, E5
  Scenario: A task that finished during the partition is reported finished twice, first by the master on the agent's word and then by its executor
    When agent "a1" is partitioned from the master
    And 50s pass
    And task "c1" finishes
    And 50s pass
    And agent "a1" reconnects
    Then "cassandra" receives these updates:
      | task | state            | reason                    | source          | message                           |
      | c1   | TASK_UNREACHABLE | REASON_AGENT_REMOVED      | SOURCE_MASTER   | health check timed out            |
      | c1   | TASK_FINISHED    | REASON_AGENT_REREGISTERED | SOURCE_MASTER   | Unreachable agent re-reregistered |
      | c1   | TASK_FINISHED    | -                         | SOURCE_EXECUTOR | -                                 |
    And the master reports task "c1" as TASK_FINISHED

  # Rule E3
  Scenario: A task marked unreachable that the returning agent does not report disappears without an update
    When the next RunTask from the master to agent "a1" is dropped
    And "cassandra" launches task "c2" on agent "a1"
    And agent "a1" is partitioned from the master for 100s
    Then "cassandra" receives these updates:
      | task | state            | reason               | source        | at  |
      | c1   | TASK_UNREACHABLE | REASON_AGENT_REMOVED | SOURCE_MASTER | 90s |
      | c2   | TASK_UNREACHABLE | REASON_AGENT_REMOVED | SOURCE_MASTER | 90s |
    When agent "a1" reconnects
    Then "cassandra" receives these updates:
      | task | state        | reason                    | source        |
      | c1   | TASK_RUNNING | REASON_AGENT_REREGISTERED | SOURCE_MASTER |
    And the master does not know task "c2"
    When "cassandra" reconciles task "c2" on agent "a1"
    Then "cassandra" receives these updates:
      | task | state     | reason                | source        | message                                      |
      | c2   | TASK_GONE | REASON_RECONCILIATION | SOURCE_MASTER | Reconciliation: Task is unknown to the agent |

  # Rules E3, A1
  Scenario: A re-admitted agent's health check starts afresh at the moment it is re-admitted
    When agent "a1" is partitioned from the master for 100s
    And agent "a1" reconnects
    And agent "a1" is partitioned from the master
    And 2m pass
    Then agent "a1" is marked unreachable 90s after the partition began

  # Rule E4
  Scenario: Re-admission moves the tasks back to running without undoing the loss counters
    When agent "a1" is partitioned from the master for 100s
    Then the master's metrics are:
      | metric                                | value |
      | tasks_unreachable                     | 1     |
      | tasks_running                         | 0     |
      | tasks_lost                            | 1     |
      | slave_removals                        | 1     |
      | slave_removals/reason_unhealthy       | 1     |
      | slave_reregistrations                 | 0     |
    When agent "a1" reconnects
    Then the master's metrics are:
      | metric                                | value |
      | tasks_unreachable                     | 0     |
      | tasks_running                         | 2     |
      | tasks_lost                            | 1     |
      | slave_removals                        | 1     |
      | slave_removals/reason_unhealthy       | 1     |
      | slave_reregistrations                 | 1     |
