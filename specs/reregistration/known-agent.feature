Feature: A still-registered agent reregisters
  An agent the master has not yet marked unreachable may reregister, for example
  after it gave up on the master a little too early or after its process
  restarted. The master keeps the agent and its health check, sends no update to
  any framework, and reconciles with the agent instead: for every task the master
  has and the agent did not report, it asks the agent, which answers TASK_DROPPED
  (partition-aware framework) or TASK_LOST (the others, or any framework under a
  master older than 1.1) from SOURCE_AGENT with REASON_RECONCILIATION. Kills that
  could not be delivered while the agent was disconnected are sent again, and
  frameworks the master has since removed are shut down on the agent.

  Background:
    Given an agent "a1"
    And a partition-aware framework "cassandra"
    And a framework "spark"
    And "cassandra" runs task "c1" on agent "a1"
    And "spark" runs task "s1" on agent "a1"

  # Rules E6, C6
  Scenario Outline: A launch the agent never saw is reported <state> by the agent when it reregisters in time (Mesos <version>, <framework>)
    Given the master runs Mesos <version>
    When the next RunTask from the master to agent "a1" is dropped
    And "<framework>" launches task "t2" on agent "a1"
    And agent "a1" re-detects the master
    And 5s pass
    Then "<framework>" receives these updates:
      | task | state   | reason                | source       | message                                   |
      | t2   | <state> | REASON_RECONCILIATION | SOURCE_AGENT | Reconciliation: task unknown to the agent |
    And the master considers agent "a1" registered
    And the master's metric <metric> is 1

    Examples:
      | version | framework | state        | metric       |
      | 1.12    | cassandra | TASK_DROPPED | tasks_dropped |
      | 1.12    | spark     | TASK_LOST    | tasks_lost    |
      | 1.0     | cassandra | TASK_LOST    | tasks_lost    |

  # Rules E6, A6
  Scenario: Reregistering does not reset the master's count of missed pings
    When pongs from agent "a1" are dropped
    And 50s pass
    And agent "a1" re-detects the master
    And 1m passes
    Then agent "a1" is marked unreachable at 90s

  # Rules E6, B4
  Scenario: A kill sent while the agent was disconnected is delivered when it reregisters
    When the master's connection to agent "a1" breaks
    And "spark" kills task "s1"
    Then agent "a1" is still running task "s1"
    When 20s pass
    Then task "s1" is killed on agent "a1"
    And "spark" receives TASK_KILLED for task "s1" from SOURCE_EXECUTOR
    And the master considers agent "a1" registered

  # Rule E6
  Scenario: An agent that reregisters after a disconnect is not marked unreachable when the reregister timeout expires
    When the master's connection to agent "a1" breaks
    And 20s pass
    Then the master considers agent "a1" registered
    When 15m pass
    Then the master considers agent "a1" registered
    And the master's metric slave_unreachable_scheduled is 0
    And "cassandra" receives no updates

  # Rule E6
  Scenario: Tasks of a framework torn down while their agent was cut off are killed when it reregisters in time
    When the next ping to agent "a1" is due
    And agent "a1" is partitioned from the master
    And 15s pass
    And "spark" is torn down
    And 45s pass
    And the partition of agent "a1" heals
    And agent "a1" re-detects the master
    And agent "a1" reconnects
    Then task "s1" is killed on agent "a1"
    And agent "a1" is still running task "c1"
    And the master considers agent "a1" registered
