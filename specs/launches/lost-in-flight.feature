Feature: A launch lost on its way to the agent
  Once the master accepts a launch it records the task as TASK_STAGING and sends it
  to the agent. If that message is lost, the master and the agent disagree, and
  what the framework hears depends on how the agent comes back:

  - if the agent is marked unreachable, the staging task is reported like every
    other task on it (TASK_UNREACHABLE or TASK_LOST);
  - if the agent reregisters while still registered, the master asks it about the
    tasks it did not report, and the agent itself answers TASK_DROPPED
    (partition-aware) or TASK_LOST, from SOURCE_AGENT with REASON_RECONCILIATION;
  - if the agent returns after being marked unreachable, the task silently
    disappears; an explicit reconciliation then answers TASK_GONE (partition-aware)
    or TASK_LOST.

  Background:
    Given an agent "a1"
    And a partition-aware framework "cassandra"
    And a framework "spark"
    And "cassandra" runs task "c1" on agent "a1"
    And "spark" runs task "s1" on agent "a1"

  # Rules G4, D5
  Scenario: A launch lost in flight is reported unreachable with the other tasks when its agent is marked unreachable
    When the next RunTask from the master to agent "a1" is dropped
    And "cassandra" launches task "c2" on agent "a1"
    And agent "a1" is partitioned from the master
    And 2m pass
    Then "cassandra" receives these updates:
      | task | state            | reason               | source        | at  | unreachable time |
      | c1   | TASK_UNREACHABLE | REASON_AGENT_REMOVED | SOURCE_MASTER | 90s | 90s              |
      | c2   | TASK_UNREACHABLE | REASON_AGENT_REMOVED | SOURCE_MASTER | 90s | 90s              |
    And the master reports task "c2" as TASK_UNREACHABLE

  # Rules G4, C6, E6
  Scenario Outline: A launch lost in flight to an agent that reregisters before being marked unreachable is reported <state> by the agent to <framework>
    When the next RunTask from the master to agent "a1" is dropped
    And "<framework>" launches task "<task>" on agent "a1"
    And 20s pass
    And agent "a1" re-detects the master
    And 10s pass
    Then "<framework>" receives these updates:
      | task   | state   | reason                | source       | message                                    |
      | <task> | <state> | REASON_RECONCILIATION | SOURCE_AGENT | Reconciliation: task unknown to the agent |
    And the master reports task "<task>" as <state>
    And the master considers agent "a1" registered

    Examples:
      | framework | task | state        |
      | cassandra | c2   | TASK_DROPPED |
      | spark     | s2   | TASK_LOST    |

  # Rules G4, E3, H2
  Scenario Outline: A launch lost in flight vanishes silently when its agent returns after being unreachable, and reconciliation answers <answer> to <framework>
    When the next RunTask from the master to agent "a1" is dropped
    And "<framework>" launches task "<task>" on agent "a1"
    And agent "a1" is partitioned from the master for 100s
    Then "<framework>" receives <marked> for task "<task>" at 90s
    When agent "a1" reconnects
    Then "<framework>" receives these updates:
      | task    | state        | reason                    |
      | <other> | TASK_RUNNING | REASON_AGENT_REREGISTERED |
    And the master does not know task "<task>"
    When "<framework>" reconciles task "<task>" on agent "a1"
    Then "<framework>" receives these updates:
      | task   | state    | reason                | source        | message                                      |
      | <task> | <answer> | REASON_RECONCILIATION | SOURCE_MASTER | Reconciliation: Task is unknown to the agent |

    Examples:
      | framework | task | other | marked           | answer    |
      | cassandra | c2   | c1    | TASK_UNREACHABLE | TASK_GONE |
      | spark     | s2   | s1    | TASK_LOST        | TASK_LOST |
