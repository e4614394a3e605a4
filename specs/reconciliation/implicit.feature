Feature: Implicit reconciliation
  A framework that names no task gets one update per task in its active map, each
  with the task's latest state, from SOURCE_MASTER with REASON_RECONCILIATION and
  the message "Reconciliation: Latest task state". The active map keeps terminal
  tasks whose update was not yet acknowledged, but not completed tasks, not tasks
  on an unreachable agent (they are filed apart) and not tasks on an agent that
  has not come back after a master failover. Contrary to what the reconciliation
  guide suggests, a framework cannot learn about unreachable tasks this way.

  Background:
    Given agents "a1" and "a2"
    And a partition-aware framework "cassandra"
    And "cassandra" runs task "c1" on agent "a1"
    And "cassandra" runs task "c2" on agent "a2"

  # Rule H1
  Scenario: Implicit reconciliation reports every active task in its latest state
    When "cassandra" reconciles all its tasks
    Then "cassandra" receives these updates:
      | task | state        | reason                | source        | agent | message                           |
      | c1   | TASK_RUNNING | REASON_RECONCILIATION | SOURCE_MASTER | a1    | Reconciliation: Latest task state |
      | c2   | TASK_RUNNING | REASON_RECONCILIATION | SOURCE_MASTER | a2    | Reconciliation: Latest task state |

  # Rule H1
  Scenario: Implicit reconciliation leaves out the tasks of an unreachable agent
    When agent "a1" is partitioned from the master
    And 2m pass
    Then "cassandra" receives TASK_UNREACHABLE for task "c1"
    When "cassandra" reconciles all its tasks
    Then "cassandra" receives these updates:
      | task | state        | reason                | source        | message                           |
      | c2   | TASK_RUNNING | REASON_RECONCILIATION | SOURCE_MASTER | Reconciliation: Latest task state |

  # Rule H1
  Scenario: Implicit reconciliation leaves out a completed task
    When task "c1" finishes
    Then "cassandra" receives TASK_FINISHED for task "c1"
    When "cassandra" reconciles all its tasks
    Then "cassandra" receives these updates:
      | task | state        | reason                | source        |
      | c2   | TASK_RUNNING | REASON_RECONCILIATION | SOURCE_MASTER |

  # Rules H1, K5
  Scenario: Implicit reconciliation leaves out tasks on an agent that has not come back after a master failover
    When agent "a1" is partitioned from the master
    And the master fails over
    And "cassandra" resubscribes
    And agent "a2" reconnects
    And "cassandra" reconciles all its tasks
    Then "cassandra" receives these updates:
      | task | state        | reason                | source        |
      | c2   | TASK_RUNNING | REASON_RECONCILIATION | SOURCE_MASTER |
