Feature: Marking an agent gone while another transition is in flight
  MARK_AGENT_GONE answers 503, which the operator should retry, while the agent
  is still being marked unreachable, being marked gone, or being removed: the
  master will not start a second registry transition for the same agent.
  Here every registry write takes one second. The agent joins at 0s, is admitted
  at 1s, and its health check pings at 1s, 16s, 31s and so on.

  Background:
    Given the registry write latency is 1s
    And a framework "spark"
    When agent "a1" registers
    And 2s pass
    And "spark" launches task "s1" on agent "a1"

  # Rule J1
  Scenario: Marking an agent gone while it is being marked unreachable fails with 503
    When the next ping to agent "a1" is due
    And agent "a1" is partitioned from the master
    And 75s pass
    And 500ms pass
    And the operator marks agent "a1" as gone
    Then the operator's request fails with 503
    When 1s passes
    Then the master considers agent "a1" unreachable
    And "spark" receives TASK_LOST for task "s1" with reason REASON_AGENT_REMOVED at 92s

  # Rule J1
  Scenario: Marking an agent gone while it is already being marked gone fails with 503
    When the operator marks agent "a1" as gone
    And the operator marks agent "a1" as gone
    Then the operator's request fails with 503
    When 1s passes
    Then the master considers agent "a1" gone
    And the operator's request succeeds
    When the operator marks agent "a1" as gone
    Then the operator's request succeeds

  # Rule J1
  Scenario: Marking an agent gone while it is being removed fails with 503
    When agent "a1" shuts down gracefully
    And 500ms pass
    And the operator marks agent "a1" as gone
    Then the operator's request fails with 503
    When 1s passes
    Then the master considers agent "a1" removed
