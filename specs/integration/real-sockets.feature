@integration
Feature: The partition rules hold over real sockets
  The integration tier runs scenarios on the networked runtime: the same master and
  agent state machines, but every message crosses a real TCP connection on the
  loopback interface, and time is real, sped up 100 times (NETSPLIT_TIME_SCALE).
  Real timing jitters by a few milliseconds, so these scenarios pin windows and
  outcomes rather than exact instants. A scenario tagged with both tiers runs
  twice: once on the simulator, once over sockets.

  Background:
    Given an agent "a1"
    And a partition-aware framework "cassandra"
    And a framework "spark"
    And "cassandra" runs task "c1" on agent "a1"
    And "spark" runs task "s1" on agent "a1"

  # Rules A5, D5
  @unit
  Scenario: An agent cut off for 100s is marked unreachable within the detection window
    When agent "a1" is partitioned from the master for 100s
    Then agent "a1" is marked unreachable between 75s and 90s after the partition began
    And "cassandra" receives TASK_UNREACHABLE for task "c1" with reason REASON_AGENT_REMOVED
    And "spark" receives TASK_LOST for task "s1" with reason REASON_AGENT_REMOVED
    And "cassandra" is told that agent "a1" is lost

  # Rules E3, E5
  @unit
  Scenario: An unreachable agent that comes back keeps its tasks and everyone is told they run
    When agent "a1" is partitioned from the master for 100s
    And agent "a1" reconnects
    Then "cassandra" receives TASK_RUNNING for task "c1" with reason REASON_AGENT_REREGISTERED
    And "spark" receives TASK_RUNNING for task "s1" with reason REASON_AGENT_REREGISTERED
    And agent "a1" is still running task "c1"
    And agent "a1" is still running task "s1"
    And the master considers agent "a1" registered

  # Rules A3, C5
  @unit
  Scenario: A blip shorter than the detection window goes unnoticed
    When agent "a1" is partitioned from the master for 40s
    And 1m passes
    Then the master considers agent "a1" registered
    And "spark" receives no updates
    And agent "a1" has not given up on the master

  # Rules B1, B2, B4
  Scenario: A broken connection is repaired by the agent reregistering at the next ping
    When the master's connection to agent "a1" breaks
    And 30s pass
    Then the master considers agent "a1" registered
    And "spark" receives no updates
    And agent "a1" is still running task "s1"

  # Rules H2, H3
  Scenario: Reconciliation over the wire answers TASK_UNREACHABLE for an unreachable agent
    When agent "a1" is partitioned from the master
    And 2m pass
    And "cassandra" reconciles task "c1" on agent "a1"
    Then "cassandra" receives TASK_UNREACHABLE for task "c1" with reason REASON_RECONCILIATION

  # Rules B1, B2
  Scenario: Closing the agent's socket loses the tasks of a framework that does not checkpoint
    Given a framework "web" that does not checkpoint
    And "web" runs task "w1" on agent "a1"
    When 20s pass
    And the master's connection to agent "a1" breaks
    And 1s passes
    Then "web" receives TASK_LOST for task "w1" with reason REASON_AGENT_DISCONNECTED
    And the master considers agent "a1" disconnected
    And "spark" receives no updates
