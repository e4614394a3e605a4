Feature: Reconciling finished tasks that are not acknowledged yet
  A task stays in the master's active map until the framework acknowledges its
  terminal update. Until then reconciliation answers its terminal state, explicitly
  and implicitly (ReconciliationTest.UnacknowledgedTerminalTask).

  Background:
    Given agents "a1" and "a2"
    And a partition-aware framework "cassandra"
    And "cassandra" runs task "c1" on agent "a1"
    And "cassandra" runs task "c2" on agent "a2"

  # Rule H2
  Scenario: A finished task whose update was not acknowledged is reported finished
    Given task "c1" has finished but "cassandra" has not acknowledged it
    When "cassandra" reconciles task "c1" on agent "a1"
    Then "cassandra" receives these updates:
      | task | state         | reason                | source        | message                           |
      | c1   | TASK_FINISHED | REASON_RECONCILIATION | SOURCE_MASTER | Reconciliation: Latest task state |

  # Rule H1
  Scenario: Implicit reconciliation reports a finished task until its update is acknowledged
    Given task "c1" has finished but "cassandra" has not acknowledged it
    When "cassandra" reconciles all its tasks
    Then "cassandra" receives these updates:
      | task | state         | reason                | source        |
      | c1   | TASK_FINISHED | REASON_RECONCILIATION | SOURCE_MASTER |
      | c2   | TASK_RUNNING  | REASON_RECONCILIATION | SOURCE_MASTER |
