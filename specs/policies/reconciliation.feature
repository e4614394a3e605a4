Feature: A framework that reconciles periodically
  Every interval the scheduler reconciles every task it holds as not terminal,
  explicitly, then all its tasks implicitly, as the Mesos reconciliation guide
  advises. It learns what no update told it: a task back on a returning agent
  in 1.1 to 1.4, or still unreachable. It combines with any policy.

  "node-1" runs on "a1", "node-2" on "a2". The partition of "a1" begins right
  after the ping at 0s: the master gives up at 90s (rules A2 to A4).

  Background:
    Given agents "a1" and "a2"
    And a partition-aware framework "cassandra"
    And "cassandra" runs 2 instances of "node"
    And "cassandra" reconciles every 5mins

  # 1.4: the agent is back by 160s without an update (rule E7). Explicit
  # reconciliation at 300s answers TASK_RUNNING (rule H2).
  Scenario: In Mesos 1.4 reconciliation is how a framework learns that a task is back
    Given the master runs Mesos 1.4
    When agent "a1" is partitioned from the master for 100s
    And the clock reaches 310s
    Then "cassandra" receives TASK_UNREACHABLE for task "node-1" with reason REASON_AGENT_REMOVED at 90s
    And "cassandra" receives TASK_RUNNING for task "node-1" with reason REASON_RECONCILIATION at 300s
    And "cassandra" never receives TASK_LOST

  # Explicit reconciliation of a task on an unreachable agent answers
  # TASK_UNREACHABLE with its unreachable time (rule H2).
  Scenario: Reconciliation during a partition answers TASK_UNREACHABLE
    Given the master runs Mesos 1.12
    When agent "a1" is partitioned from the master
    And the clock reaches 310s
    Then "cassandra" receives TASK_UNREACHABLE for task "node-1" with reason REASON_RECONCILIATION at 300s
    And "cassandra" receives TASK_RUNNING for task "node-2" with reason REASON_RECONCILIATION at 300s

  # 1.0: the agent is removed at 90s and its task reported TASK_LOST, which is
  # terminal: the scheduler stops asking about it. Implicit reconciliation answers
  # only for the tasks the master holds (rule H1), so nothing more is heard of
  # "node-1", whatever becomes of it.
  Scenario: Up to Mesos 1.0 a task reported lost is no longer reconciled
    Given the master runs Mesos 1.0
    When agent "a1" is partitioned from the master
    And the clock reaches 310s
    Then "cassandra" receives these updates:
      | task   | state        | reason                | source        | at   |
      | node-1 | TASK_LOST    | REASON_AGENT_REMOVED  | SOURCE_MASTER | 90s  |
      | node-2 | TASK_RUNNING | REASON_RECONCILIATION | SOURCE_MASTER | 300s |
      | node-2 | TASK_RUNNING | REASON_RECONCILIATION | SOURCE_MASTER | 300s |

  # A scheduler that is not subscribed cannot call the master: its reconciliation
  # at 300s goes nowhere. Subscribed again at 400s, it reconciles at 600s.
  Scenario: A disconnected scheduler's reconciliation does not reach the master
    Given the master runs Mesos 1.12
    And "cassandra" has a failover timeout of 1h
    When the clock reaches 100s
    And "cassandra" disconnects
    And the clock reaches 400s
    Then "cassandra" receives no updates
    When "cassandra" resubscribes
    And the clock reaches 610s
    Then "cassandra" receives TASK_RUNNING for task "node-1" with reason REASON_RECONCILIATION at 600s
