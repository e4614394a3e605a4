Feature: How partition handling changed between Mesos versions
  Mesos changed what happens to an agent that fails its health check twice:

  - up to 1.0 the agent is removed, every task is reported TASK_LOST, and when the
    agent comes back it is told to shut down, which kills every task;
  - from 1.1 to 1.4 the agent is marked unreachable: partition-aware frameworks get
    TASK_UNREACHABLE, the others TASK_LOST. When the agent comes back to the same
    master, the master shuts down every non-partition-aware framework on it, so
    their tasks are killed and stay TASK_LOST, while partition-aware tasks are
    quietly re-added. Nobody is told anything. If the master failed over in the
    meantime, nothing is killed;
  - from 1.5 on nothing is killed, and every framework, partition-aware or not, is
    told the current state of each task with REASON_AGENT_REREGISTERED.

  Background:
    Given an agent "a1"
    And a partition-aware framework "cassandra"
    And a framework "spark"
    And "cassandra" runs task "c1" on agent "a1"
    And "spark" runs task "s1" on agent "a1"

  # Rules E7, F
  Scenario Outline: Mesos <version> reports the tasks of a failed agent as <aware state> to partition-aware frameworks
    Given the master runs Mesos <version>
    When agent "a1" is partitioned from the master
    And 2m pass
    Then "cassandra" receives these updates:
      | task | state         | reason               | source        | at  | unreachable time |
      | c1   | <aware state> | REASON_AGENT_REMOVED | SOURCE_MASTER | 90s | <time>           |
    And "spark" receives these updates:
      | task | state     | reason               | source        | at  | unreachable time |
      | s1   | TASK_LOST | REASON_AGENT_REMOVED | SOURCE_MASTER | 90s | <time>           |
    And the master considers agent "a1" <status>

    Examples:
      | version | aware state      | time | status      |
      | 1.0     | TASK_LOST        | -    | removed     |
      | 1.4     | TASK_UNREACHABLE | 90s  | unreachable |
      | 1.12    | TASK_UNREACHABLE | 90s  | unreachable |

  # Rules E7, C7, D6
  Scenario Outline: When a failed agent returns to the same master, Mesos <version> <outcome>
    Given the master runs Mesos <version>
    When agent "a1" is partitioned from the master for 100s
    And agent "a1" reconnects
    And 1m passes
    Then agent "a1" <aware fate> task "c1"
    And agent "a1" <other fate> task "s1"

    Examples:
      | version | outcome                         | aware fate           | other fate           |
      | 1.0     | shuts the agent down            | is no longer running | is no longer running |
      | 1.4     | kills only non-aware tasks      | is still running     | is no longer running |
      | 1.5     | keeps every task                | is still running     | is still running     |
      | 1.12    | keeps every task                | is still running     | is still running     |

  # Rule E7
  Scenario: Mesos 1.4 kills the non-aware tasks of a returning agent without telling anyone
    Given the master runs Mesos 1.4
    When agent "a1" is partitioned from the master for 100s
    Then "spark" receives TASK_LOST for task "s1" at 90s
    When agent "a1" reconnects
    And 1m passes
    Then task "s1" is killed on agent "a1"
    And "spark" receives no updates
    And "cassandra" receives no updates
    And the master reports task "s1" as TASK_LOST
    And the master reports task "c1" as TASK_RUNNING

  # Rules E7, H4
  Scenario: Mesos 1.4 keeps answering TASK_LOST for a non-aware task killed when its agent returned
    Given the master runs Mesos 1.4
    When agent "a1" is partitioned from the master for 100s
    Then "spark" receives TASK_LOST for task "s1" at 90s
    When agent "a1" reconnects
    And 1m passes
    And "spark" reconciles task "s1" on agent "a1"
    Then "spark" receives these updates:
      | task | state     | reason                | source        | message                                      |
      | s1   | TASK_LOST | REASON_RECONCILIATION | SOURCE_MASTER | Reconciliation: Task is unknown to the agent |

  # Rule E7
  Scenario: Mesos 1.4 keeps every task when the master failed over while the agent was unreachable
    Given the master runs Mesos 1.4
    When agent "a1" is partitioned from the master for 100s
    And the master fails over
    And "cassandra" resubscribes
    And "spark" resubscribes
    And agent "a1" reconnects
    And 1m passes
    Then agent "a1" is still running task "c1"
    And agent "a1" is still running task "s1"
    And the master reports task "s1" as TASK_RUNNING

  # Rules E7, E3
  Scenario Outline: Mesos <version> tells every framework that the tasks of a returning agent are running
    Given the master runs Mesos <version>
    When agent "a1" is partitioned from the master for 100s
    Then "spark" receives TASK_LOST for task "s1" at 90s
    When agent "a1" reconnects
    Then "cassandra" receives these updates:
      | task | state        | reason                    | source        | unreachable time | message                           |
      | c1   | TASK_RUNNING | REASON_AGENT_REREGISTERED | SOURCE_MASTER | -                | Unreachable agent re-reregistered |
    And "spark" receives these updates:
      | task | state        | reason                    | source        | unreachable time | message                           |
      | s1   | TASK_RUNNING | REASON_AGENT_REREGISTERED | SOURCE_MASTER | -                | Unreachable agent re-reregistered |

    Examples:
      | version |
      | 1.5     |
      | 1.12    |
