Feature: Explicit reconciliation
  A framework asks about named tasks, optionally naming the agent of each. Every
  answer comes from the master (SOURCE_MASTER) with REASON_RECONCILIATION, and the
  first matching rule decides it:
    1. a task the master has in its active map: its latest state;
    2. an unknown task on an agent recovered after a failover and not yet back
       (or, without an agent, while any agent is still recovering): no answer;
    3. an unknown task on a registered agent: TASK_GONE, or TASK_LOST for a
       framework that is not partition-aware;
    4. an unknown task on an unreachable agent: TASK_UNREACHABLE or TASK_LOST,
       with the time the agent was marked unreachable;
    5. an unknown task on a gone agent: TASK_GONE_BY_OPERATOR or TASK_LOST;
    6. anything else (agent unknown, or no agent named): TASK_UNKNOWN or TASK_LOST.
  Tasks on an unreachable agent are not in the active map, so a framework must
  name the agent to learn that they are unreachable.

  Background:
    Given an agent "a1"
    And a partition-aware framework "cassandra"
    And a framework "spark"
    And "cassandra" runs task "c1" on agent "a1"
    And "spark" runs task "s1" on agent "a1"

  # Rule H2
  Scenario: A task the master knows is reported in its latest state, whatever agent the framework names
    When "cassandra" reconciles task "c1"
    And "spark" reconciles task "s1" on an unknown agent
    Then "cassandra" receives these updates:
      | task | state        | reason                | source        | agent | unreachable time | message                           |
      | c1   | TASK_RUNNING | REASON_RECONCILIATION | SOURCE_MASTER | a1    | -                | Reconciliation: Latest task state |
    And "spark" receives these updates:
      | task | state        | reason                | source        | agent | unreachable time | message                           |
      | s1   | TASK_RUNNING | REASON_RECONCILIATION | SOURCE_MASTER | a1    | -                | Reconciliation: Latest task state |

  # Rules H2, H3, K2
  Scenario: Nobody gets an answer about an agent that has not come back after a master failover
    When agent "a1" is partitioned from the master
    And the master fails over
    And "cassandra" resubscribes
    And "spark" resubscribes
    And "cassandra" reconciles task "c1" on agent "a1"
    And "spark" reconciles task "s1" on agent "a1"
    And "cassandra" reconciles task "c9"
    Then "cassandra" receives no updates
    And "spark" receives no updates
    And the master considers agent "a1" recovered

  # Rules H2, H3
  Scenario: Tasks are known again once the recovered agent reregisters
    When the master fails over
    And "cassandra" resubscribes
    And agent "a1" reconnects
    And "cassandra" reconciles task "c1" on agent "a1"
    Then "cassandra" receives these updates:
      | task | state        | reason                | source        | message                           |
      | c1   | TASK_RUNNING | REASON_RECONCILIATION | SOURCE_MASTER | Reconciliation: Latest task state |

  # Rule H2
  Scenario: A task that ended and was acknowledged on a registered agent is gone, or lost for a framework that is not partition-aware
    When task "c1" finishes
    And task "s1" finishes
    Then "cassandra" receives TASK_FINISHED for task "c1" from SOURCE_EXECUTOR
    And "spark" receives TASK_FINISHED for task "s1" from SOURCE_EXECUTOR
    When "cassandra" reconciles task "c1" on agent "a1"
    And "spark" reconciles task "s1" on agent "a1"
    Then "cassandra" receives these updates:
      | task | state     | reason                | source        | unreachable time | message                                      |
      | c1   | TASK_GONE | REASON_RECONCILIATION | SOURCE_MASTER | -                | Reconciliation: Task is unknown to the agent |
    And "spark" receives these updates:
      | task | state     | reason                | source        | unreachable time | message                                      |
      | s1   | TASK_LOST | REASON_RECONCILIATION | SOURCE_MASTER | -                | Reconciliation: Task is unknown to the agent |

  # Rules H2, H3
  Scenario: A disconnected agent still counts as registered
    When the master's connection to agent "a1" breaks
    And "cassandra" reconciles task "c9" on agent "a1"
    Then the master considers agent "a1" disconnected
    And "cassandra" receives these updates:
      | task | state     | reason                | source        | message                                      |
      | c9   | TASK_GONE | REASON_RECONCILIATION | SOURCE_MASTER | Reconciliation: Task is unknown to the agent |

  # Rules H2, H3
  Scenario: A partition-aware framework that names the agent learns its task is unreachable and since when
    When agent "a1" is partitioned from the master
    And 2m pass
    And "cassandra" reconciles task "c1" on agent "a1"
    And "spark" reconciles task "s1" on agent "a1"
    Then "cassandra" receives these updates:
      | task | state            | reason                | source        | at  | unreachable time | message                             |
      | c1   | TASK_UNREACHABLE | REASON_AGENT_REMOVED  | SOURCE_MASTER | 90s | 90s              | health check timed out              |
      | c1   | TASK_UNREACHABLE | REASON_RECONCILIATION | SOURCE_MASTER | 2m  | 90s              | Reconciliation: Task is unreachable |
    And "spark" receives these updates:
      | task | state     | reason                | source        | at  | unreachable time | message                             |
      | s1   | TASK_LOST | REASON_AGENT_REMOVED  | SOURCE_MASTER | 90s | 90s              | health check timed out              |
      | s1   | TASK_LOST | REASON_RECONCILIATION | SOURCE_MASTER | 2m  | 90s              | Reconciliation: Task is unreachable |

  # Rule H2
  Scenario: A partition-aware framework must name the agent to learn a task is unreachable
    When agent "a1" is partitioned from the master
    And 2m pass
    Then "cassandra" receives TASK_UNREACHABLE for task "c1"
    When "cassandra" reconciles task "c1"
    Then "cassandra" receives these updates:
      | task | state        | reason                | source        | unreachable time | message                         |
      | c1   | TASK_UNKNOWN | REASON_RECONCILIATION | SOURCE_MASTER | -                | Reconciliation: Task is unknown |

  # Rules H2, H3
  Scenario: Tasks on an agent the operator marked gone are gone by operator, or lost for a framework that is not partition-aware
    When agent "a1" is partitioned from the master for 100s
    And the operator marks agent "a1" as gone
    And 1m passes
    And "cassandra" reconciles task "c1" on agent "a1"
    And "spark" reconciles task "s1" on agent "a1"
    Then "cassandra" receives these updates:
      | task | state                 | reason                           | source        | message                      |
      | c1   | TASK_UNREACHABLE      | REASON_AGENT_REMOVED             | SOURCE_MASTER | health check timed out       |
      | c1   | TASK_GONE_BY_OPERATOR | REASON_AGENT_REMOVED_BY_OPERATOR | SOURCE_MASTER | Agent has been marked gone   |
      | c1   | TASK_GONE_BY_OPERATOR | REASON_RECONCILIATION            | SOURCE_MASTER | Reconciliation: Task is gone |
    And "spark" receives these updates:
      | task | state     | reason                | source        | message                      |
      | s1   | TASK_LOST | REASON_AGENT_REMOVED  | SOURCE_MASTER | health check timed out       |
      | s1   | TASK_LOST | REASON_AGENT_REMOVED  | SOURCE_MASTER | Agent has been marked gone   |
      | s1   | TASK_LOST | REASON_RECONCILIATION | SOURCE_MASTER | Reconciliation: Task is gone |

  # Rules H2, H3
  Scenario: A task on an agent the master never saw is unknown, or lost for a framework that is not partition-aware
    When "cassandra" reconciles task "c9" on an unknown agent
    And "spark" reconciles task "s9" on an unknown agent
    Then "cassandra" receives these updates:
      | task | state        | reason                | source        | unreachable time | message                         |
      | c9   | TASK_UNKNOWN | REASON_RECONCILIATION | SOURCE_MASTER | -                | Reconciliation: Task is unknown |
    And "spark" receives these updates:
      | task | state     | reason                | source        | unreachable time | message                         |
      | s9   | TASK_LOST | REASON_RECONCILIATION | SOURCE_MASTER | -                | Reconciliation: Task is unknown |
