Feature: Reconciliation answers across Mesos versions
  The partition states arrived one release at a time. In Mesos 1.1 a task unknown
  on a registered agent, or on an agent the master does not know, was TASK_LOST
  for every framework. From 1.2 to 1.4 a partition-aware framework got
  TASK_UNKNOWN for both. Since 1.5 a task unknown on a registered agent is
  TASK_GONE. Frameworks that are not partition-aware always get TASK_LOST.
  Unreachable agents have answered TASK_UNREACHABLE since 1.1.

  Background:
    Given an agent "a1"
    And a partition-aware framework "cassandra"
    And "cassandra" runs task "c1" on agent "a1"

  # Rules H4, H2
  Scenario Outline: Mesos <version> answers <state> about an unknown task on a registered agent
    Given the master runs Mesos <version>
    When "cassandra" reconciles task "c9" on agent "a1"
    Then "cassandra" receives these updates:
      | task | state   | reason                | source        | message                                      |
      | c9   | <state> | REASON_RECONCILIATION | SOURCE_MASTER | Reconciliation: Task is unknown to the agent |

    Examples:
      | version | state        |
      | 1.1     | TASK_LOST    |
      | 1.4     | TASK_UNKNOWN |
      | 1.5     | TASK_GONE    |

  # Rules H4, H2
  Scenario Outline: Mesos <version> answers <state> about a task on an agent it never saw
    Given the master runs Mesos <version>
    When "cassandra" reconciles task "c9" on an unknown agent
    Then "cassandra" receives these updates:
      | task | state   | reason                | source        | message                         |
      | c9   | <state> | REASON_RECONCILIATION | SOURCE_MASTER | Reconciliation: Task is unknown |

    Examples:
      | version | state        |
      | 1.1     | TASK_LOST    |
      | 1.4     | TASK_UNKNOWN |

  # Rules H4, H2
  Scenario Outline: Mesos <version> answers TASK_UNREACHABLE about a task on an unreachable agent
    Given the master runs Mesos <version>
    When agent "a1" is partitioned from the master
    And 2m pass
    Then "cassandra" receives TASK_UNREACHABLE for task "c1" at 90s
    When "cassandra" reconciles task "c1" on agent "a1"
    Then "cassandra" receives these updates:
      | task | state            | reason                | source        | unreachable time |
      | c1   | TASK_UNREACHABLE | REASON_RECONCILIATION | SOURCE_MASTER | 90s              |

    Examples:
      | version |
      | 1.1     |
      | 1.4     |
