Feature: Who may reregister
  Before the master looks at an agent's reregistration it checks a few gates, in
  order. A request that arrives while another transition of that agent is still
  being written to the registry (marking it unreachable, marking it gone, or
  another reregistration) is ignored, not queued: the agent simply retries later.
  An agent the operator marked gone is told to shut down with "Agent has been
  marked gone", and an agent whose machine is in maintenance DOWN is told to shut
  down with "Machine is `DOWN`". Only an agent that passes every gate is
  reconciled or re-admitted.

  The first two scenarios give every registry write one second, so that the
  agent can knock while a write is in flight. The agent joins at 0s, is admitted
  at 1s, and its health check pings at 1s, 16s, 31s and so on.

  Background:
    Given a framework "spark"

  # Rule E1
  Scenario: A reregistration that arrives while the agent is being marked unreachable is ignored
    Given the registry write latency is 1s
    When agent "a1" registers
    And 2s pass
    And "spark" launches task "s1" on agent "a1"
    Then "spark" receives TASK_RUNNING for task "s1"
    When the next ping to agent "a1" is due
    And agent "a1" is partitioned from the master
    And 75s pass
    And the partition of agent "a1" heals
    And agent "a1" re-detects the master
    And 1s passes
    Then "spark" receives these updates:
      | task | state     | reason               | source        | at  | unreachable time |
      | s1   | TASK_LOST | REASON_AGENT_REMOVED | SOURCE_MASTER | 92s | 91s              |
    And the master considers agent "a1" unreachable
    When 30s pass
    Then "spark" receives these updates:
      | task | state        | reason                    | source        | message                           |
      | s1   | TASK_RUNNING | REASON_AGENT_REREGISTERED | SOURCE_MASTER | Unreachable agent re-reregistered |
    And the master considers agent "a1" registered

  # Rules E1, J5
  Scenario: A reregistration that arrives while the agent is being marked gone is ignored and the agent is then refused
    Given the registry write latency is 1s
    When agent "a1" registers
    And 2s pass
    And "spark" launches task "s1" on agent "a1"
    And the next ping to agent "a1" is due
    And agent "a1" is partitioned from the master
    And the clock reaches 100s
    Then "spark" receives TASK_LOST for task "s1" at 92s
    When the operator marks agent "a1" as gone
    And the partition of agent "a1" heals
    And agent "a1" re-detects the master
    And 1m passes
    Then the operator's request succeeds
    And "spark" receives these updates:
      | task | state     | reason               | source        | message                    |
      | s1   | TASK_LOST | REASON_AGENT_REMOVED | SOURCE_MASTER | Agent has been marked gone |
    And agent "a1" is told to shut down with "Agent has been marked gone"
    And agent "a1" runs no tasks
    And the master considers agent "a1" gone

  # Rules E1, J5
  Scenario: An agent marked gone while it was unreachable is told to shut down when it reregisters
    Given an agent "a1"
    And "spark" runs task "s1" on agent "a1"
    When agent "a1" is partitioned from the master for 100s
    And the operator marks agent "a1" as gone
    And agent "a1" reconnects
    Then agent "a1" is told to shut down with "Agent has been marked gone"
    And agent "a1" is no longer running task "s1"
    And the master considers agent "a1" gone
    And "spark" never receives TASK_RUNNING
    And the master's metric slave_reregistrations is 0

  # Rule E1
  Scenario: An agent whose machine is down is told to shut down when it reregisters
    Given an agent "a1"
    And "spark" runs task "s1" on agent "a1"
    When agent "a1" is partitioned from the master for 100s
    And the operator schedules maintenance for the machine of agent "a1"
    And the operator takes the machine of agent "a1" down
    And agent "a1" reconnects
    Then agent "a1" is told to shut down with "Machine is `DOWN`"
    And agent "a1" runs no tasks
    And the master considers agent "a1" unreachable
    And "spark" never receives TASK_RUNNING
