Feature: Who is told which task state
  Partition-aware frameworks get the precise partition states: TASK_UNREACHABLE
  (the task may still be running), TASK_GONE (definitely not running),
  TASK_GONE_BY_OPERATOR (an operator said the agent is gone), TASK_UNKNOWN (the
  master knows nothing about it) and TASK_DROPPED (the launch never started). The
  other frameworks get TASK_LOST in every one of those cases.

  TASK_LOST is still sent to partition-aware frameworks in two cases: when an agent
  is removed without becoming unreachable (graceful shutdown, maintenance "machine
  down", a new agent at the same address), and for tasks of frameworks that do not
  checkpoint when the agent's connection breaks.

  Background:
    Given an agent "a1"
    And a partition-aware framework "cassandra"
    And a framework "spark"
    And "cassandra" runs task "c1" on agent "a1"
    And "spark" runs task "s1" on agent "a1"

  # Rules F, L1
  Scenario: Taking an agent's machine down reports its tasks lost to every framework, partition-aware included
    When the clock reaches 20s
    And the operator schedules maintenance for the machine of agent "a1"
    And the operator takes the machine of agent "a1" down
    Then "cassandra" receives these updates:
      | task | state     | reason               | source        | at  | unreachable time |
      | c1   | TASK_LOST | REASON_AGENT_REMOVED | SOURCE_MASTER | 20s | -                |
    And "spark" receives these updates:
      | task | state     | reason               | source        | at  | unreachable time |
      | s1   | TASK_LOST | REASON_AGENT_REMOVED | SOURCE_MASTER | 20s | -                |
    And "cassandra" is told that agent "a1" is lost
    And "spark" is told that agent "a1" is lost
    And the master considers agent "a1" removed
    And the master's metric tasks_lost is 2

  # Rules F, J2
  Scenario: Marking a registered agent gone reports TASK_GONE_BY_OPERATOR to aware frameworks and TASK_LOST to the others
    When the clock reaches 20s
    And the operator marks agent "a1" as gone
    Then the operator's request succeeds
    And "cassandra" receives these updates:
      | task | state                 | reason                           | source        | at  | unreachable time | message                    |
      | c1   | TASK_GONE_BY_OPERATOR | REASON_AGENT_REMOVED_BY_OPERATOR | SOURCE_MASTER | 20s | -                | Agent has been marked gone |
    And "spark" receives these updates:
      | task | state     | reason               | source        | at  | unreachable time | message                    |
      | s1   | TASK_LOST | REASON_AGENT_REMOVED | SOURCE_MASTER | 20s | -                | Agent has been marked gone |

  # Rules F, H2
  Scenario: Reconciling a task unknown to a registered agent answers TASK_GONE to aware frameworks and TASK_LOST to the others
    When "cassandra" reconciles task "ghost-c" on agent "a1"
    And "spark" reconciles task "ghost-s" on agent "a1"
    Then "cassandra" receives these updates:
      | task    | state     | reason                | source        | message                                     |
      | ghost-c | TASK_GONE | REASON_RECONCILIATION | SOURCE_MASTER | Reconciliation: Task is unknown to the agent |
    And "spark" receives these updates:
      | task    | state     | reason                | source        | message                                     |
      | ghost-s | TASK_LOST | REASON_RECONCILIATION | SOURCE_MASTER | Reconciliation: Task is unknown to the agent |

  # Rules F, H2
  Scenario: Reconciling a task on an agent the master never saw answers TASK_UNKNOWN to aware frameworks and TASK_LOST to the others
    When "cassandra" reconciles task "ghost-c" on an unknown agent
    And "spark" reconciles task "ghost-s" on an unknown agent
    Then "cassandra" receives these updates:
      | task    | state        | reason                | source        | message                         |
      | ghost-c | TASK_UNKNOWN | REASON_RECONCILIATION | SOURCE_MASTER | Reconciliation: Task is unknown |
    And "spark" receives these updates:
      | task    | state     | reason                | source        | message                         |
      | ghost-s | TASK_LOST | REASON_RECONCILIATION | SOURCE_MASTER | Reconciliation: Task is unknown |
